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

/** Sets the approval; a card already in that state is left as it is. */
export async function setCardApproved(
  db: Db,
  accountId: string,
  id: string,
  approved: boolean,
  now: string,
): Promise<void> {
  await db
    .updateTable('time_cards')
    .set({ approved: approved ? 1 : 0, approved_at: approved ? now : null, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('approved', '=', approved ? 0 : 1)
    .execute();
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
