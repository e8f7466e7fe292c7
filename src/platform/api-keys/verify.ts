import { fromDbJson } from '../../db/columns.js';
import type { AccountsTable } from '../../db/tables.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors/api-error.js';
import type { FieldRestrictions } from './field-restrictions.js';
import { hashApiKey, isWellFormedApiKey } from './format.js';
import { findKeyForAuth, type KeyAuthRow } from './repository.js';
import { keyStatus } from './service.js';

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

/** Parsed JSON columns per cached row: cache hits must not re-parse them on every request. */
const parsedColumns = new WeakMap<KeyAuthRow, Pick<Principal, 'scopes' | 'fieldRestrictions'>>();

function parsedColumnsOf(row: KeyAuthRow): Pick<Principal, 'scopes' | 'fieldRestrictions'> {
  let parsed = parsedColumns.get(row);
  if (!parsed) {
    parsed = {
      scopes: fromDbJson<string[]>(row.scopes),
      fieldRestrictions: row.field_restrictions
        ? fromDbJson<FieldRestrictions>(row.field_restrictions)
        : null,
    };
    parsedColumns.set(row, parsed);
  }
  return parsed;
}

/** The key a request named, found in the database: what the request log attributes a request to. */
export interface RecognisedKey {
  readonly accountId: string;
  readonly keyId: string;
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="punchclock"' };

function unauthenticated(
  code:
    | 'api_key_missing'
    | 'api_key_invalid'
    | 'api_key_revoked'
    | 'api_key_expired'
    | 'api_key_owner_inactive',
  message: string,
): ApiError {
  return new ApiError(code, message, { headers: CHALLENGE });
}

/** Extracts the token of `Authorization: Bearer <token>`; never echoes the token in errors. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') {
    throw unauthenticated(
      'api_key_missing',
      'No API key provided. Send it as "Authorization: Bearer <key>".',
    );
  }
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw unauthenticated('api_key_invalid', 'The Authorization header must have the form "Bearer <key>".');
  }
  return match[1];
}

async function loadKeyRow(ctx: AppContext, token: string): Promise<KeyAuthRow | undefined> {
  const keyHash = hashApiKey(token);
  const cached = ctx.keyCache.get(keyHash);
  if (cached) return cached;
  const row = await findKeyForAuth(ctx.database.db, keyHash);
  if (row) ctx.keyCache.set(keyHash, row);
  return row;
}

/**
 * Authorization header → Principal, or the contract's 401/403 error. `onRecognised` hears of the key as soon as it
 * is found, before it may be refused, so that the request log can show an account the refusals of its keys.
 */
export async function authenticate(
  ctx: AppContext,
  authorization: string | undefined,
  onRecognised?: (key: RecognisedKey) => void,
): Promise<Principal> {
  const token = bearerToken(authorization);
  // The checksum is checked before any database read, so guessed tokens cost nothing.
  if (!isWellFormedApiKey(token)) {
    throw unauthenticated('api_key_invalid', 'The API key is malformed or fails its checksum.');
  }
  const row = await loadKeyRow(ctx, token);
  if (!row) throw unauthenticated('api_key_invalid', 'The API key is not recognised.');
  onRecognised?.({ accountId: row.account_id, keyId: row.id });

  const status = keyStatus(row, ctx.clock.now());
  if (status === 'revoked')
    throw unauthenticated('api_key_revoked', `API key ${row.display_prefix}… was revoked.`);
  if (status === 'expired')
    throw unauthenticated('api_key_expired', `API key ${row.display_prefix}… has expired.`);
  if (row.created_by !== null && (row.owner_active !== 1 || row.owner_role !== 'administrator')) {
    throw unauthenticated(
      'api_key_owner_inactive',
      `The administrator who owns API key ${row.display_prefix}… is no longer active; an administrator must reassign or revoke it.`,
    );
  }
  if (row.account_api_access !== 1) {
    throw new ApiError(
      'api_access_disabled',
      'API access is turned off for this account. Ask your Punchclock operator to enable it.',
    );
  }
  return {
    accountId: row.account_id,
    keyId: row.id,
    plan: row.account_plan,
    accountApiVersion: row.account_api_version,
    ...parsedColumnsOf(row),
    rateLimitPerMinute: row.rate_limit_per_minute,
    key: row,
  };
}
