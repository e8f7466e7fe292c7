import type { Db, TimeCardRow } from '../../db/tables.js';

export async function findCard(db: Db, accountId: string, id: string): Promise<TimeCardRow | undefined> {
  return db
    .selectFrom('time_cards')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listCardsOfPeriod(
  db: Db,
  accountId: string,
  payPeriodId: string,
  employeeId?: string,
): Promise<TimeCardRow[]> {
  let query = db
    .selectFrom('time_cards')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('pay_period_id', '=', payPeriodId);
  if (employeeId) query = query.where('employee_id', '=', employeeId);
  return query.execute();
}

/** Rows per statement: far below SQLite's bound-parameter limit, few statements for a thousand employees. */
const INSERT_BATCH = 500;

/**
 * Inserts the cards and returns how many were new. A card another read inserted first is skipped rather than
 * failing: inside a PostgreSQL transaction a unique violation would abort the whole read.
 */
export async function insertCards(db: Db, rows: readonly TimeCardRow[]): Promise<number> {
  let inserted = 0;
  for (let offset = 0; offset < rows.length; offset += INSERT_BATCH) {
    const result = await db
      .insertInto('time_cards')
      .values(rows.slice(offset, offset + INSERT_BATCH))
      .onConflict((conflict) => conflict.columns(['account_id', 'pay_period_id', 'employee_id']).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/**
 * Approves the card, recording who and when; a card already approved is left as it is (its first approval stands).
 * The last unapproval stays on the card: it says why the card was reopened before this approval.
 */
export async function approveCard(
  db: Db,
  accountId: string,
  id: string,
  actor: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('time_cards')
    .set({ approved: 1, approved_at: now, approved_by: actor, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('approved', '=', 0)
    .execute();
}

/**
 * Withdraws the approval, recording who, when and why in place of the previous unapproval; a card that is not
 * approved is left as it is (nothing was withdrawn, so nothing is recorded).
 */
export async function unapproveCard(
  db: Db,
  accountId: string,
  id: string,
  actor: string,
  reason: string | null,
  now: string,
): Promise<void> {
  await db
    .updateTable('time_cards')
    .set({
      approved: 0,
      approved_at: null,
      approved_by: null,
      unapproved_at: now,
      unapproved_by: actor,
      unapproval_reason: reason,
      updated_at: now,
    })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('approved', '=', 1)
    .execute();
}

/** An approved card and the dates of its pay period. */
export interface ApprovedCard {
  id: string;
  employee_id: string;
  start_date: string;
  end_date: string;
}

/**
 * An approved card whose pay period shares a date with [fromDate, toDate] (local dates, inclusive): of this
 * employee, or of anyone when `employeeId` is null (the earliest then). Read from the periods side, so each period
 * found costs one lookup in time_cards_period_employee_uq.
 */
export async function findApprovedCardTouching(
  db: Db,
  accountId: string,
  employeeId: string | null,
  fromDate: string,
  toDate: string,
): Promise<ApprovedCard | undefined> {
  let query = db
    .selectFrom('pay_periods as p')
    .innerJoin('time_cards as c', (join) =>
      join.onRef('c.account_id', '=', 'p.account_id').onRef('c.pay_period_id', '=', 'p.id'),
    )
    .select(['c.id', 'c.employee_id', 'p.start_date', 'p.end_date'])
    .where('p.account_id', '=', accountId)
    .where('p.start_date', '<=', toDate)
    .where('p.end_date', '>=', fromDate)
    .where('c.approved', '=', 1);
  if (employeeId !== null) query = query.where('c.employee_id', '=', employeeId);
  // Ordered as the unique index is, so SQLite keeps to it rather than scanning the account's cards by id.
  return query.orderBy('p.start_date').orderBy('c.employee_id').limit(1).executeTakeFirst();
}

/** Which of these employees have an approved card in the period. */
export async function listApprovedEmployeeIds(
  db: Db,
  accountId: string,
  payPeriodId: string,
  employeeIds: readonly string[],
): Promise<string[]> {
  if (employeeIds.length === 0) return [];
  const rows = await db
    .selectFrom('time_cards')
    .select('employee_id')
    .where('account_id', '=', accountId)
    .where('pay_period_id', '=', payPeriodId)
    .where('employee_id', 'in', [...employeeIds])
    .where('approved', '=', 1)
    .execute();
  return rows.map((row) => row.employee_id);
}

export async function deleteCardsOfPeriods(
  db: Db,
  accountId: string,
  payPeriodIds: readonly string[],
): Promise<void> {
  if (payPeriodIds.length === 0) return;
  await db
    .deleteFrom('time_cards')
    .where('account_id', '=', accountId)
    .where('pay_period_id', 'in', [...payPeriodIds])
    .execute();
}
