/**
 * Punch rounding through the API (issue 13): the account's rule on the pay schedule moves the time a clock-in or
 * clock-out counts (`countedAt`, the entry's `start` / `end`) while the raw time stays (`at`, `punchedStart` /
 * `punchedEnd`); time cards count the rounded times; clamps keep rounding from refusing a punch. The test account's
 * zone is America/New_York: October 2026 is EDT (−04:00), so 09:00 local is 13:00Z.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { updateAccountSettings } from '../../../src/platform/accounts/service.js';
import { call, createTestAccount, type TestAccount } from '../../helpers/app.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { assertApiError } from '../../helpers/security-suite.js';
import {
  createEmployee,
  type List,
  lockPayPeriod,
  type Punch,
  type TimeEntry,
} from '../time-entries/fixtures.js';

type Mode = 'none' | 'nearest' | 'up' | 'down';
type Step = 1 | 5 | 6 | 10 | 15;

interface Rounding {
  clockIn?: { mode: Mode; minutes?: Step };
  clockOut?: { mode: Mode; minutes?: Step };
  shiftGrace?: { beforeStartMinutes?: number; afterEndMinutes?: number };
}

type CardDay = { date: string; workedSeconds: number; regularSeconds: number; overtimeSeconds: number };
type TimeCard = { workedSeconds: number; overtimeSeconds: number; days: CardDay[] };

/** What each mode makes of a clock-in at 09:07:30 EDT and a clock-out at 17:02:59 EDT, per step. */
const IN = '2026-10-27T13:07:30.000Z';
const OUT = '2026-10-27T21:02:59.000Z';
const EXPECTED: Record<Step, Record<Exclude<Mode, 'none'>, [string, string]>> = {
  1: {
    down: ['13:07:00', '21:02:00'],
    up: ['13:08:00', '21:03:00'],
    nearest: ['13:08:00', '21:03:00'], // 30 s is the tie: up
  },
  5: {
    down: ['13:05:00', '21:00:00'],
    up: ['13:10:00', '21:05:00'],
    nearest: ['13:10:00', '21:05:00'], // 2:30 past 09:05 is the tie: up; 2:59 past 17:00 is over half
  },
  6: {
    down: ['13:06:00', '21:00:00'],
    up: ['13:12:00', '21:06:00'],
    nearest: ['13:06:00', '21:00:00'], // 1:30 and 2:59 are under the half step of 3 min
  },
  10: {
    down: ['13:00:00', '21:00:00'],
    up: ['13:10:00', '21:10:00'],
    nearest: ['13:10:00', '21:00:00'],
  },
  15: {
    down: ['13:00:00', '21:00:00'],
    up: ['13:15:00', '21:15:00'],
    nearest: ['13:15:00', '21:00:00'], // 7:30 past 09:00 is the tie: up
  },
};
const on27 = (time: string) => `2026-10-27T${time}.000Z`;

describeEachDialect('punch rounding', ({ t, account }) => {
  async function setRounding(rounding: Rounding, owner: TestAccount = account): Promise<void> {
    const res = await call(t, 'PATCH', '/v1/pay-schedule', { key: owner.key, body: { rounding } });
    assert.equal(res.status, 200, res.raw);
  }
  async function punch(
    employeeId: string,
    type: string,
    at: string,
    owner: TestAccount = account,
  ): Promise<Punch> {
    const res = await call<Punch>(t, 'POST', '/v1/punches', {
      key: owner.key,
      body: { employeeId, type, at },
    });
    assert.equal(res.status, 201, res.raw);
    return res.body;
  }
  async function entry(id: string | null, owner: TestAccount = account): Promise<TimeEntry> {
    const res = await call<TimeEntry>(t, 'GET', `/v1/time-entries/${id}`, { key: owner.key });
    assert.equal(res.status, 200, res.raw);
    return res.body;
  }
  /** One worked interval: the clock-in, the clock-out and the entry they made. */
  async function shift(employeeId: string, inAt: string, outAt: string, owner: TestAccount = account) {
    const clockIn = await punch(employeeId, 'in', inAt, owner);
    const clockOut = await punch(employeeId, 'out', outAt, owner);
    assert.equal(clockOut.timeEntryId, clockIn.timeEntryId);
    return { clockIn, clockOut, entry: await entry(clockIn.timeEntryId, owner) };
  }
  async function publishShift(employeeId: string, start: string, end: string, published = true) {
    const res = await call(t, 'POST', '/v1/shifts', {
      key: account.key,
      body: { employeeId, start, end, published },
    });
    assert.equal(res.status, 201, res.raw);
  }
  async function cardOf(employeeId: string): Promise<TimeCard> {
    const res = await call<List<TimeCard>>(t, 'GET', `/v1/time-cards?employeeId=${employeeId}`, {
      key: account.key,
    });
    assert.equal(res.status, 200, res.raw);
    const [card] = res.body.data;
    assert.ok(card, res.raw);
    return card;
  }
  const dayOf = (card: TimeCard, date: string) => card.days.find((day) => day.date === date);

  test('each mode × step: the punch counts the rounded time and keeps the raw one, as does its entry', async () => {
    for (const minutes of [1, 5, 6, 10, 15] as const) {
      for (const mode of ['none', 'down', 'up', 'nearest'] as const) {
        await setRounding({ clockIn: { mode, minutes }, clockOut: { mode, minutes } });
        const employeeId = await createEmployee(t, account);
        const made = await shift(employeeId, IN, OUT);
        const [countedIn, countedOut] =
          mode === 'none' ? [IN, OUT] : EXPECTED[minutes][mode].map((time) => on27(time));
        const what = `${mode} ${minutes} min`;
        assert.deepEqual(
          [made.clockIn.at, made.clockIn.countedAt, made.clockOut.at, made.clockOut.countedAt],
          [IN, countedIn, OUT, countedOut],
          what,
        );
        assert.deepEqual(
          {
            start: made.entry.start,
            end: made.entry.end,
            punchedStart: made.entry.punchedStart,
            punchedEnd: made.entry.punchedEnd,
            durationSeconds: made.entry.durationSeconds,
          },
          {
            start: countedIn,
            end: countedOut,
            punchedStart: IN,
            punchedEnd: OUT,
            durationSeconds: (Date.parse(countedOut as string) - Date.parse(countedIn as string)) / 1000,
          },
          what,
        );
      }
    }
  });

  test('a time already on a step stays, in every mode', async () => {
    for (const minutes of [6, 15] as const) {
      for (const mode of ['down', 'up', 'nearest'] as const) {
        await setRounding({ clockIn: { mode, minutes }, clockOut: { mode, minutes } });
        const employeeId = await createEmployee(t, account);
        const made = await shift(employeeId, on27('13:00:00'), on27('21:30:00'));
        assert.equal(made.clockIn.countedAt, on27('13:00:00'), `${mode} ${minutes}`);
        assert.equal(made.clockOut.countedAt, on27('21:30:00'), `${mode} ${minutes}`);
      }
    }
  });

  test('break punches are never rounded', async () => {
    await setRounding({ clockIn: { mode: 'up', minutes: 15 }, clockOut: { mode: 'up', minutes: 15 } });
    const employeeId = await createEmployee(t, account);
    await punch(employeeId, 'in', on27('13:00:00'));
    const breakStart = await punch(employeeId, 'break_start', on27('16:02:10'));
    const breakEnd = await punch(employeeId, 'break_end', on27('16:31:20'));
    assert.equal(breakStart.countedAt, breakStart.at);
    assert.equal(breakEnd.countedAt, breakEnd.at);
    const out = await punch(employeeId, 'out', on27('21:00:00'));
    const made = await entry(out.timeEntryId);
    assert.equal(made.breakSeconds, 29 * 60 + 10);
    assert.equal(made.durationSeconds, 8 * 3600 - (29 * 60 + 10));
  });

  test('shift grace: within it the shift’s own start and end count; a second outside, plain rounding', async () => {
    await setRounding({
      clockIn: { mode: 'nearest', minutes: 15 },
      clockOut: { mode: 'nearest', minutes: 15 },
      shiftGrace: { beforeStartMinutes: 10, afterEndMinutes: 10 },
    });
    // Shifts 09:00–17:00 EDT on the 27th and 28th; clock-in 10:00 before start and 10:00 after end are within.
    const within = await createEmployee(t, account);
    await publishShift(within, on27('13:00:00'), on27('21:00:00'));
    const inGrace = await shift(within, on27('12:50:00'), on27('21:10:00'));
    assert.equal(inGrace.clockIn.countedAt, on27('13:00:00'));
    assert.equal(inGrace.clockOut.countedAt, on27('21:00:00'));
    assert.equal(inGrace.entry.durationSeconds, 8 * 3600);

    // 08:49:59 and 17:10:01 are just outside: nearest quarter hour, 08:45 and 17:15.
    const outside = await createEmployee(t, account);
    await publishShift(outside, on27('13:00:00'), on27('21:00:00'));
    const outOfGrace = await shift(outside, on27('12:49:59'), on27('21:10:01'));
    assert.equal(outOfGrace.clockIn.countedAt, on27('12:45:00'));
    assert.equal(outOfGrace.clockOut.countedAt, on27('21:15:00'));

    // Grace only for the employee's own published shifts: a draft, or someone else's shift (`within` has one at
    // the same time), is no schedule.
    const draft = await createEmployee(t, account);
    await publishShift(draft, on27('13:00:00'), on27('21:00:00'), false);
    const noShift = await shift(draft, on27('12:52:00'), on27('21:08:00'));
    assert.equal(noShift.clockIn.countedAt, on27('12:45:00'));
    assert.equal(noShift.clockOut.countedAt, on27('21:15:00'));
  });

  test('grace alone, without rounding: outside it the time counts as punched', async () => {
    await setRounding({ shiftGrace: { beforeStartMinutes: 5, afterEndMinutes: 0 } });
    const employeeId = await createEmployee(t, account);
    await publishShift(employeeId, on27('13:00:00'), on27('21:00:00'));
    const made = await shift(employeeId, on27('12:55:00'), on27('21:04:00'));
    assert.equal(made.clockIn.countedAt, on27('13:00:00'));
    // afterEndMinutes 0: no grace after the end.
    assert.equal(made.clockOut.countedAt, on27('21:04:00'));
    const early = await createEmployee(t, account);
    await publishShift(early, on27('13:00:00'), on27('21:00:00'));
    assert.equal((await punch(early, 'in', on27('12:54:59'))).countedAt, on27('12:54:59'));
  });

  test('across DST in New York: spring forward and fall back', async () => {
    await setRounding({
      clockIn: { mode: 'nearest', minutes: 1 },
      clockOut: { mode: 'nearest', minutes: 1 },
    });
    // 2026-03-08: 01:59:40 EST rounds to 02:00 EST, the instant the clocks show 03:00 EDT; 03:29:50 EDT → 03:30.
    const spring = await createEmployee(t, account);
    const springDay = await shift(spring, '2026-03-08T06:59:40.000Z', '2026-03-08T07:29:50.000Z');
    assert.equal(springDay.clockIn.countedAt, '2026-03-08T07:00:00.000Z');
    assert.equal(springDay.clockOut.countedAt, '2026-03-08T07:30:00.000Z');
    assert.equal(springDay.entry.durationSeconds, 30 * 60);

    // 2026-11-01: 01:52 EDT up to the quarter hour is 02:00 EDT (the clocks go back to 01:00 EST); 01:07:30 EST,
    // the second 01:07:30 of the day, is the tie between 01:00 and 01:15 EST: up.
    await setRounding({ clockIn: { mode: 'up', minutes: 15 }, clockOut: { mode: 'nearest', minutes: 15 } });
    const fall = await createEmployee(t, account);
    const fallDay = await shift(fall, '2026-11-01T05:52:00.000Z', '2026-11-01T06:07:30.000Z');
    assert.equal(fallDay.clockIn.countedAt, '2026-11-01T06:00:00.000Z');
    assert.equal(fallDay.clockOut.countedAt, '2026-11-01T06:15:00.000Z');
    assert.equal(fallDay.entry.durationSeconds, 15 * 60);
    // The time card of the 25-hour day counts the rounded quarter hour.
    assert.equal(dayOf(await cardOf(fall), '2026-11-01')?.workedSeconds, 15 * 60);
  });

  test('a +05:45 zone with the 6-minute step: local :00, :06, …', async () => {
    const kathmandu = await createTestAccount(t);
    await updateAccountSettings(t.app.context, kathmandu.account.id, { timezone: 'Asia/Kathmandu' });
    await setRounding(
      { clockIn: { mode: 'nearest', minutes: 6 }, clockOut: { mode: 'nearest', minutes: 6 } },
      kathmandu,
    );
    const employeeId = await createEmployee(t, kathmandu);
    // 09:02 NPT (03:17Z) → 09:00 NPT (03:15Z), where a UTC step would give 03:18Z; 17:03 NPT is the tie → 17:06.
    const made = await shift(employeeId, '2026-10-27T03:17:00.000Z', '2026-10-27T11:18:00.000Z', kathmandu);
    assert.equal(made.clockIn.countedAt, '2026-10-27T03:15:00.000Z');
    assert.equal(made.clockOut.countedAt, '2026-10-27T11:21:00.000Z');
    assert.equal(made.entry.durationSeconds, 8 * 3600 + 6 * 60);
  });

  test('time cards count the rounded times: the same punches, fewer hours and no overtime', async () => {
    const california = await call(t, 'PATCH', '/v1/pay-schedule', {
      key: account.key,
      body: { overtimeRule: { type: 'california' } },
    });
    assert.equal(california.status, 200, california.raw);
    // 08:53 – 17:07 EDT is 8 h 14 min as punched: 14 min of daily overtime.
    await setRounding({});
    const raw = await createEmployee(t, account);
    await shift(raw, on27('12:53:00'), on27('21:07:00'));
    const rawDay = dayOf(await cardOf(raw), '2026-10-27');
    assert.deepEqual(
      { worked: rawDay?.workedSeconds, overtime: rawDay?.overtimeSeconds },
      { worked: 8 * 3600 + 14 * 60, overtime: 14 * 60 },
    );
    // To the nearest quarter hour it is 09:00 – 17:00: 8 h, all regular.
    await setRounding({
      clockIn: { mode: 'nearest', minutes: 15 },
      clockOut: { mode: 'nearest', minutes: 15 },
    });
    const rounded = await createEmployee(t, account);
    await shift(rounded, on27('12:53:00'), on27('21:07:00'));
    const card = await cardOf(rounded);
    const day = dayOf(card, '2026-10-27');
    assert.deepEqual(
      { worked: day?.workedSeconds, regular: day?.regularSeconds, overtime: day?.overtimeSeconds },
      { worked: 8 * 3600, regular: 8 * 3600, overtime: 0 },
    );
    assert.equal(card.workedSeconds, 8 * 3600);
    assert.equal(card.overtimeSeconds, 0);
    // The list filter compares the counted times: the entry starts at 09:00, not 08:53.
    const filtered = await call<List<TimeEntry>>(
      t,
      'GET',
      `/v1/time-entries?employeeId=${rounded}&to=${on27('12:59:00')}`,
      { key: account.key },
    );
    assert.equal(filtered.status, 200, filtered.raw);
    assert.equal(filtered.body.data.length, 0);
  });

  test('clamp: a clock-out never counts before its entry’s counted start, and breaks there are no refusal', async () => {
    await setRounding({ clockIn: { mode: 'up', minutes: 15 }, clockOut: { mode: 'down', minutes: 15 } });
    const employeeId = await createEmployee(t, account);
    // In at 09:01 counts from 09:15; a break at 09:04–09:06 and an out at 09:10 all come before that start.
    const clockIn = await punch(employeeId, 'in', on27('13:01:00'));
    assert.equal(clockIn.countedAt, on27('13:15:00'));
    await punch(employeeId, 'break_start', on27('13:04:00'));
    await punch(employeeId, 'break_end', on27('13:06:00'));
    const clockOut = await punch(employeeId, 'out', on27('13:10:00'));
    // Down to 09:00 would end the entry before it starts: it ends at its start instead.
    assert.equal(clockOut.countedAt, on27('13:15:00'));
    const made = await entry(clockOut.timeEntryId);
    assert.deepEqual(
      {
        start: made.start,
        end: made.end,
        breakSeconds: made.breakSeconds,
        durationSeconds: made.durationSeconds,
      },
      { start: on27('13:15:00'), end: on27('13:15:00'), breakSeconds: 0, durationSeconds: 0 },
    );
  });

  test('clamp: a clock-in never counts before the counted end of the previous entry', async () => {
    await setRounding({ clockIn: { mode: 'down', minutes: 15 }, clockOut: { mode: 'up', minutes: 15 } });
    const employeeId = await createEmployee(t, account);
    // Out at 12:03 counts until 12:15; back in at 12:05, which rounds down to 12:00: it counts from 12:15.
    const first = await shift(employeeId, on27('13:00:00'), on27('16:03:00'));
    assert.equal(first.entry.end, on27('16:15:00'));
    const second = await shift(employeeId, on27('16:05:00'), on27('21:00:00'));
    assert.equal(second.clockIn.countedAt, on27('16:15:00'));
    assert.deepEqual(
      [second.entry.start, second.entry.punchedStart, second.entry.durationSeconds],
      [on27('16:15:00'), on27('16:05:00'), 4 * 3600 + 45 * 60],
    );

    // A manager's own end is not rounding: the next clock-in inside it is refused, as without rounding.
    const corrected = await createEmployee(t, account);
    const worked = await shift(corrected, on27('13:00:00'), on27('16:03:00'));
    const patched = await call(t, 'PATCH', `/v1/time-entries/${worked.entry.id}`, {
      key: account.key,
      body: { end: on27('16:20:00') },
    });
    assert.equal(patched.status, 200, patched.raw);
    const refused = await call(t, 'POST', '/v1/punches', {
      key: account.key,
      body: { employeeId: corrected, type: 'in', at: on27('16:05:00') },
    });
    assertApiError(refused, 409, 'time_entry_overlap', { messageIncludes: worked.entry.id });
  });

  test('clamp: a clock-out counted earlier than punched leaves the break after it out of the entry', async () => {
    await setRounding({ clockOut: { mode: 'down', minutes: 15 } });
    // A break 16:55–17:03 and an out at 17:05 that counts until 17:00: 5 minutes of the break are inside.
    const completed = await createEmployee(t, account);
    await punch(completed, 'in', on27('13:00:00'));
    await punch(completed, 'break_start', on27('20:55:00'));
    await punch(completed, 'break_end', on27('21:03:00'));
    const out = await punch(completed, 'out', on27('21:05:00'));
    const made = await entry(out.timeEntryId);
    assert.deepEqual(
      [made.end, made.breakSeconds, made.durationSeconds],
      [on27('21:00:00'), 5 * 60, 8 * 3600 - 5 * 60],
    );
    // Clocking out during a break that began at 16:55: the same 5 minutes.
    const running = await createEmployee(t, account);
    await punch(running, 'in', on27('13:00:00'));
    await punch(running, 'break_start', on27('20:55:00'));
    const runningOut = await punch(running, 'out', on27('21:05:00'));
    const runningEntry = await entry(runningOut.timeEntryId);
    assert.deepEqual([runningEntry.breakSeconds, runningEntry.durationSeconds], [5 * 60, 8 * 3600 - 5 * 60]);
  });

  test('manual entries and corrections are taken as typed', async () => {
    await setRounding({ clockIn: { mode: 'up', minutes: 15 }, clockOut: { mode: 'up', minutes: 15 } });
    const employeeId = await createEmployee(t, account);
    const created = await call<TimeEntry>(t, 'POST', '/v1/time-entries', {
      key: account.key,
      body: { employeeId, start: on27('13:07:00'), end: on27('21:03:00') },
    });
    assert.equal(created.status, 201, created.raw);
    assert.deepEqual(
      [created.body.start, created.body.end, created.body.punchedStart, created.body.punchedEnd],
      [on27('13:07:00'), on27('21:03:00'), null, null],
    );
    const punched = await shift(employeeId, '2026-10-28T13:07:00.000Z', '2026-10-28T21:03:00.000Z');
    assert.equal(punched.entry.start, '2026-10-28T13:15:00.000Z');
    const corrected = await call<TimeEntry>(t, 'PATCH', `/v1/time-entries/${punched.entry.id}`, {
      key: account.key,
      body: { start: '2026-10-28T13:08:00.000Z' },
    });
    assert.equal(corrected.status, 200, corrected.raw);
    assert.deepEqual(
      [corrected.body.start, corrected.body.punchedStart, corrected.body.end, corrected.body.punchedEnd],
      [
        '2026-10-28T13:08:00.000Z',
        '2026-10-28T13:07:00.000Z',
        '2026-10-28T21:15:00.000Z',
        '2026-10-28T21:03:00.000Z',
      ],
    );
  });

  test('changing the rule never rewrites stored punches or entries', async () => {
    await setRounding({
      clockIn: { mode: 'nearest', minutes: 15 },
      clockOut: { mode: 'nearest', minutes: 15 },
    });
    const employeeId = await createEmployee(t, account);
    const made = await shift(employeeId, on27('12:53:00'), on27('21:07:00'));
    await setRounding({});
    const punchAfter = await call<Punch>(t, 'GET', `/v1/punches/${made.clockIn.id}`, { key: account.key });
    assert.equal(punchAfter.body.countedAt, on27('13:00:00'));
    assert.deepEqual(await entry(made.entry.id), made.entry);
  });

  test('a counted time never lands in a locked pay period: the punch then counts as punched', async () => {
    const locked = await createTestAccount(t);
    await setRounding({ shiftGrace: { beforeStartMinutes: 0, afterEndMinutes: 15 } }, locked);
    const employeeId = await createEmployee(t, locked);
    const res = await call(t, 'POST', '/v1/shifts', {
      key: locked.key,
      body: {
        employeeId,
        start: '2026-10-18T13:00:00.000Z',
        end: '2026-10-19T03:55:00.000Z',
        published: true,
      },
    });
    assert.equal(res.status, 201, res.raw);
    // Clocked in on Sunday the 18th; that period (Oct 5–18) is locked before the clock-out at 00:05 on Monday,
    // which grace would count at 23:55 on the locked Sunday.
    await punch(employeeId, 'in', '2026-10-18T13:00:00.000Z', locked);
    await lockPayPeriod(t, locked, '2026-10-05', '2026-10-18');
    const out = await punch(employeeId, 'out', '2026-10-19T04:05:00.000Z', locked);
    assert.equal(out.countedAt, '2026-10-19T04:05:00.000Z');
  });
});
