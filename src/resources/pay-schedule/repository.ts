import type { Db, PayScheduleRow } from '../../db/tables.js';

/** The account's zone and creation time with its schedule row, if it has one: one query for every pay computation. */
export async function findAccountSchedule(db: Db, accountId: string) {
  return db
    .selectFrom('accounts')
    .leftJoin('pay_schedules', (join) =>
      join
        .onRef('pay_schedules.account_id', '=', 'accounts.id')
        .on('pay_schedules.account_id', '=', accountId),
    )
    .select([
      'accounts.timezone as timezone',
      'accounts.created_at as account_created_at',
      'pay_schedules.frequency',
      'pay_schedules.anchor_date',
      'pay_schedules.overtime_rule',
      'pay_schedules.rounding',
      'pay_schedules.created_at',
      'pay_schedules.updated_at',
    ])
    .where('accounts.id', '=', accountId)
    .executeTakeFirst();
}

/** The schedule is a singleton per account: the first change inserts it, later ones update it. */
export async function upsertSchedule(db: Db, row: PayScheduleRow): Promise<void> {
  await db
    .insertInto('pay_schedules')
    .values(row)
    .onConflict((conflict) =>
      conflict.column('account_id').doUpdateSet({
        frequency: row.frequency,
        anchor_date: row.anchor_date,
        overtime_rule: row.overtime_rule,
        rounding: row.rounding,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}
