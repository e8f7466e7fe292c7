import type { AccountsTable } from '../../db/tables.js';
import type { KeyAuthRow } from '../api-keys/repository.js';
import type { FieldRestrictions } from '../descriptors/permissions.js';

/** Who is calling: the key and its account, as authentication established them. */
export interface Principal {
  readonly accountId: string;
  readonly keyId: string;
  readonly plan: AccountsTable['plan'];
  readonly accountApiVersion: string | null;
  readonly scopes: readonly string[];
  readonly fieldRestrictions: FieldRestrictions | null;
  readonly rateLimitPerMinute: number | null;
  /** The key's stored row as verified (from the cache: at most 5 s old, and invalidated on every change). */
  readonly key: KeyAuthRow;
}

/** The key a request named, found in the database: what the request log attributes a request to. */
export interface RecognisedKey {
  readonly accountId: string;
  readonly keyId: string;
}
