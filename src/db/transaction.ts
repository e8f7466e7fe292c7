import type { Db } from './tables.js';

/**
 * Runs `work` in one transaction, joining the caller's when `db` already is one (createWithinPlanCap hands its
 * transaction to the creation it guards, and Kysely cannot nest transactions).
 */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
