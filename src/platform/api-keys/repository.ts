import type { AccountsTable, ApiKeyRow, Db, NewApiKeyRow, UsersTable } from '../../db/tables.js';

/** A key row joined with what authentication needs of its account and owner: one query per cache miss. */
export interface KeyAuthRow extends ApiKeyRow {
  account_plan: AccountsTable['plan'];
  account_api_access: AccountsTable['api_access'];
  account_api_version: string | null;
  owner_active: UsersTable['active'] | null;
  owner_role: UsersTable['role'] | null;
}

export async function insertApiKey(db: Db, row: NewApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export async function findKeyForAuth(db: Db, keyHash: string): Promise<KeyAuthRow | undefined> {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('accounts as a', 'a.id', 'k.account_id')
    .leftJoin('users as u', (join) =>
      join.onRef('u.id', '=', 'k.created_by').onRef('u.account_id', '=', 'k.account_id'),
    )
    .selectAll('k')
    .select([
      'a.plan as account_plan',
      'a.api_access as account_api_access',
      'a.api_version as account_api_version',
      'u.active as owner_active',
      'u.role as owner_role',
    ])
    .where('k.key_hash', '=', keyHash)
    .executeTakeFirst();
}

export async function findApiKey(db: Db, accountId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', keyId)
    .executeTakeFirst();
}

/** Looks a key up by id alone: only for the operator CLI, which acts across accounts. */
export async function findApiKeyById(db: Db, keyId: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
}

/** A key row with its owner's standing, which decides whether the key authenticates (see authenticate.ts). */
export interface KeyWithOwnerRow extends ApiKeyRow {
  owner_active: UsersTable['active'] | null;
  owner_role: UsersTable['role'] | null;
}

/** The account's keys, newest first, each with its owner's standing. */
export async function listApiKeys(db: Db, accountId: string): Promise<KeyWithOwnerRow[]> {
  return db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', (join) =>
      join.onRef('u.id', '=', 'k.created_by').onRef('u.account_id', '=', 'k.account_id'),
    )
    .selectAll('k')
    .select(['u.active as owner_active', 'u.role as owner_role'])
    .where('k.account_id', '=', accountId)
    .orderBy('k.id', 'desc')
    .execute();
}

/** The keys this user owns that are not revoked, oldest first (the order their events are written in). */
export async function listKeysOwnedBy(db: Db, accountId: string, userId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('created_by', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('id', 'asc')
    .execute();
}

/** Moves the keys among `keyIds` to another owner; the caller checked that the owner is an active administrator. */
export async function reassignApiKeys(
  db: Db,
  accountId: string,
  keyIds: readonly string[],
  toUserId: string,
  now: string,
): Promise<void> {
  if (keyIds.length === 0) return;
  await db
    .updateTable('api_keys')
    .set({ created_by: toUserId, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', 'in', [...keyIds])
    .execute();
}

/** Revokes the keys among `keyIds` that are not revoked yet. */
export async function revokeApiKeys(
  db: Db,
  accountId: string,
  keyIds: readonly string[],
  now: string,
): Promise<void> {
  if (keyIds.length === 0) return;
  await db
    .updateTable('api_keys')
    .set({ revoked_at: now, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', 'in', [...keyIds])
    .where('revoked_at', 'is', null)
    .execute();
}

/** The keys among `keyIds`, oldest first. */
export async function findApiKeys(
  db: Db,
  accountId: string,
  keyIds: readonly string[],
): Promise<ApiKeyRow[]> {
  if (keyIds.length === 0) return [];
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', [...keyIds])
    .orderBy('id', 'asc')
    .execute();
}

/** Keys that authenticate now and are not on their way out after a roll. */
export async function countActiveKeys(db: Db, accountId: string, now: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('rolled_to', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Revokes the key unless it already is; returns whether this call revoked it. */
export async function revokeApiKey(db: Db, accountId: string, keyId: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Revokes every not-yet-revoked key of the account; returns those keys as they are now. */
export async function revokeAllApiKeys(db: Db, accountId: string, now: string): Promise<ApiKeyRow[]> {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: now, updated_at: now })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .returningAll()
    .execute();
}

/**
 * Marks a key as rolled, only if it is neither rolled nor revoked yet; returns whether it did. The condition is
 * the check: of two concurrent rolls of one key, only one can win.
 */
export async function markRolled(
  db: Db,
  accountId: string,
  keyId: string,
  replacementId: string,
  expiresAt: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ rolled_to: replacementId, expires_at: expiresAt, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', keyId)
    .where('rolled_to', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A key's lastUsedAt moves at most once per this interval (the API documents "at most once a minute"). */
export const KEY_USE_RECORD_INTERVAL_MS = 60_000;

/**
 * Moves each key's lastUsedAt to the given time unless the stored one is less than the interval older: this
 * check in the query is what keeps several processes to one write a minute. Runs in the request log's
 * transaction. Returns each key's lastUsedAt as stored afterwards (another process's, when it had written).
 */
export async function recordLastUsed(
  db: Db,
  usage: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  const unchanged: string[] = [];
  for (const [keyId, usedAt] of usage) {
    const movesAfter = new Date(Date.parse(usedAt) - KEY_USE_RECORD_INTERVAL_MS).toISOString();
    const result = await db
      .updateTable('api_keys')
      .set({ last_used_at: usedAt })
      .where('id', '=', keyId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', movesAfter)]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) stored.set(keyId, usedAt);
    else unchanged.push(keyId);
  }
  if (unchanged.length > 0) {
    const rows = await db
      .selectFrom('api_keys')
      .select(['id', 'last_used_at'])
      .where('id', 'in', unchanged)
      .execute();
    for (const row of rows) if (row.last_used_at !== null) stored.set(row.id, row.last_used_at);
  }
  return stored;
}
