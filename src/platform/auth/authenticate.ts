import type { MaybePromise } from '../../shared/maybe-promise.js';
import { hashApiKey, isWellFormedApiKey, KEY_LENGTH } from '../api-keys/format.js';
import { keyStatus, ownerLetsKeyWork, parseKeyColumns } from '../api-keys/key-row.js';
import { findKeyForAuth, type KeyAuthRow } from '../api-keys/repository.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors/api-error.js';
import { bearerToken, unauthenticated } from './bearer.js';
import type { Principal, RecognisedKey } from './principal.js';

/**
 * The principal of each cached row, built once: a cache hit then costs a map lookup and the time-dependent checks,
 * not a re-parse of the row's JSON columns on every request.
 */
const principals = new WeakMap<KeyAuthRow, Principal>();

function principalFor(row: KeyAuthRow): Principal {
  let principal = principals.get(row);
  if (!principal) {
    principal = {
      accountId: row.account_id,
      keyId: row.id,
      plan: row.account_plan,
      accountApiVersion: row.account_api_version,
      ...parseKeyColumns(row),
      rateLimitPerMinute: row.rate_limit_per_minute,
      key: row,
    };
    principals.set(row, principal);
  }
  return principal;
}

function malformedKey(): ApiError {
  return unauthenticated('api_key_invalid', 'The API key is malformed or fails its checksum.');
}

/** Where authentication notes the key a token names, as soon as it is found (the request: its log row). */
export interface RecognisedKeyHolder {
  recognisedKey: RecognisedKey | null;
}

/**
 * Authorization header → Principal, or the contract's 401/403 error. `recognised` hears of the key as soon as it is
 * found, before it may be refused, so that the request log can show an account the refusals of its keys. `now` is the
 * request's time (expiry, the age of the cached row).
 *
 * Synchronous when the key is in the cache (nearly every request): only a cache miss waits for the database.
 * A malformed header or token throws at once.
 */
export function authenticate(
  ctx: AppContext,
  authorization: string | undefined,
  now: Date = ctx.clock.now(),
  recognised?: RecognisedKeyHolder,
): MaybePromise<Principal> {
  const token = bearerToken(authorization);
  // Only a token of a key's length is worth hashing: a header can hold kilobytes.
  if (token.length !== KEY_LENGTH) throw malformedKey();
  const keyHash = hashApiKey(token);
  // A cached hash is a key this service issued, so its format and checksum were right: only a miss checks them,
  // before the database read, so guessed tokens cost no query.
  const cached = ctx.keyCache.get(keyHash, now.getTime());
  if (cached) return admitKey(cached, recognised, now);
  if (!isWellFormedApiKey(token)) throw malformedKey();
  return findKeyForAuth(ctx.database.db, keyHash).then((row) => {
    if (row) ctx.keyCache.set(keyHash, row);
    return admitKey(row, recognised, now);
  });
}

/** The checks a found key must pass on every request (its row may be cached, the time is now). */
function admitKey(
  row: KeyAuthRow | undefined,
  recognised: RecognisedKeyHolder | undefined,
  now: Date,
): Principal {
  if (!row) throw unauthenticated('api_key_invalid', 'The API key is not recognised.');
  // The principal names the key and its account, and is made once per cached row.
  if (recognised) recognised.recognisedKey = principalFor(row);

  const status = keyStatus(row, now);
  if (status === 'revoked')
    throw unauthenticated('api_key_revoked', `API key ${row.display_prefix}… was revoked.`);
  if (status === 'expired')
    throw unauthenticated('api_key_expired', `API key ${row.display_prefix}… has expired.`);
  if (!ownerLetsKeyWork(row.created_by, { active: row.owner_active, role: row.owner_role })) {
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
  return principalFor(row);
}
