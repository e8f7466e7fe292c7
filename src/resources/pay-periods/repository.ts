import { type SelectQueryBuilder, sql } from 'kysely';
import { toCount, toDbBoolean } from '../../db/columns.js';
import { isPostgres } from '../../db/database.js';
import type { Database, Db, PayPeriodRow } from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';

export interface PayPeriodFilters {
  /** Only the period containing this local date. */
  date?: string | undefined;
  updatedSince?: string | undefined;
}

function filtered<O>(
  query: SelectQueryBuilder<Database, 'pay_periods', O>,
  accountId: string,
  filters: PayPeriodFilters,
): SelectQueryBuilder<Database, 'pay_periods', O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.date) q = q.where('start_date', '<=', filters.date).where('end_date', '>=', filters.date);
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  return q;
}

/** The stored period that ends last: materialisation continues after it. */
export async function findLatestPeriod(db: Db, accountId: string): Promise<PayPeriodRow | undefined> {
  return db
    .selectFrom('pay_periods')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('start_date', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Inserts in the order given: callers pass oldest first so that the time-ordered ids sort like the dates. A period
 * whose start date is already stored is skipped rather than failing: two reads materialising under the same
 * schedule add the same dates, and inside a PostgreSQL transaction a unique violation would abort the whole read.
 */
export async function insertPeriods(db: Db, rows: readonly PayPeriodRow[]): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('pay_periods')
      .values([...rows])
      .onConflict((conflict) => conflict.columns(['account_id', 'start_date']).doNothing())
      .execute();
}

/**
 * Holds the account's pay periods still until the transaction ends: `shared` for reads that materialise periods and
 * compute from them (they do not wait for one another), `exclusive` for a schedule change, which replaces them. On
 * PostgreSQL a transaction-scoped advisory lock; on SQLite nothing more is needed, since every transaction there
 * holds the database's write lock from its BEGIN IMMEDIATE, which keeps the other out just as well.
 */
export async function holdPayPeriods(db: Db, accountId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  if (!db.isTransaction) throw new Error('holdPayPeriods must run inside a transaction');
  if (!isPostgres(db)) return;
  const key = `punchclock.pay-periods:${accountId}`;
  const lock =
    mode === 'shared'
      ? sql`select pg_advisory_xact_lock_shared(hashtext(${key}))`
      : sql`select pg_advisory_xact_lock(hashtext(${key}))`;
  await lock.execute(db);
}

export async function findPeriod(db: Db, accountId: string, id: string): Promise<PayPeriodRow | undefined> {
  return db
    .selectFrom('pay_periods')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findPeriodContaining(
  db: Db,
  accountId: string,
  date: string,
): Promise<PayPeriodRow | undefined> {
  return filtered(db.selectFrom('pay_periods').selectAll(), accountId, { date }).executeTakeFirst();
}

export async function listPeriods(
  db: Db,
  accountId: string,
  filters: PayPeriodFilters,
  page: PageRequest,
): Promise<PayPeriodRow[]> {
  return keysetPage(
    filtered(db.selectFrom('pay_periods').selectAll(), accountId, filters),
    page,
    'id',
  ).execute();
}

export async function countPeriods(db: Db, accountId: string, filters: PayPeriodFilters): Promise<number> {
  const row = await filtered(
    db.selectFrom('pay_periods').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}

/** Sets the lock state; a period already in that state is left as it is (its lockedAt and updatedAt stay). */
export async function setPeriodLocked(
  db: Db,
  accountId: string,
  id: string,
  locked: boolean,
  now: string,
): Promise<void> {
  await db
    .updateTable('pay_periods')
    .set({ locked: locked ? 1 : 0, locked_at: locked ? now : null, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('locked', '=', locked ? 0 : 1)
    .execute();
}

/** Deletes the periods that end on or after `date` (and so are not over yet) and returns them as they were. */
export async function deletePeriodsEndingFrom(
  db: Db,
  accountId: string,
  date: string,
): Promise<PayPeriodRow[]> {
  return db
    .deleteFrom('pay_periods')
    .where('account_id', '=', accountId)
    .where('end_date', '>=', date)
    .returningAll()
    .execute();
}

/** A locked period that shares a date with [fromDate, toDate] (local dates, inclusive), if there is one. */
export async function findLockedPeriodTouching(
  db: Db,
  accountId: string,
  fromDate: string,
  toDate: string,
): Promise<Pick<PayPeriodRow, 'id' | 'start_date' | 'end_date'> | undefined> {
  return db
    .selectFrom('pay_periods')
    .select(['id', 'start_date', 'end_date'])
    .where('account_id', '=', accountId)
    .where('locked', '=', toDbBoolean(true))
    .where('start_date', '<=', toDate)
    .where('end_date', '>=', fromDate)
    .executeTakeFirst();
}
