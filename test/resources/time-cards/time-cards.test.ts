import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { updateAccount } from '../../../src/platform/accounts/repository.js';
import { TIME_ENTRIES } from '../../../src/resources/time-entries/resource.js';
import { newId } from '../../../src/shared/ids.js';
import { call, createTestAccount, type TestAccount, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { describeListContract } from '../../helpers/list-suite.js';
import { assertApiError } from '../../helpers/security-suite.js';

type Figures = {
  workedSeconds: number;
  regularSeconds: number;
  overtimeSeconds: number;
  doubleTimeSeconds: number;
  ptoSeconds: number;
};
type TimeCard = Figures & {
  id: string;
  object: string;
  employeeId: string;
  payPeriodId: string;
  periodStart: string;
  periodEnd: string;
  approved: boolean;
  approvedAt: string | null;
  days: (Figures & { date: string })[];
  createdAt: string;
  updatedAt: string;
};
type List<T> = {
  data: T[];
  hasMore: boolean;
  totalCount?: number;
};

const HOUR = 3600;

/** A time entry written straight to its table (the time-entries routes are another resource's). */
async function insertEntry(
  t: TestApp,
  account: TestAccount,
  employeeId: string,
  start: string,
  end: string | null,
  breakSeconds = 0,
): Promise<void> {
  const now = t.clock.now().toISOString();
  await t.db.db
    .insertInto('time_entries')
    .values({
      id: newId(TIME_ENTRIES),
      account_id: account.account.id,
      employee_id: employeeId,
      start_at: new Date(start).toISOString(),
      end_at: end === null ? null : new Date(end).toISOString(),
      break_seconds: breakSeconds,
      location_id: null,
      department_code_id: null,
      cost_code_id: null,
      position_id: null,
      status: end === null ? 'open' : 'closed',
      source: 'manual',
      notes: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

async function createEmployee(t: TestApp, account: TestAccount, active = true): Promise<string> {
  const res = await call<{ id: string }>(t, 'POST', '/v1/employees', {
    key: account.key,
    body: { firstName: 'Card', lastName: 'Test', active },
  });
  assert.equal(res.status, 201, res.raw);
  return res.body.id;
}

const totals = (card: TimeCard | undefined): Figures => {
  assert.ok(card);
  const { workedSeconds, regularSeconds, overtimeSeconds, doubleTimeSeconds, ptoSeconds } = card;
  return { workedSeconds, regularSeconds, overtimeSeconds, doubleTimeSeconds, ptoSeconds };
};

describeEachDialect('time cards', ({ t, account }) => {
  let alice: string;
  let bob: string;
  let idle: string;
  let leaver: string;
  /** Monday 26 Oct – Sunday 1 Nov 2026 (the fall-back day), and the period after it. */
  let lastWeek: string;
  let thisWeek: string;

  const key = () => account.key;
  const list = (query: string) => call<List<TimeCard>>(t, 'GET', `/v1/time-cards?${query}`, { key: key() });
  const cardOf = (cards: TimeCard[], employeeId: string) => cards.find((c) => c.employeeId === employeeId);

  before(async () => {
    // Los Angeles, weekly from Monday, California rules; now is Monday 2 Nov 2026, 12:00 local (PST).
    await updateAccount(t.db.db, account.account.id, {
      timezone: 'America/Los_Angeles',
      updated_at: t.clock.now().toISOString(),
    });
    const schedule = await call(t, 'PATCH', '/v1/pay-schedule', {
      key: key(),
      body: { frequency: 'weekly', anchorDate: '2026-10-26', overtimeRule: { type: 'california' } },
    });
    assert.equal(schedule.status, 200, schedule.raw);
    t.clock.set('2026-11-02T20:00:00.000Z');

    alice = await createEmployee(t, account);
    bob = await createEmployee(t, account);
    idle = await createEmployee(t, account, false);
    leaver = await createEmployee(t, account, false);
    // Alice: a 13-hour Tuesday (08:00–21:00 PDT) and the fall-back Sunday 00:00–08:00 local, 9 hours.
    await insertEntry(t, account, alice, '2026-10-27T15:00:00Z', '2026-10-28T04:00:00Z');
    await insertEntry(t, account, alice, '2026-11-01T07:00:00Z', '2026-11-01T16:00:00Z');
    // And clocked in since 08:00 today (open).
    await insertEntry(t, account, alice, '2026-11-02T16:00:00Z', null);
    // Bob: Thursday 22:00 → Friday 06:00 PDT with a 30-minute break; a paid day off and an unpaid one.
    await insertEntry(t, account, bob, '2026-10-30T05:00:00Z', '2026-10-30T13:00:00Z', 1800);
    for (const [type, date] of [
      ['vacation', '2026-10-28'],
      ['unpaid', '2026-10-31'],
    ]) {
      const created = await call<{ id: string }>(t, 'POST', '/v1/time-off', {
        key: key(),
        body: { employeeId: bob, type, startDate: date, endDate: date },
      });
      assert.equal(created.status, 201, created.raw);
      await call(t, 'POST', `/v1/time-off/${created.body.id}/approve`, { key: key() });
    }
    // A requested (not approved) day counts nothing.
    await call(t, 'POST', '/v1/time-off', {
      key: key(),
      body: { employeeId: bob, type: 'sick', startDate: '2026-10-29', endDate: '2026-10-29' },
    });
    // An inactive employee with time in last week.
    await insertEntry(t, account, leaver, '2026-10-26T15:00:00Z', '2026-10-26T19:00:00Z');

    const periods = await call<List<{ id: string; startDate: string }>>(t, 'GET', '/v1/pay-periods', {
      key: key(),
    });
    lastWeek = periods.body.data.find((p) => p.startDate === '2026-10-26')?.id as string;
    thisWeek = periods.body.data.find((p) => p.startDate === '2026-11-02')?.id as string;
    assert.ok(lastWeek && thisWeek, periods.raw);
  });

  test('a period’s cards: active employees and anyone with time; figures per California rules', async () => {
    const res = await list(`payPeriodId=${lastWeek}`);
    assert.equal(res.status, 200, res.raw);
    const cards = res.body.data;
    assert.deepEqual(cards.map((c) => c.employeeId).sort(), [alice, bob, leaver].sort());
    assert.equal(cardOf(cards, idle), undefined);

    const aliceCard = cardOf(cards, alice) as TimeCard;
    assert.equal(aliceCard.object, 'time_card');
    assert.equal(aliceCard.payPeriodId, lastWeek);
    assert.equal(aliceCard.periodStart, '2026-10-26');
    assert.equal(aliceCard.periodEnd, '2026-11-01');
    assert.equal(aliceCard.approved, false);
    assert.equal(aliceCard.days.length, 7);
    assert.deepEqual(
      aliceCard.days.find((d) => d.date === '2026-10-27'),
      {
        date: '2026-10-27',
        workedSeconds: 13 * HOUR,
        regularSeconds: 8 * HOUR,
        overtimeSeconds: 4 * HOUR,
        doubleTimeSeconds: 1 * HOUR,
        ptoSeconds: 0,
      },
    );
    // The 25-hour day: 00:00–08:00 local is 9 hours.
    assert.deepEqual(
      aliceCard.days.find((d) => d.date === '2026-11-01'),
      {
        date: '2026-11-01',
        workedSeconds: 9 * HOUR,
        regularSeconds: 8 * HOUR,
        overtimeSeconds: 1 * HOUR,
        doubleTimeSeconds: 0,
        ptoSeconds: 0,
      },
    );
    assert.deepEqual(totals(aliceCard), {
      workedSeconds: 22 * HOUR,
      regularSeconds: 16 * HOUR,
      overtimeSeconds: 5 * HOUR,
      doubleTimeSeconds: 1 * HOUR,
      ptoSeconds: 0,
    });

    // Bob's night is split at local midnight, the break prorated (7.5 and 22.5 minutes); PTO stays apart.
    const bobCard = cardOf(cards, bob) as TimeCard;
    assert.equal(bobCard.days.find((d) => d.date === '2026-10-29')?.workedSeconds, 2 * HOUR - 450);
    assert.equal(bobCard.days.find((d) => d.date === '2026-10-30')?.workedSeconds, 6 * HOUR - 1350);
    assert.equal(bobCard.days.find((d) => d.date === '2026-10-28')?.ptoSeconds, 8 * HOUR);
    assert.deepEqual(totals(bobCard), {
      workedSeconds: 7.5 * HOUR,
      regularSeconds: 7.5 * HOUR,
      overtimeSeconds: 0,
      doubleTimeSeconds: 0,
      ptoSeconds: 8 * HOUR,
    });
    assert.deepEqual(totals(cardOf(cards, leaver)), {
      workedSeconds: 4 * HOUR,
      regularSeconds: 4 * HOUR,
      overtimeSeconds: 0,
      doubleTimeSeconds: 0,
      ptoSeconds: 0,
    });

    const one = await call<TimeCard>(t, 'GET', `/v1/time-cards/${aliceCard.id}`, { key: key() });
    assert.equal(one.status, 200, one.raw);
    assert.deepEqual(one.body, aliceCard);
    // The same cards on a second call: created once.
    assert.deepEqual((await list(`payPeriodId=${lastWeek}`)).body, res.body);
  });

  test('by default, the current period; an open entry counts up to now', async () => {
    const res = await list('');
    assert.equal(res.status, 200, res.raw);
    assert.ok(res.body.data.every((c) => c.payPeriodId === thisWeek));
    assert.deepEqual(res.body.data.map((c) => c.employeeId).sort(), [alice, bob].sort());
    assert.equal(cardOf(res.body.data, alice)?.workedSeconds, 4 * HOUR);
    t.clock.advance(30 * 60_000);
    const later = await list(`employeeId=${alice}`);
    assert.deepEqual(
      later.body.data.map((c) => [c.employeeId, c.workedSeconds]),
      [[alice, 4.5 * HOUR]],
    );
  });

  test('approve and unapprove: idempotent; unapprove is refused while the period is locked', async () => {
    const card = cardOf((await list(`payPeriodId=${lastWeek}`)).body.data, bob) as TimeCard;
    t.clock.advance(60_000);
    const approved = await call<TimeCard>(t, 'POST', `/v1/time-cards/${card.id}/approve`, { key: key() });
    assert.equal(approved.status, 200, approved.raw);
    assert.equal(approved.body.approved, true);
    assert.equal(approved.body.approvedAt, t.clock.now().toISOString());
    assert.equal(approved.body.updatedAt, t.clock.now().toISOString());
    assert.deepEqual(totals(approved.body), totals(card));
    t.clock.advance(60_000);
    const again = await call<TimeCard>(t, 'POST', `/v1/time-cards/${card.id}/approve`, { key: key() });
    assert.deepEqual(again.body, approved.body);

    await call(t, 'POST', `/v1/pay-periods/${lastWeek}/lock`, { key: key() });
    assertApiError(
      await call(t, 'POST', `/v1/time-cards/${card.id}/unapprove`, { key: key() }),
      409,
      'pay_period_locked',
    );
    await call(t, 'POST', `/v1/pay-periods/${lastWeek}/unlock`, { key: key() });
    const unapproved = await call<TimeCard>(t, 'POST', `/v1/time-cards/${card.id}/unapprove`, {
      key: key(),
    });
    assert.equal(unapproved.status, 200, unapproved.raw);
    assert.equal(unapproved.body.approved, false);
    assert.equal(unapproved.body.approvedAt, null);
  });

  test('updatedAt follows the entries a card is computed from; updatedSince finds the changed card', async () => {
    t.clock.advance(60_000);
    const since = t.clock.now().toISOString();
    await insertEntry(t, account, leaver, '2026-10-27T15:00:00Z', '2026-10-27T16:00:00Z');
    const res = await list(`payPeriodId=${lastWeek}&updatedSince=${encodeURIComponent(since)}`);
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(
      res.body.data.map((c) => [c.employeeId, c.updatedAt, c.workedSeconds]),
      [[leaver, since, 5 * HOUR]],
    );
  });

  test('a whole period is a constant number of queries, however many employees', async () => {
    // Measured once the cards exist; creating missing cards adds one insert per 500 cards.
    const measure = async () => {
      await list(`payPeriodId=${lastWeek}&limit=100`);
      t.queries.count = 0;
      const res = await list(`payPeriodId=${lastWeek}&limit=100`);
      assert.equal(res.status, 200, res.raw);
      return { queries: t.queries.count, cards: res.body.data.length };
    };
    const few = await measure();
    for (let i = 0; i < 8; i++) {
      const employee = await createEmployee(t, account);
      await insertEntry(t, account, employee, '2026-10-28T15:00:00Z', '2026-10-28T23:00:00Z');
    }
    const many = await measure();
    assert.equal(many.cards, few.cards + 8);
    assert.equal(many.queries, few.queries);
  });

  test('pages of cards are the whole list’s cards, walked either way, with its total', async () => {
    const whole = await list(`payPeriodId=${lastWeek}&limit=100`);
    assert.equal(whole.status, 200, whole.raw);
    const all = whole.body.data;
    assert.ok(all.length >= 5, 'enough cards for three pages of two');
    const forward: TimeCard[] = [];
    let cursor = '';
    for (;;) {
      const res = await list(
        `payPeriodId=${lastWeek}&limit=2&include=totalCount${cursor ? `&startingAfter=${cursor}` : ''}`,
      );
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.totalCount, all.length);
      forward.push(...res.body.data);
      if (!res.body.hasMore) break;
      cursor = res.body.data.at(-1)?.id as string;
    }
    // Each card of a page is computed as it is in the whole list: every figure, not only the ids.
    assert.deepEqual(forward, all);
    const back = await list(`payPeriodId=${lastWeek}&limit=2&endingBefore=${all[3]?.id}`);
    assert.deepEqual(back.body.data, all.slice(1, 3));
    assert.equal(back.body.hasMore, true);
  });

  test('other accounts: their card and their period → 404', async () => {
    const other = await createTestAccount(t);
    const card = (await list(`payPeriodId=${lastWeek}`)).body.data[0] as TimeCard;
    for (const path of [`/v1/time-cards/${card.id}`, `/v1/time-cards?payPeriodId=${lastWeek}`]) {
      const res = await call(t, 'GET', path, { key: other.key });
      assertApiError(res, 404, 'resource_not_found', { param: path.includes('?') ? 'payPeriodId' : 'id' });
    }
    for (const verb of ['approve', 'unapprove']) {
      assertApiError(
        await call(t, 'POST', `/v1/time-cards/${card.id}/${verb}`, { key: other.key }),
        404,
        'resource_not_found',
      );
    }
  });
});

for (const dialect of DIALECTS) {
  describeListContract(dialect, {
    path: '/v1/time-cards',
    // A new active employee gets a card in the current period when the card is first asked for.
    create: async (t, account) => {
      const employeeId = await createEmployee(t, account);
      const res = await call<List<{ id: string }>>(t, 'GET', `/v1/time-cards?employeeId=${employeeId}`, {
        key: account.key,
      });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.data.length, 1);
      return (res.body.data[0] as { id: string }).id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'POST', `/v1/time-cards/${id}/approve`, { key: account.key });
      assert.equal(res.status, 200, res.raw);
    },
  });
}
