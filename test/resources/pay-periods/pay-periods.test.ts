import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertPeriods } from '../../../src/resources/pay-periods/repository.js';
import { PAY_PERIODS } from '../../../src/resources/pay-periods/resource.js';
import { newId } from '../../../src/shared/ids.js';
import { call, createTestAccount, createTestApp, type TestAccount, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeListContract } from '../../helpers/list-suite.js';
import { assertApiError } from '../../helpers/security-suite.js';

type PayPeriod = {
  id: string;
  object: string;
  startDate: string;
  endDate: string;
  locked: boolean;
  lockedAt: string | null;
  createdAt: string;
  updatedAt: string;
};
type List<T> = {
  data: T[];
  hasMore: boolean;
};

const DAY_MS = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`pay periods (${dialect})`, () => {
    let t: TestApp;

    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    // The app clock starts at 2026-11-01T12:00Z; test accounts are in America/New_York, where that is 1 Nov.
    const list = (account: TestAccount, query = 'limit=100') =>
      call<List<PayPeriod>>(t, 'GET', `/v1/pay-periods?${query}`, { key: account.key });
    const dates = (periods: PayPeriod[]) => periods.map((p) => `${p.startDate}..${p.endDate}`);

    async function accountWith(schedule: Record<string, unknown>): Promise<TestAccount> {
      const account = await createTestAccount(t);
      const res = await call(t, 'PATCH', '/v1/pay-schedule', { key: account.key, body: schedule });
      assert.equal(res.status, 200, res.raw);
      return account;
    }

    const cases: [string, Record<string, unknown>, string[]][] = [
      [
        'weekly',
        { frequency: 'weekly', anchorDate: '2026-10-05' },
        [
          '2026-11-02..2026-11-08',
          '2026-10-26..2026-11-01',
          '2026-10-19..2026-10-25',
          '2026-10-12..2026-10-18',
          '2026-10-05..2026-10-11',
        ],
      ],
      [
        'biweekly',
        { frequency: 'biweekly', anchorDate: '2026-09-28' },
        [
          '2026-11-09..2026-11-22',
          '2026-10-26..2026-11-08',
          '2026-10-12..2026-10-25',
          '2026-09-28..2026-10-11',
        ],
      ],
      [
        'semimonthly (1st–15th, 16th–end)',
        { frequency: 'semimonthly', anchorDate: '2026-09-16' },
        [
          '2026-11-16..2026-11-30',
          '2026-11-01..2026-11-15',
          '2026-10-16..2026-10-31',
          '2026-10-01..2026-10-15',
          '2026-09-16..2026-09-30',
        ],
      ],
      [
        'monthly on the 1st',
        { frequency: 'monthly', anchorDate: '2026-08-01' },
        [
          '2026-12-01..2026-12-31',
          '2026-11-01..2026-11-30',
          '2026-10-01..2026-10-31',
          '2026-09-01..2026-09-30',
          '2026-08-01..2026-08-31',
        ],
      ],
      [
        'monthly on the 10th',
        { frequency: 'monthly', anchorDate: '2026-09-10' },
        ['2026-11-10..2026-12-09', '2026-10-10..2026-11-09', '2026-09-10..2026-10-09'],
      ],
      [
        'an anchor in the future (periods before it follow the same grid)',
        { frequency: 'weekly', anchorDate: '2026-11-30' },
        ['2026-11-02..2026-11-08', '2026-10-26..2026-11-01'],
      ],
    ];
    for (const [name, schedule, expected] of cases) {
      test(`generation: ${name}, up to the period after the current one, newest first`, async () => {
        const account = await accountWith(schedule);
        const res = await list(account);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(dates(res.body.data), expected);
        const ids = res.body.data.map((p) => p.id);
        assert.deepEqual(ids, [...ids].sort().reverse(), 'ids sort like the dates');
        assert.equal(res.body.data[0]?.object, 'pay_period');
        assert.equal(res.body.data[0]?.locked, false);
        // Listing again creates nothing more.
        assert.deepEqual((await list(account)).body, res.body);
      });
    }

    test('an anchor years ago materialises about one year of periods, contiguous', async () => {
      const account = await createTestAccount(t); // default: biweekly from 2024-01-01
      const periods = (await list(account)).body.data;
      const oldest = periods.at(-1) as PayPeriod;
      assert.ok(oldest.startDate <= '2025-10-31' && oldest.startDate > '2025-10-16', oldest.startDate);
      assert.equal(periods[0]?.startDate, '2026-11-02');
      for (let i = 0; i + 1 < periods.length; i++) {
        const newer = periods[i] as PayPeriod;
        const older = periods[i + 1] as PayPeriod;
        assert.equal(Date.parse(newer.startDate) - Date.parse(older.endDate), DAY_MS);
      }
    });

    test('as time passes, the next period is added after the existing ones', async () => {
      const account = await accountWith({ frequency: 'weekly', anchorDate: '2026-10-26' });
      const first = (await list(account)).body.data;
      t.clock.advance(7 * DAY_MS);
      try {
        const later = (await list(account)).body.data;
        assert.equal(later.length, first.length + 1);
        assert.equal(later[0]?.startDate, '2026-11-09');
        assert.deepEqual(later.slice(1), first);
      } finally {
        t.clock.advance(-7 * DAY_MS);
      }
    });

    test('date filter: only the period containing the date', async () => {
      const account = await accountWith({ frequency: 'semimonthly', anchorDate: '2026-01-01' });
      const res = await list(account, 'date=2026-10-20');
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(dates(res.body.data), ['2026-10-16..2026-10-31']);
      assert.deepEqual((await list(account, 'date=2020-01-01')).body.data, []);
      assertApiError(await list(account, 'date=2026-13-01'), 400, 'parameter_invalid', { param: 'date' });
    });

    test('retrieve one; unknown and other accounts’ ids → 404', async () => {
      const account = await createTestAccount(t);
      const other = await createTestAccount(t);
      const period = (await list(account)).body.data[0] as PayPeriod;
      const res = await call<PayPeriod>(t, 'GET', `/v1/pay-periods/${period.id}`, { key: account.key });
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body, period);
      for (const path of [`/v1/pay-periods/${period.id}`, `/v1/pay-periods/${period.id}/lock`]) {
        const method = path.endsWith('lock') ? 'POST' : 'GET';
        assertApiError(await call(t, method, path, { key: other.key }), 404, 'resource_not_found', {
          param: 'id',
        });
      }
      assertApiError(
        await call(t, 'GET', '/v1/pay-periods/emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H', { key: account.key }),
        400,
        'parameter_invalid',
        {
          param: 'id',
        },
      );
    });

    test('lock and unlock: idempotent; a locked period refuses time off inside it', async () => {
      const account = await accountWith({ frequency: 'weekly', anchorDate: '2026-10-05' });
      const employee = await call<{ id: string }>(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName: 'Lock', lastName: 'Test' },
      });
      const requestOff = (startDate: string, endDate: string) =>
        call<{ id: string }>(t, 'POST', '/v1/time-off', {
          key: account.key,
          body: { employeeId: employee.body.id, type: 'vacation', startDate, endDate },
        });
      const pending = await requestOff('2026-10-20', '2026-10-20');
      assert.equal(pending.status, 201, pending.raw);

      const period = (await list(account, 'date=2026-10-21')).body.data[0] as PayPeriod;
      t.clock.advance(60_000);
      const locked = await call<PayPeriod>(t, 'POST', `/v1/pay-periods/${period.id}/lock`, {
        key: account.key,
      });
      assert.equal(locked.status, 200, locked.raw);
      assert.equal(locked.body.locked, true);
      assert.equal(locked.body.lockedAt, t.clock.now().toISOString());
      assert.equal(locked.body.updatedAt, t.clock.now().toISOString());
      t.clock.advance(60_000);
      const again = await call<PayPeriod>(t, 'POST', `/v1/pay-periods/${period.id}/lock`, {
        key: account.key,
      });
      assert.deepEqual(again.body, locked.body);

      // A range touching the locked period (19–25 Oct) is refused, one beside it is not.
      assertApiError(await requestOff('2026-10-25', '2026-10-27'), 409, 'pay_period_locked');
      assertApiError(await requestOff('2026-10-15', '2026-10-19'), 409, 'pay_period_locked');
      assert.equal((await requestOff('2026-10-26', '2026-10-27')).status, 201);
      // Approving a request made before the lock is refused too.
      assertApiError(
        await call(t, 'POST', `/v1/time-off/${pending.body.id}/approve`, { key: account.key }),
        409,
        'pay_period_locked',
      );

      const unlocked = await call<PayPeriod>(t, 'POST', `/v1/pay-periods/${period.id}/unlock`, {
        key: account.key,
      });
      assert.equal(unlocked.body.locked, false);
      assert.equal(unlocked.body.lockedAt, null);
      const unlockedAgain = await call<PayPeriod>(t, 'POST', `/v1/pay-periods/${period.id}/unlock`, {
        key: account.key,
      });
      assert.deepEqual(unlockedAgain.body, unlocked.body);
      assert.equal((await requestOff('2026-10-25', '2026-10-27')).status, 201);
      assert.equal(
        (await call(t, 'POST', `/v1/time-off/${pending.body.id}/approve`, { key: account.key })).status,
        200,
      );
    });

    test('a schedule change keeps ended periods, replaces the rest, and joins them with a shortened period', async () => {
      const account = await accountWith({ frequency: 'weekly', anchorDate: '2026-10-05' });
      const before = (await list(account)).body.data;
      const ended = before.filter((p) => p.endDate < '2026-11-01');
      const pastLocked = await call(t, 'POST', `/v1/pay-periods/${ended[0]?.id}/lock`, { key: account.key });
      assert.equal(pastLocked.status, 200);
      const employee = await call<{ id: string }>(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName: 'Card', lastName: 'Holder' },
      });
      const card = await call<List<{ id: string }>>(
        t,
        'GET',
        `/v1/time-cards?employeeId=${employee.body.id}`,
        {
          key: account.key,
        },
      );
      const cardId = card.body.data[0]?.id;
      assert.ok(cardId);

      // Today (1 Nov) is in 26 Oct–1 Nov: that period and the next are replaced; 5–25 Oct stay as they were.
      const changed = await call(t, 'PATCH', '/v1/pay-schedule', {
        key: account.key,
        body: { frequency: 'semimonthly', anchorDate: '2026-01-01' },
      });
      assert.equal(changed.status, 200, changed.raw);
      const after = (await list(account)).body.data;
      assert.deepEqual(dates(after), [
        '2026-11-16..2026-11-30',
        '2026-11-01..2026-11-15',
        '2026-10-26..2026-10-31',
        ...dates(ended),
      ]);
      assert.deepEqual(
        after.slice(3),
        ended.map((p, i) => (i === 0 ? { ...p, ...pastLocked.body } : p)),
      );
      // The replaced period's time cards went with it.
      assertApiError(
        await call(t, 'GET', `/v1/time-cards/${cardId}`, { key: account.key }),
        404,
        'resource_not_found',
      );
    });

    test('a schedule change is refused while a period it would replace is locked', async () => {
      const account = await accountWith({ frequency: 'weekly', anchorDate: '2026-10-05' });
      const current = (await list(account, 'date=2026-11-01')).body.data[0] as PayPeriod;
      await call(t, 'POST', `/v1/pay-periods/${current.id}/lock`, { key: account.key });
      const before = (await list(account)).body;
      assertApiError(
        await call(t, 'PATCH', '/v1/pay-schedule', { key: account.key, body: { anchorDate: '2026-10-06' } }),
        409,
        'pay_period_locked',
      );
      const schedule = await call<{ anchorDate: string }>(t, 'GET', '/v1/pay-schedule', { key: account.key });
      assert.equal(schedule.body.anchorDate, '2026-10-05');
      assert.deepEqual((await list(account)).body, before);
      // The overtime rule alone does not touch periods.
      const ruleOnly = await call(t, 'PATCH', '/v1/pay-schedule', {
        key: account.key,
        body: { overtimeRule: { type: 'none' } },
      });
      assert.equal(ruleOnly.status, 200, ruleOnly.raw);
    });
  });

  // Periods are materialised rather than created, so the contract's objects are inserted directly, years after
  // the materialised range: the list then holds exactly them, and materialisation has nothing to add.
  describeListContract(dialect, {
    path: '/v1/pay-periods',
    create: async (t, account, index) => {
      const now = t.clock.now().toISOString();
      const startMs = Date.parse('2030-01-07') + index * 7 * DAY_MS;
      const id = newId(PAY_PERIODS);
      await insertPeriods(t.db.db, [
        {
          id,
          account_id: account.account.id,
          start_date: new Date(startMs).toISOString().slice(0, 10),
          end_date: new Date(startMs + 6 * DAY_MS).toISOString().slice(0, 10),
          locked: 0,
          locked_at: null,
          created_at: now,
          updated_at: now,
        },
      ]);
      return id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'POST', `/v1/pay-periods/${id}/lock`, { key: account.key });
      assert.equal(res.status, 200, res.raw);
    },
  });
}
