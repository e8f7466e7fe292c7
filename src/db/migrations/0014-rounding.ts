import { type Kysely, sql } from 'kysely';
import { columnType as t } from '../columns.js';

/**
 * Punch rounding (issue 13): the account's rule, the time each punch counts from, and the raw punch times of a time
 * entry beside the counted ones it keeps in `start_at` / `end_at`.
 * - `pay_schedules.rounding`: JSON of the rule; null (every schedule so far) means no rounding and no grace.
 * - `punches.counted_at`: what time cards count. Until now every punch counted as punched, so it starts as a copy.
 * - `time_entries.punched_start_at` / `punched_end_at`: the raw times of the `in` and `out` punches that opened and
 *   closed the entry, null when no punch did (a manager's entry or correction). Filled from the punches on record,
 *   which keep them even where a manager has since corrected the entry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pay_schedules').addColumn('rounding', t.json).execute();
  await db.schema.alterTable('punches').addColumn('counted_at', t.timestamp).execute();
  await sql`update punches set counted_at = punched_at`.execute(db);
  await db.schema.alterTable('time_entries').addColumn('punched_start_at', t.timestamp).execute();
  await db.schema.alterTable('time_entries').addColumn('punched_end_at', t.timestamp).execute();
  const punchedAt = (type: 'in' | 'out') =>
    sql`(select max(p.punched_at) from punches p
         where p.account_id = time_entries.account_id and p.time_entry_id = time_entries.id and p.type = ${type})`;
  await sql`update time_entries set punched_start_at = ${punchedAt('in')}, punched_end_at = ${punchedAt('out')}`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('time_entries').dropColumn('punched_end_at').execute();
  await db.schema.alterTable('time_entries').dropColumn('punched_start_at').execute();
  await db.schema.alterTable('punches').dropColumn('counted_at').execute();
  await db.schema.alterTable('pay_schedules').dropColumn('rounding').execute();
}
