import type { Kysely } from 'kysely';

/** Link tables and the column their owner side is read by (see resources/employees/links.ts). */
const LINK_OWNERS = [
  ['employee_locations', 'employee_id', 'location_id'],
  ['employee_groups', 'employee_id', 'group_id'],
  ['geofence_employees', 'geofence_id', 'employee_id'],
] as const;

/**
 * Indexes for what every punch, every time-entry write and every employee page reads. Before them these walked an
 * employee's whole history or every link of the account, a cost that grew with every shift worked. SQLite plans
 * without statistics (nothing runs ANALYZE), so each index is one the planner picks by its equality columns alone:
 * - the employee's latest punch is ordered by (punched_at, id): with `id` in the index the newest row is the
 *   index's last entry, where before every punch of the employee was read and sorted. It replaces the index on
 *   (account_id, employee_id, punched_at), which is its prefix.
 * - the open time entry (`end_at is null`, newest start) and the entries ending after an instant (the overlap check,
 *   time-entries/repository.ts) are short ranges of (account_id, employee_id, end_at, start_at); before, both read
 *   all of the employee's entries.
 * - a page of employees reads its links by owner (`account_id = ? and employee_id in (…)`): SQLite took the
 *   (account_id, other side) index for it — every link of the account — where (account_id, owner, other) answers
 *   it from the index alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('punches_employee_latest_idx')
    .on('punches')
    .columns(['account_id', 'employee_id', 'punched_at', 'id'])
    .execute();
  await db.schema.dropIndex('punches_employee_idx').execute();
  await db.schema
    .createIndex('time_entries_employee_end_idx')
    .on('time_entries')
    .columns(['account_id', 'employee_id', 'end_at', 'start_at'])
    .execute();
  for (const [table, owner, other] of LINK_OWNERS) {
    await db.schema
      .createIndex(`${table}_${owner}_idx`)
      .on(table)
      .columns(['account_id', owner, other])
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, owner] of LINK_OWNERS) await db.schema.dropIndex(`${table}_${owner}_idx`).execute();
  await db.schema.dropIndex('time_entries_employee_end_idx').execute();
  await db.schema
    .createIndex('punches_employee_idx')
    .on('punches')
    .columns(['account_id', 'employee_id', 'punched_at'])
    .execute();
  await db.schema.dropIndex('punches_employee_latest_idx').execute();
}
