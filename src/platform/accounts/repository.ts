import { isPostgres } from '../../db/database.js';
import type { AccountRow, Db } from '../../db/tables.js';

export async function insertAccount(db: Db, row: AccountRow): Promise<void> {
  await db.insertInto('accounts').values(row).execute();
}

export async function findAccount(db: Db, accountId: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
}

/**
 * Holds the account's row until the transaction ends, so that checks of per-account caps and the writes they guard
 * run one at a time. PostgreSQL only: SQLite runs one write transaction at a time anyway.
 *
 * FOR NO KEY UPDATE, not FOR UPDATE: holders still wait for each other, but rows that reference the account (an
 * event, a link) can be inserted meanwhile, since their foreign-key check takes only KEY SHARE. With FOR UPDATE, a
 * holder waiting for the events lock (outbox.ts) and another change holding that lock while it inserts its event
 * deadlocked.
 */
export async function lockAccount(db: Db, accountId: string): Promise<void> {
  if (!isPostgres(db)) return;
  await db.selectFrom('accounts').select('id').where('id', '=', accountId).forNoKeyUpdate().execute();
}

/** Every account of the installation, newest first: the operator's list. */
export async function listAccounts(db: Db): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().orderBy('id', 'desc').execute();
}

export async function countAccounts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function updateAccount(
  db: Db,
  accountId: string,
  changes: Partial<Pick<AccountRow, 'api_access' | 'api_version' | 'name' | 'plan' | 'timezone'>> & {
    updated_at: string;
  },
): Promise<AccountRow | undefined> {
  await db.updateTable('accounts').set(changes).where('id', '=', accountId).execute();
  return findAccount(db, accountId);
}

/** Pins the account's API version only if it has none yet (first key creation). */
export async function pinApiVersionIfUnset(
  db: Db,
  accountId: string,
  version: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ api_version: version, updated_at: now })
    .where('id', '=', accountId)
    .where('api_version', 'is', null)
    .execute();
}
