import type { IdKind } from '../../shared/ids.js';

/** Accounts and their users are the platform's own objects, not resources of the API: their id kinds live here. */
export const ACCOUNTS: IdKind = { idPrefix: 'acct' };
export const USERS: IdKind = { idPrefix: 'usr' };
