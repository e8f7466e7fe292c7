/**
 * Migration 0014 on a database that already holds time: punches count as they were punched, and each time entry gets
 * the raw times of the punches that opened and closed it (kept even where a manager corrected the entry since).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import * as rounding from '../../src/db/migrations/0014-rounding.js';
import { DIALECTS, openTestDatabase } from '../helpers/dialects.js';

const NOW = '2026-11-01T12:00:00.000Z';

for (const dialect of DIALECTS) {
  describe(`migration 0014-rounding (${dialect})`, () => {
    test('backfills counted_at and the entries’ punched times; down removes them', async () => {
      const database = await openTestDatabase(dialect);
      try {
        const db = database.db as unknown as Kysely<unknown>;
        await rounding.down(db);
        await sql`insert into accounts (id, name, plan, timezone, api_access, created_at, updated_at)
          values ('acct_1', 'Before rounding', 'pro', 'America/New_York', 1, ${NOW}, ${NOW})`.execute(db);
        await sql`insert into pay_schedules (account_id, frequency, anchor_date, overtime_rule, created_at, updated_at)
          values ('acct_1', 'weekly', '2026-01-05', '{"type":"none"}', ${NOW}, ${NOW})`.execute(db);
        const entry = (id: string, start: string, end: string | null, source: string) =>
          sql`insert into time_entries (id, account_id, employee_id, start_at, end_at, break_seconds, status, source,
              created_at, updated_at)
            values (${id}, 'acct_1', 'emp_1', ${start}, ${end}, 0, ${end ? 'closed' : 'open'}, ${source}, ${NOW}, ${NOW})`.execute(
            db,
          );
        // A punched entry a manager has since corrected, an open punched one, and a manager's own.
        await entry('ten_1', '2026-10-27T13:05:00.000Z', '2026-10-27T21:00:00.000Z', 'punch');
        await entry('ten_2', '2026-10-28T13:00:00.000Z', null, 'punch');
        await entry('ten_3', '2026-10-26T13:00:00.000Z', '2026-10-26T21:00:00.000Z', 'manual');
        const punch = (id: string, type: string, at: string, entryId: string) =>
          sql`insert into punches (id, account_id, employee_id, type, punched_at, source, time_entry_id, created_at,
              updated_at)
            values (${id}, 'acct_1', 'emp_1', ${type}, ${at}, 'api', ${entryId}, ${NOW}, ${NOW})`.execute(db);
        await punch('pun_1', 'in', '2026-10-27T13:00:00.000Z', 'ten_1');
        await punch('pun_2', 'break_start', '2026-10-27T17:00:00.000Z', 'ten_1');
        await punch('pun_3', 'break_end', '2026-10-27T17:30:00.000Z', 'ten_1');
        await punch('pun_4', 'out', '2026-10-27T21:00:00.000Z', 'ten_1');
        await punch('pun_5', 'in', '2026-10-28T13:00:00.000Z', 'ten_2');

        await rounding.up(db);
        const punches = await sql<{ id: string; punched_at: string; counted_at: string }>`
          select id, punched_at, counted_at from punches order by id`.execute(db);
        assert.equal(punches.rows.length, 5);
        for (const row of punches.rows) assert.equal(row.counted_at, row.punched_at, row.id);
        const entries = await sql<{
          id: string;
          punched_start_at: string | null;
          punched_end_at: string | null;
        }>`
          select id, punched_start_at, punched_end_at from time_entries order by id`.execute(db);
        assert.deepEqual(
          entries.rows.map((row) => ({ ...row })),
          [
            {
              id: 'ten_1',
              punched_start_at: '2026-10-27T13:00:00.000Z',
              punched_end_at: '2026-10-27T21:00:00.000Z',
            },
            { id: 'ten_2', punched_start_at: '2026-10-28T13:00:00.000Z', punched_end_at: null },
            { id: 'ten_3', punched_start_at: null, punched_end_at: null },
          ],
        );
        const schedule = await sql<{ rounding: string | null }>`select rounding from pay_schedules`.execute(
          db,
        );
        assert.deepEqual(schedule.rows, [{ rounding: null }]);

        await rounding.down(db);
        await assert.rejects(sql`select counted_at from punches`.execute(db));
        await rounding.up(db);
      } finally {
        await database.dispose();
      }
    });
  });
}
