import type { SelectQueryBuilder } from 'kysely';
import { toCount, toDbBoolean } from '../../db/columns.js';
import type {
  Database,
  Db,
  NewUserRow,
  PasswordLinkRow,
  UserRole,
  UserRow,
  UsersTable,
} from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../pagination/keyset.js';

/** Queries of the users table and what hangs off a user: managed locations and groups, password links, sessions. */

export interface UserFilters {
  role?: UserRole | undefined;
  active?: boolean | undefined;
  updatedSince?: string | undefined;
}

/** The account filter and the list filters, shared by the page query and the count. */
function filtered<O>(
  query: SelectQueryBuilder<Database, 'users', O>,
  accountId: string,
  filters: UserFilters,
): SelectQueryBuilder<Database, 'users', O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.role !== undefined) q = q.where('role', '=', filters.role);
  if (filters.active !== undefined) q = q.where('active', '=', toDbBoolean(filters.active));
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  return q;
}

export async function insertUser(db: Db, row: NewUserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function findUser(db: Db, accountId: string, userId: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** Looks a user up by id alone: only for the operator CLI, which acts across accounts. */
export async function findUserById(db: Db, userId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

/** Emails are unique across the installation (they are the portal login), stored lower-cased. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/** Names and emails of the account's users among these ids (e.g. to show who created each API key). */
export async function findUserNames(
  db: Db,
  accountId: string,
  userIds: readonly string[],
): Promise<Pick<UserRow, 'id' | 'name' | 'email'>[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('account_id', '=', accountId)
    .where('id', 'in', [...userIds])
    .execute();
}

export async function listUsers(
  db: Db,
  accountId: string,
  filters: UserFilters,
  page: PageRequest,
): Promise<UserRow[]> {
  return keysetPage(filtered(db.selectFrom('users').selectAll(), accountId, filters), page, 'id').execute();
}

export async function countUsers(db: Db, accountId: string, filters: UserFilters): Promise<number> {
  const row = await filtered(
    db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}

/** Every user of the account, newest first: accounts have a handful, and the CLI and the portal show them all. */
export async function listAllUsers(db: Db, accountId: string): Promise<UserRow[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .execute();
}

/** Active administrators of the account other than `exceptUserId`: who would be left if that one went. */
export async function countOtherActiveAdministrators(
  db: Db,
  accountId: string,
  exceptUserId: string,
): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('account_id', '=', accountId)
    .where('role', '=', 'administrator')
    .where('active', '=', 1)
    .where('id', '!=', exceptUserId)
    .executeTakeFirstOrThrow();
  return toCount(row.n);
}

export async function updateUser(
  db: Db,
  accountId: string,
  userId: string,
  changes: Partial<Pick<UsersTable, 'active' | 'role' | 'name'>> & { updated_at: string },
): Promise<void> {
  await db
    .updateTable('users')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .execute();
}

/**
 * Stores a new password hash. No password material is part of a user's object, so `updatedAt` stays and no event
 * is recorded.
 */
export async function setPasswordHash(
  db: Db,
  accountId: string,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash })
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .execute();
}

/** Notes a portal sign-in. Not a change of the user (`updatedAt` stays): no event, no sync. */
export async function recordSignIn(db: Db, accountId: string, userId: string, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ last_sign_in_at: at })
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .execute();
}

/** What a manager manages: locations or groups. */
export type ManagedKind = 'locations' | 'groups';

const MANAGED = {
  locations: { table: 'user_locations', column: 'location_id' },
  groups: { table: 'user_groups', column: 'group_id' },
} as const;

/** The ids each of `userIds` manages of this kind, sorted; users without any map to an empty array. */
export async function managedIds(
  db: Db,
  accountId: string,
  kind: ManagedKind,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;
  const rows =
    kind === 'locations'
      ? await db
          .selectFrom('user_locations')
          .select(['user_id', 'location_id as other'])
          .where('account_id', '=', accountId)
          .where('user_id', 'in', [...userIds])
          .execute()
      : await db
          .selectFrom('user_groups')
          .select(['user_id', 'group_id as other'])
          .where('account_id', '=', accountId)
          .where('user_id', 'in', [...userIds])
          .execute();
  for (const row of rows) byUser.get(row.user_id)?.push(row.other);
  for (const ids of byUser.values()) ids.sort();
  return byUser;
}

/** Makes the user's managed ids of this kind exactly `ids`. Pass a transaction: it deletes, then inserts. */
export async function replaceManagedIds(
  db: Db,
  accountId: string,
  kind: ManagedKind,
  userId: string,
  ids: readonly string[],
): Promise<void> {
  const { table } = MANAGED[kind];
  await db.deleteFrom(table).where('account_id', '=', accountId).where('user_id', '=', userId).execute();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  if (kind === 'locations') {
    await db
      .insertInto('user_locations')
      .values(unique.map((id) => ({ account_id: accountId, user_id: userId, location_id: id })))
      .execute();
  } else {
    await db
      .insertInto('user_groups')
      .values(unique.map((id) => ({ account_id: accountId, user_id: userId, group_id: id })))
      .execute();
  }
}

/** The first of `ids` that is no location (or group) of the account, if any: one query whatever their number. */
export async function firstMissingObject(
  db: Db,
  accountId: string,
  kind: ManagedKind,
  ids: readonly string[],
): Promise<string | undefined> {
  if (ids.length === 0) return undefined;
  const found = await db
    .selectFrom(kind)
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  const existing = new Set(found.map((row) => row.id));
  return ids.find((id) => !existing.has(id));
}

export async function insertPasswordLink(db: Db, row: PasswordLinkRow): Promise<void> {
  await db.insertInto('user_password_links').values(row).execute();
}

/** Forgets every link of the user not yet used: a newer link, or a new password, replaces them. */
export async function deleteUnusedPasswordLinks(db: Db, accountId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('user_password_links')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

/** The link of this token hash while it can still be used (not used, not expired). */
export async function findUsablePasswordLink(
  db: Db,
  tokenHash: string,
  now: string,
): Promise<PasswordLinkRow | undefined> {
  return db
    .selectFrom('user_password_links')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Marks the link used, only if it still is usable; returns whether this call did. The condition is the check: of
 * two redemptions of one link at once, only one wins.
 */
export async function markPasswordLinkUsed(db: Db, tokenHash: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('user_password_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends the user's portal sessions, all of them or all but one (the session that changed its own password). */
export async function deleteSessionsOfUser(
  db: Db,
  accountId: string,
  userId: string,
  exceptTokenHash?: string,
): Promise<void> {
  let query = db
    .deleteFrom('portal_sessions')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId);
  if (exceptTokenHash !== undefined) query = query.where('token_hash', '!=', exceptTokenHash);
  await query.execute();
}
