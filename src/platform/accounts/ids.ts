import type { IdKind } from '../../shared/ids.js';

/** Accounts are the platform's own objects, not a resource of the API: their id kind lives here. */
export const ACCOUNTS: IdKind = { idPrefix: 'acct' };
