/**
 * Issue 13, point 3: an approved time card freezes the time it is computed from. Every route that can change an
 * employee's time refuses a change inside the employee's approved card (409 time_card_approved) and stores nothing;
 * other employees and other periods are not frozen; a locked period still answers pay_period_locked first. Approval
 * records who and when, unapproval who, when and why, with a `time_card.unapproved` event.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { DatabaseHandle } from '../../../src/db/database.js';
import type { Db } from '../../../src/db/tables.js';
import { approveTimeCard } from '../../../src/resources/time-cards/service.js';
import { updateTimeEntry } from '../../../src/resources/time-entries/service.js';
import {
  type ApiResponse,
  call,
  createTestAccount,
  createTestKey,
  serviceContext,
  type TestAccount,
} from '../../helpers/app.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { interleave } from '../../helpers/interleave.js';
import { assertApiError } from '../../helpers/security-suite.js';

interface TimeCard {
  id: string;
  object: 'time_card';
  employeeId: string;
  payPeriodId: string;
  periodStart: string;
  periodEnd: string;
  workedSeconds: number;
  approved: boolean;
  approvedAt: string | null;
  approvedBy: string | null;
  unapprovedAt: string | null;
  unapprovedBy: string | null;
  unapprovalReason: string | null;
  updatedAt: string;
}
interface TimeEntry {
  id: string;
  start: string;
  end: string | null;
  notes: string | null;
}
interface List<T> {
  data: T[];
}

const HOUR = 3600;
/** Wednesday 4 Nov 2026, 12:00 in New York (the test accounts' zone). */
const NOW = '2026-11-04T17:00:00.000Z';
/** Weekly periods from Monday: LAST is 26 Oct – 1 Nov (fully past), THIS is 2 – 8 Nov. */
const SCHEDULE = { frequency: 'weekly', anchorDate: '2026-10-19' } as const;
const LAST = { start: '2026-10-26', end: '2026-11-01' };
const THIS = { start: '2026-11-02', end: '2026-11-08' };

async function ok<T>(response: Promise<ApiResponse<T>>, status = 200): Promise<T> {
  const answered = await response;
  assert.equal(answered.status, status, answered.raw);
  return answered.body;
}

describeEachDialect('time cards: approval freezes time', ({ t, dialect, account }) => {
  const as = <T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    who: TestAccount = account,
  ) => call<T>(t, method, path, { key: who.key, ...(body === undefined ? {} : { body }) });

  let periods: { last: string; this: string };

  async function periodIdsOf(who: TestAccount): Promise<{ last: string; this: string }> {
    const list = await ok(
      as<List<{ id: string; startDate: string }>>('GET', '/v1/pay-periods', undefined, who),
    );
    const idOf = (start: string) => list.data.find((period) => period.startDate === start)?.id as string;
    const ids = { last: idOf(LAST.start), this: idOf(THIS.start) };
    assert.ok(ids.last && ids.this, JSON.stringify(list));
    return ids;
  }

  async function newEmployee(firstName: string, who: TestAccount = account): Promise<string> {
    return (await ok(as<{ id: string }>('POST', '/v1/employees', { firstName, lastName: 'Test' }, who), 201))
      .id;
  }

  const createEntry = (employeeId: string, start: string, end: string | null, who: TestAccount = account) =>
    as<TimeEntry>('POST', '/v1/time-entries', { employeeId, start, end: end ?? undefined }, who);

  async function entry(employeeId: string, start: string, end: string): Promise<TimeEntry> {
    return ok(createEntry(employeeId, start, end), 201);
  }

  async function card(
    employeeId: string,
    payPeriodId: string,
    who: TestAccount = account,
  ): Promise<TimeCard> {
    const query = `payPeriodId=${payPeriodId}&employeeId=${employeeId}`;
    const list = await ok(as<List<TimeCard>>('GET', `/v1/time-cards?${query}`, undefined, who));
    assert.equal(list.data.length, 1, JSON.stringify(list));
    return list.data[0] as TimeCard;
  }

  const approve = (cardId: string, who: TestAccount = account) =>
    ok(as<TimeCard>('POST', `/v1/time-cards/${cardId}/approve`, undefined, who));

  const punch = (employeeId: string, type: string, at: string) =>
    as<{ id: string }>('POST', '/v1/punches', { employeeId, type, at });

  /** What the account stores of an employee's time, read through the API. */
  async function timeOf(employeeId: string): Promise<unknown> {
    const [entries, punches, timeOff, employee] = await Promise.all([
      ok(as('GET', `/v1/time-entries?employeeId=${employeeId}&limit=100`)),
      ok(as('GET', `/v1/punches?employeeId=${employeeId}&limit=100`)),
      ok(as('GET', `/v1/time-off?employeeId=${employeeId}&limit=100`)),
      ok(as<{ clockStatus: string }>('GET', `/v1/employees/${employeeId}`)),
    ]);
    return { entries, punches, timeOff, clockStatus: employee.clockStatus };
  }

  const latestEventId = async () =>
    (await ok(as<List<{ id: string }>>('GET', '/v1/events?limit=1'))).data[0]?.id;

  /** The refusal of a change inside `cardOf`'s approved card: 409, naming the card, its dates and the way out. */
  function assertFrozen(response: ApiResponse, frozen: TimeCard): void {
    const error = assertApiError(response, 409, 'time_card_approved', { messageIncludes: frozen.id });
    assert.ok(error.message.includes(`${frozen.periodStart} – ${frozen.periodEnd}`), error.message);
    assert.match(error.message, /unapprove the card/);
  }

  before(async () => {
    t.clock.set(NOW);
    await ok(as('PATCH', '/v1/pay-schedule', SCHEDULE));
    periods = await periodIdsOf(account);
  });

  test('61 h approved; an entry 5 h longer → 409, then unapprove with a reason, change, and approve 66 h', async () => {
    const ada = await newEmployee('Ada');
    // Monday to Thursday 07:00–19:00 and Friday 07:00–20:00 in New York (EDT): 12 + 12 + 12 + 12 + 13 = 61 hours.
    for (const day of ['26', '27', '28', '29']) {
      await entry(ada, `2026-10-${day}T11:00:00Z`, `2026-10-${day}T23:00:00Z`);
    }
    const friday = await entry(ada, '2026-10-30T11:00:00Z', '2026-10-31T00:00:00Z');
    const shown = await card(ada, periods.last);
    assert.equal(shown.workedSeconds, 61 * HOUR);

    t.clock.advance(60_000);
    const approved = await approve(shown.id);
    assert.equal(approved.approved, true);
    assert.equal(approved.approvedAt, t.clock.now().toISOString());
    assert.equal(approved.approvedBy, account.keyId, 'an API approval records the calling key');
    assert.equal(approved.workedSeconds, 61 * HOUR);

    // Friday ends five hours later: refused, and the entry and the card stay as approved.
    const before = await timeOf(ada);
    const events = await latestEventId();
    const longer = { end: '2026-10-31T05:00:00Z' };
    assertFrozen(await as('PATCH', `/v1/time-entries/${friday.id}`, longer), approved);
    assert.deepEqual(await timeOf(ada), before);
    assert.equal(await latestEventId(), events, 'a refused change records no event');
    const still = await ok(as<TimeCard>('GET', `/v1/time-cards/${shown.id}`));
    assert.deepEqual(still, approved);

    t.clock.advance(60_000);
    const reason = 'Friday’s clock-out was missed: the shift ended at 01:00.';
    const unapproved = await ok(
      as<TimeCard>('POST', `/v1/time-cards/${shown.id}/unapprove`, { reason: `  ${reason}  ` }),
    );
    assert.deepEqual(
      {
        approved: unapproved.approved,
        approvedAt: unapproved.approvedAt,
        approvedBy: unapproved.approvedBy,
        unapprovedAt: unapproved.unapprovedAt,
        unapprovedBy: unapproved.unapprovedBy,
        unapprovalReason: unapproved.unapprovalReason,
      },
      {
        approved: false,
        approvedAt: null,
        approvedBy: null,
        unapprovedAt: t.clock.now().toISOString(),
        unapprovedBy: account.keyId,
        unapprovalReason: reason,
      },
    );
    // The feed carries the withdrawal with its reason, as the card reads now.
    const feed = await ok(
      as<List<{ type: string; data: { object: TimeCard } }>>('GET', '/v1/events?type=time_card.unapproved'),
    );
    assert.equal(feed.data[0]?.type, 'time_card.unapproved');
    assert.deepEqual(feed.data[0]?.data.object, unapproved);

    const patched = await ok(as<TimeEntry>('PATCH', `/v1/time-entries/${friday.id}`, longer));
    assert.equal(patched.end, '2026-10-31T05:00:00.000Z');
    assert.equal((await card(ada, periods.last)).workedSeconds, 66 * HOUR);

    t.clock.advance(60_000);
    const reapproved = await approve(shown.id);
    assert.equal(reapproved.approved, true);
    assert.equal(reapproved.workedSeconds, 66 * HOUR);
    assert.equal(reapproved.approvedAt, t.clock.now().toISOString());
    assert.equal(reapproved.approvedBy, account.keyId);
    // The last unapproval stays on the card: it says why the card was reopened.
    assert.equal(reapproved.unapprovalReason, reason);
    assert.equal(reapproved.unapprovedAt, unapproved.unapprovedAt);
  });

  test('every route that changes time refuses a change inside the approved card, and stores nothing', async () => {
    const ben = await newEmployee('Ben');
    // Pia is clocked out, Bo clocked in and Cat on a break, each from inside the period about to be approved.
    const pia = await newEmployee('Pia');
    const bo = await newEmployee('Bo');
    const cat = await newEmployee('Cat');
    const inside = await entry(ben, '2026-10-27T13:00:00Z', '2026-10-27T21:00:00Z');
    const after = await entry(ben, '2026-11-03T14:00:00Z', '2026-11-03T22:00:00Z');
    await ok(punch(pia, 'in', '2026-10-30T13:00:00Z'), 201);
    await ok(punch(pia, 'out', '2026-10-30T21:00:00Z'), 201);
    await ok(punch(bo, 'in', '2026-10-31T13:00:00Z'), 201);
    await ok(punch(cat, 'in', '2026-10-31T13:00:00Z'), 201);
    await ok(punch(cat, 'break_start', '2026-10-31T15:00:00Z'), 201);
    const requested = await ok(
      as<{ id: string }>('POST', '/v1/time-off', {
        employeeId: ben,
        type: 'vacation',
        startDate: '2026-10-29',
        endDate: '2026-10-29',
      }),
      201,
    );
    const frozen = new Map<string, TimeCard>();
    for (const employeeId of [ben, pia]) {
      frozen.set(employeeId, await approve((await card(employeeId, periods.last)).id));
    }
    // Bo and Cat are on the clock inside the period (Cat on a break): their cards cannot be approved yet, so a
    // clock-out or break punch can never land inside an approved card.
    for (const employeeId of [bo, cat]) {
      const refused = await as('POST', `/v1/time-cards/${(await card(employeeId, periods.last)).id}/approve`);
      assertApiError(refused, 409, 'time_entry_open', { messageIncludes: employeeId });
    }
    const before = new Map<string, unknown>();
    for (const employeeId of frozen.keys()) before.set(employeeId, await timeOf(employeeId));
    const events = await latestEventId();

    const refusals: [string, string, () => Promise<ApiResponse>][] = [
      ['punch in', pia, () => punch(pia, 'in', '2026-10-31T14:00:00Z')],
      ['create an entry', ben, () => createEntry(ben, '2026-10-29T13:00:00Z', '2026-10-29T17:00:00Z')],
      // 23:30 in New York on Sunday 1 Nov (EST) is already Monday in UTC: the local date decides.
      ['create an entry', ben, () => createEntry(ben, '2026-11-02T04:30:00Z', '2026-11-02T04:45:00Z')],
      [
        'create an entry across the end',
        ben,
        () => createEntry(ben, '2026-11-02T04:00:00Z', '2026-11-02T06:00:00Z'),
      ],
      [
        'change an entry (notes only)',
        ben,
        () => as('PATCH', `/v1/time-entries/${inside.id}`, { notes: 'late' }),
      ],
      [
        'move an entry into the period',
        ben,
        () => as('PATCH', `/v1/time-entries/${after.id}`, { start: '2026-11-01T15:00:00Z' }),
      ],
      [
        'move an entry out of the period',
        ben,
        () =>
          as('PATCH', `/v1/time-entries/${inside.id}`, {
            start: '2026-11-03T01:00:00Z',
            end: '2026-11-03T02:00:00Z',
          }),
      ],
      ['delete an entry', ben, () => as('DELETE', `/v1/time-entries/${inside.id}`)],
      ['approve time off', ben, () => as('POST', `/v1/time-off/${requested.id}/approve`)],
    ];
    for (const [what, employeeId, attempt] of refusals) {
      const response = await attempt();
      assert.equal(response.status, 409, `${what}: ${response.raw}`);
      assertFrozen(response, frozen.get(employeeId) as TimeCard);
    }
    for (const [employeeId, stored] of before) {
      assert.deepEqual(await timeOf(employeeId), stored, 'a refused change stores nothing');
    }
    assert.equal(await latestEventId(), events, 'a refused change records no event');

    // The same employees outside the approved period: this week is open.
    await ok(punch(pia, 'in', NOW), 201);
    await ok(createEntry(ben, '2026-11-04T13:00:00Z', '2026-11-04T15:00:00Z'), 201);
    await ok(as('PATCH', `/v1/time-entries/${after.id}`, { notes: 'changed this week' }));
    const thisWeekOff = await ok(
      as<{ id: string }>('POST', '/v1/time-off', {
        employeeId: ben,
        type: 'sick',
        startDate: '2026-11-05',
        endDate: '2026-11-05',
      }),
      201,
    );
    await ok(as('POST', `/v1/time-off/${thisWeekOff.id}/approve`));
    // A request inside the approved card is recorded (a request changes no time); only approving it waits.
    const recorded = await ok(
      as<{ id: string; status: string }>('POST', '/v1/time-off', {
        employeeId: ben,
        type: 'personal',
        startDate: '2026-10-30',
        endDate: '2026-10-30',
      }),
      201,
    );
    assert.equal(recorded.status, 'requested');

    // Another employee in the same period, whose card is not approved (and has no row yet: cards are computed, and
    // only an approved row freezes): nothing is frozen.
    const cy = await newEmployee('Cy');
    const rows = await t.db.db.selectFrom('time_cards').select('id').where('employee_id', '=', cy).execute();
    assert.deepEqual(rows, []);
    await ok(punch(cy, 'in', '2026-10-31T14:00:00Z'), 201);
    await ok(punch(cy, 'break_start', '2026-10-31T15:00:00Z'), 201);
    await ok(punch(cy, 'break_end', '2026-10-31T15:30:00Z'), 201);
    await ok(punch(cy, 'out', '2026-10-31T21:00:00Z'), 201);
    const cyEntry = await ok(createEntry(cy, '2026-10-29T13:00:00Z', '2026-10-29T17:00:00Z'), 201);
    await ok(as('PATCH', `/v1/time-entries/${cyEntry.id}`, { end: '2026-10-29T18:00:00Z' }));
    await ok(as('DELETE', `/v1/time-entries/${cyEntry.id}`));
    const cyOff = await ok(
      as<{ id: string }>('POST', '/v1/time-off', {
        employeeId: cy,
        type: 'vacation',
        startDate: '2026-10-29',
        endDate: '2026-10-29',
      }),
      201,
    );
    await ok(as('POST', `/v1/time-off/${cyOff.id}/approve`));
    assert.equal((await card(cy, periods.last)).approved, false);
  });

  test('a card cannot be approved while an entry running into its period is open: 409 time_entry_open', async () => {
    const employeeId = await newEmployee('Onclock');
    // On the clock since the last day of the previous period: the entry runs into both cards.
    await ok(createEntry(employeeId, `${LAST.end}T20:00:00.000Z`, null), 201);
    for (const period of [periods.last, periods.this]) {
      const open = await card(employeeId, period);
      const refused = await as('POST', `/v1/time-cards/${open.id}/approve`);
      assertApiError(refused, 409, 'time_entry_open', { messageIncludes: employeeId });
      assert.equal((await card(employeeId, period)).approved, false, 'nothing was approved');
    }
    // Once the entry ends, both cards can be approved.
    const [openEntry] = (await ok(as<List<TimeEntry>>('GET', `/v1/time-entries?employeeId=${employeeId}`)))
      .data;
    assert.ok(openEntry);
    await ok(as('PATCH', `/v1/time-entries/${openEntry.id}`, { end: NOW }));
    for (const period of [periods.last, periods.this]) {
      assert.equal((await approve((await card(employeeId, period)).id)).approved, true);
    }
  });

  test('a locked period answers pay_period_locked before the approved card', async () => {
    const dee = await newEmployee('Dee');
    const inside = await entry(dee, '2026-10-28T13:00:00Z', '2026-10-28T21:00:00Z');
    const approved = await approve((await card(dee, periods.last)).id);
    assertFrozen(await as('PATCH', `/v1/time-entries/${inside.id}`, { notes: 'x' }), approved);
    await ok(as('POST', `/v1/pay-periods/${periods.last}/lock`));
    try {
      assertApiError(
        await as('PATCH', `/v1/time-entries/${inside.id}`, { notes: 'x' }),
        409,
        'pay_period_locked',
      );
      assertApiError(await punch(dee, 'in', '2026-10-30T13:00:00Z'), 409, 'pay_period_locked');
      assertApiError(
        await as('POST', `/v1/time-cards/${approved.id}/unapprove`, { reason: 'too late' }),
        409,
        'pay_period_locked',
      );
    } finally {
      await ok(as('POST', `/v1/pay-periods/${periods.last}/unlock`));
    }
    assertFrozen(await as('PATCH', `/v1/time-entries/${inside.id}`, { notes: 'x' }), approved);
  });

  test('a schedule change is refused while a period it would replace holds an approved card', async () => {
    const other = await createTestAccount(t);
    await ok(as('PATCH', '/v1/pay-schedule', SCHEDULE, other));
    const ids = await periodIdsOf(other);
    const eve = await newEmployee('Eve', other);
    // An approved card of a period that has ended does not stand in the way: ended periods are kept.
    const ended = await approve((await card(eve, ids.last, other)).id, other);
    const current = await approve((await card(eve, ids.this, other)).id, other);
    const schedule = await ok(as('GET', '/v1/pay-schedule', undefined, other));
    const change = { anchorDate: '2026-10-20' };
    assertFrozen(await as('PATCH', '/v1/pay-schedule', change, other), current);
    assert.deepEqual(await ok(as('GET', '/v1/pay-schedule', undefined, other)), schedule);
    assert.deepEqual(await ok(as('GET', `/v1/time-cards/${current.id}`, undefined, other)), current);
    // The overtime rule alone replaces no period.
    await ok(as('PATCH', '/v1/pay-schedule', { overtimeRule: { type: 'none' } }, other));

    await ok(as('POST', `/v1/time-cards/${current.id}/unapprove`, undefined, other));
    await ok(as('PATCH', '/v1/pay-schedule', change, other));
    assert.equal(
      (await ok(as<TimeCard>('GET', `/v1/time-cards/${ended.id}`, undefined, other))).approved,
      true,
    );
  });

  test('unapprove: the body is optional; a reason is trimmed, 1–500 characters', async () => {
    const fay = await newEmployee('Fay');
    const { id } = await card(fay, periods.last);
    const path = `/v1/time-cards/${id}/unapprove`;
    await approve(id);
    for (const [body, message] of [
      [{ reason: '   ' }, 'must not be blank'],
      [{ reason: '' }, ''],
      [{ reason: 'x'.repeat(501) }, ''],
      [{ reason: 42 }, ''],
    ] as const) {
      assertApiError(await as('POST', path, body), 400, 'parameter_invalid', {
        param: 'reason',
        messageIncludes: message,
      });
    }
    assertApiError(await as('POST', path, { why: 'no' }), 400, 'parameter_invalid');
    assertApiError(await as('POST', path, 'a reason'), 400, 'parameter_invalid');
    assert.equal((await card(fay, periods.last)).approved, true, 'a refused unapproval changes nothing');

    // No body at all, as before reasons existed; an empty JSON body; an empty object.
    const bare = await ok(as<TimeCard>('POST', path));
    assert.deepEqual([bare.approved, bare.unapprovedBy, bare.unapprovalReason], [false, account.keyId, null]);
    await approve(id);
    const empty = await call<TimeCard>(t, 'POST', path, {
      key: account.key,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(empty.status, 200, empty.raw);
    assert.equal(empty.body.approved, false);
    await approve(id);
    assert.equal((await ok(as<TimeCard>('POST', path, {}))).approved, false);

    // The longest reason fits; unapproving an unapproved card records nothing.
    await approve(id);
    const longest = 'y'.repeat(500);
    assert.equal((await ok(as<TimeCard>('POST', path, { reason: longest }))).unapprovalReason, longest);
    const again = await ok(as<TimeCard>('POST', path, { reason: 'second thoughts' }));
    assert.equal(again.unapprovalReason, longest);
  });

  test('a key’s field restriction covers the reason as the card’s unapprovalReason', async () => {
    const gus = await newEmployee('Gus');
    const { id } = await card(gus, periods.last);
    const path = `/v1/time-cards/${id}/unapprove`;
    const scopes = ['timecards:read', 'timecards:write'];
    const withReason = await createTestKey(t, account, scopes, {
      fieldRestrictions: { timecards: ['approved', 'approvedBy', 'unapprovedBy', 'unapprovalReason'] },
    });
    const flagOnly = await createTestKey(t, account, scopes, {
      fieldRestrictions: { timecards: ['approved'] },
    });

    const approved = await ok(
      call<TimeCard>(t, 'POST', `/v1/time-cards/${id}/approve`, { key: withReason.key }),
    );
    assert.deepEqual(approved, {
      id,
      object: 'time_card',
      approved: true,
      approvedBy: withReason.id,
      unapprovedBy: null,
      unapprovalReason: null,
    });
    const unapproved = await ok(
      call<TimeCard>(t, 'POST', path, { key: withReason.key, body: { reason: 'fix' } }),
    );
    assert.deepEqual(unapproved, {
      id,
      object: 'time_card',
      approved: false,
      approvedBy: null,
      unapprovedBy: withReason.id,
      unapprovalReason: 'fix',
    });

    await approve(id);
    assertApiError(
      await call(t, 'POST', path, { key: flagOnly.key, body: { reason: 'fix' } }),
      403,
      'field_not_permitted',
      { param: 'reason', messageIncludes: 'unapprovalReason' },
    );
    assert.equal((await card(gus, periods.last)).approved, true);
    assert.deepEqual(await ok(call<TimeCard>(t, 'POST', path, { key: flagOnly.key })), {
      id,
      object: 'time_card',
      approved: false,
    });
  });

  /**
   * The check reads inside the write's transaction, after the employee's lock, which an approval takes too: on
   * PostgreSQL the second request waits for the first and then sees what it committed (SQLite runs one write
   * transaction at a time, so there the two run one after the other).
   */
  test('an approval and a change to the same time never pass each other', async () => {
    const hal = await newEmployee('Hal');
    const monday = await entry(hal, '2026-10-26T13:00:00Z', '2026-10-26T21:00:00Z');
    const { id } = await card(hal, periods.last);
    const inside = (trx: Db) => serviceContext({ ...t.db, db: trx } as DatabaseHandle, t.clock);

    // An approval in progress: the change waits for it, then is refused.
    const { value: refused, waited } = await interleave(
      t,
      dialect,
      (trx) => approveTimeCard(inside(trx), account.account.id, id, account.keyId),
      () => as('PATCH', `/v1/time-entries/${monday.id}`, { end: '2026-10-26T22:00:00Z' }),
    );
    assert.equal(waited, dialect === 'postgres');
    assertApiError(refused, 409, 'time_card_approved');
    assert.equal((await card(hal, periods.last)).workedSeconds, 8 * HOUR);

    // A change in progress: the approval waits for it, and approves the card with the change.
    await ok(as('POST', `/v1/time-cards/${id}/unapprove`));
    const { value: approval } = await interleave(
      t,
      dialect,
      (trx) => updateTimeEntry(inside(trx), account.account.id, monday.id, { end: '2026-10-26T23:00:00Z' }),
      () => as<TimeCard>('POST', `/v1/time-cards/${id}/approve`),
    );
    assert.equal(approval.status, 200, approval.raw);
    assert.equal(approval.body.workedSeconds, 10 * HOUR);
    assert.equal((await card(hal, periods.last)).workedSeconds, 10 * HOUR);
  });
});
