import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type LogEvent, sql } from 'kysely';
import { type DatabaseHandle, openDatabase, sqliteFileIn } from '../../../src/db/database.js';
import { createAccountWithAdmin } from '../../../src/platform/accounts/service.js';
import { createEmployee } from '../../../src/resources/employees/service.js';
import { listPayPeriods } from '../../../src/resources/pay-periods/service.js';
import { updatePaySchedule } from '../../../src/resources/pay-schedule/service.js';
import { listTimeCards } from '../../../src/resources/time-cards/service.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { serviceContext } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { type ProcessStorage, processStorage } from '../../helpers/process-storage.js';

/**
 * The fuzzer's 500 on PostgreSQL: GET /v1/time-cards materialised the pay periods, a PATCH /v1/pay-schedule committed
 * (replacing the periods not over yet), and the read then found no period containing today. The interleaving is
 * forced: the reader's connection pauses right after the read's look at the newest stored period, and a second
 * connection (another server process, as it were) changes the schedule at that moment. That connection gives up at
 * once rather than waiting when the read holds the periods (lock_timeout, busy_timeout 0: the read cannot go on
 * while the change waits for it), and the change is then made after the read. Either way the read must answer, from
 * the schedule before the change or after it, and leave nothing of the old schedule behind.
 */

const TODAY = '2026-12-05';
/** The default schedule's period containing TODAY: biweekly from Monday 2024-01-01. */
const OLD_PERIOD = { start: '2026-11-30', end: '2026-12-13' };
const NEW_SCHEDULE = { frequency: 'weekly', anchorDate: '2026-12-03' } as const;
/** NEW_SCHEDULE's period containing TODAY. */
const NEW_PERIOD = { start: '2026-12-03', end: '2026-12-09' };
const PAGE = { limit: 100 };

/** Lock waits that end at once: PostgreSQL's lock_timeout, SQLite's SQLITE_BUSY. */
function isLockWait(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '55P03' || code === 'SQLITE_BUSY';
}

for (const dialect of DIALECTS) {
  describe(`pay periods read while the schedule changes (${dialect})`, () => {
    // 10:00 on TODAY in America/New_York.
    const clock = new ManualClock(`${TODAY}T15:00:00.000Z`);
    let storage: ProcessStorage;
    let reader: DatabaseHandle;
    let writer: DatabaseHandle;
    /** Runs once, after the reader's next look at its newest stored period, while that read waits for it. */
    let pauseAfterLatestPeriod: (() => Promise<void>) | null = null;

    before(async () => {
      storage = await processStorage(dialect);
      const onQuery = (event: LogEvent): Promise<void> | undefined => {
        const pause = pauseAfterLatestPeriod;
        if (!pause || !/from "pay_periods" .*order by "start_date" desc/.test(event.query.sql)) return;
        pauseAfterLatestPeriod = null;
        return pause();
      };
      reader =
        dialect === 'sqlite'
          ? openDatabase({ sqliteFile: sqliteFileIn(storage.env.PUNCHCLOCK_DATA_DIR as string), onQuery })
          : openDatabase({ databaseUrl: storage.env.DATABASE_URL as string, poolSize: 4, onQuery });
      writer = storage.open();
      if (dialect === 'sqlite') await sql`pragma busy_timeout = 0`.execute(writer.db);
    });
    after(async () => {
      await reader?.close();
      await writer?.close();
      await storage?.dispose();
    });

    const ctx = () => serviceContext(reader, clock);

    let accounts = 0;
    /** A fresh account on the default schedule, in New York, with one active employee. */
    async function freshAccount(): Promise<string> {
      accounts++;
      const { account } = await createAccountWithAdmin(ctx(), {
        name: `Race Co ${accounts}`,
        plan: 'pro',
        timezone: 'America/New_York',
        adminEmail: `race${accounts}.${Date.now()}@test.punchclock.test`,
        adminPassword: 'correct horse battery staple',
      });
      await createEmployee(ctx(), account.id, { firstName: 'Rita', lastName: 'Race' });
      return account.id;
    }

    /** Changes the schedule on the writer's connection; false when a read holds the periods and it gave up. */
    async function changeSchedule(accountId: string): Promise<boolean> {
      try {
        await writer.db.transaction().execute(async (trx) => {
          if (dialect === 'postgres') await sql`set local lock_timeout = '50ms'`.execute(trx);
          await updatePaySchedule(serviceContext({ ...writer, db: trx }, clock), accountId, NEW_SCHEDULE);
        });
        return true;
      } catch (error) {
        if (isLockWait(error)) return false;
        throw error;
      }
    }

    /** Runs `read` with the schedule change forced into it, or made right after it when the read holds it off. */
    async function raced<T>(accountId: string, read: () => Promise<T>): Promise<T> {
      let changed = false;
      pauseAfterLatestPeriod = async () => {
        changed = await changeSchedule(accountId);
      };
      try {
        const result = await read();
        assert.equal(pauseAfterLatestPeriod, null, 'the read looked at its newest stored period');
        return result;
      } finally {
        pauseAfterLatestPeriod = null;
        if (!changed)
          assert.equal(await changeSchedule(accountId), true, 'the change went through after the read');
      }
    }

    /** The period containing TODAY as a later read sees it, with no cards left of deleted periods. */
    async function settled(accountId: string): Promise<{ start: string; end: string }> {
      const orphans = await reader.db
        .selectFrom('time_cards')
        .select('id')
        .where('account_id', '=', accountId)
        .where('pay_period_id', 'not in', (eb) =>
          eb.selectFrom('pay_periods').select('id').where('account_id', '=', accountId),
        )
        .execute();
      assert.deepEqual(orphans, [], 'no time card outlives its pay period');
      const [card] = (await listTimeCards(ctx(), accountId, {}, PAGE)).items;
      assert.ok(card);
      return { start: card.periodStart, end: card.periodEnd };
    }

    test('GET /v1/time-cards answers from one schedule or the other, never a 500', async () => {
      const accountId = await freshAccount();
      await listTimeCards(ctx(), accountId, {}, PAGE);

      const page = await raced(accountId, () => listTimeCards(ctx(), accountId, {}, PAGE));
      const [card] = page.items;
      assert.ok(card, 'the employee has a card');
      assert.ok(
        [OLD_PERIOD, NEW_PERIOD].some((p) => p.start === card.periodStart && p.end === card.periodEnd),
        `${card.periodStart}..${card.periodEnd} is a period of either schedule`,
      );
      assert.deepEqual(await settled(accountId), NEW_PERIOD);
    });

    test('GET /v1/pay-periods?date=today lists the period containing today', async () => {
      const accountId = await freshAccount();
      await listPayPeriods(ctx(), accountId, {}, PAGE);

      const page = await raced(accountId, () => listPayPeriods(ctx(), accountId, { date: TODAY }, PAGE));
      assert.equal(page.items.length, 1, 'one period contains today');
      assert.deepEqual(await settled(accountId), NEW_PERIOD);
    });

    test('a first read that materialises periods leaves none of the old schedule after the change', async () => {
      const accountId = await freshAccount();

      await raced(accountId, () => listTimeCards(ctx(), accountId, {}, PAGE));
      assert.deepEqual(await settled(accountId), NEW_PERIOD);
    });
  });
}
