import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { call, createTestAccount } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { describeListContract } from '../../helpers/list-suite.js';
import { assertApiError } from '../../helpers/security-suite.js';
import {
  clockStatusOf,
  createEmployee,
  entriesOf,
  insertCode,
  insertLocation,
  type List,
  lockPayPeriod,
  type Punch,
  type TimeEntry,
} from './fixtures.js';

const HOUR = 3_600_000;

describeEachDialect('time entries', ({ t, account }) => {
  const create = (body: Record<string, unknown>, key = account.key) =>
    call<TimeEntry>(t, 'POST', '/v1/time-entries', { key, body });
  const createOk = async (body: Record<string, unknown>) => {
    const res = await create(body);
    assert.equal(res.status, 201, res.raw);
    return res.body;
  };
  const patch = (id: string, body: Record<string, unknown>) =>
    call<TimeEntry>(t, 'PATCH', `/v1/time-entries/${id}`, { key: account.key, body });
  const punch = (body: Record<string, unknown>) =>
    call<Punch>(t, 'POST', '/v1/punches', { key: account.key, body });

  test('create returns the full object; durationSeconds is the span less the break', async () => {
    const employeeId = await createEmployee(t, account);
    const locationId = await insertLocation(t, account);
    const positionId = await insertCode(t, account, 'positions');
    const res = await create({
      employeeId,
      start: '2026-10-30T09:00:00-04:00',
      end: '2026-10-30T17:30:00-04:00',
      breakSeconds: 1800,
      locationId,
      positionId,
      notes: 'From the paper sheet.',
    });
    assert.equal(res.status, 201, res.raw);
    assert.match(res.body.id, /^ten_[0-9A-Z]{26}$/);
    const now = t.clock.now().toISOString();
    assert.deepEqual(
      { ...res.body, id: undefined },
      {
        id: undefined,
        object: 'time_entry',
        employeeId,
        start: '2026-10-30T13:00:00.000Z',
        end: '2026-10-30T21:30:00.000Z',
        punchedStart: null,
        punchedEnd: null,
        breakSeconds: 1800,
        durationSeconds: 8 * 3600,
        status: 'closed',
        source: 'manual',
        locationId,
        departmentCodeId: null,
        costCodeId: null,
        positionId,
        notes: 'From the paper sheet.',
        createdAt: now,
        updatedAt: now,
      },
    );
    const fetched = await call<TimeEntry>(t, 'GET', `/v1/time-entries/${res.body.id}`, {
      key: account.key,
    });
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, res.body);
    // A closed manual entry does not put anyone on the clock.
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
  });

  test('bad input → 400/404 naming the parameter; nothing is stored', async () => {
    const employeeId = await createEmployee(t, account);
    const other = await createTestAccount(t);
    const theirEmployee = await createEmployee(t, other);
    const span = { start: '2026-10-30T13:00:00Z', end: '2026-10-30T14:00:00Z' };
    const future = new Date(t.clock.now().getTime() + 2 * 60_000).toISOString();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ employeeId, start: span.start, end: span.start }, 400, 'end'],
      [{ employeeId, start: span.end, end: span.start }, 400, 'end'],
      [{ employeeId, ...span, breakSeconds: 3601 }, 400, 'breakSeconds'],
      [{ employeeId, ...span, breakSeconds: -1 }, 400, 'breakSeconds'],
      [{ employeeId, start: 'monday', end: span.end }, 400, 'start'],
      [{ employeeId, start: future }, 400, 'start'],
      [{ employeeId, ...span, status: 'open' }, 400, 'status'],
      [{ start: span.start }, 400, 'employeeId'],
      [{ employeeId: theirEmployee, ...span }, 404, 'employeeId'],
      [{ employeeId, ...span, locationId: 'loc_01JD2X6Y3Z4A5B6C7D8E9F0G1H' }, 404, 'locationId'],
      [{ employeeId, ...span, positionId: 'pos_01JD2X6Y3Z4A5B6C7D8E9F0G1H' }, 404, 'positionId'],
      [{ employeeId, ...span, costCodeId: 'cst_01JD2X6Y3Z4A5B6C7D8E9F0G1H' }, 404, 'costCodeId'],
      [{ employeeId, ...span, departmentCodeId: 'dep_01JD2X6Y3Z4A5B6C7D8E9F0G1H' }, 404, 'departmentCodeId'],
    ];
    for (const [body, status, param] of cases) {
      const code = status === 404 ? 'resource_not_found' : 'parameter_invalid';
      assertApiError(await create(body), status, code, { param });
    }
    assert.deepEqual(await entriesOf(t, account, employeeId), []);
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
    const exact = await createOk({ employeeId, ...span, breakSeconds: 3600 });
    assert.equal(exact.durationSeconds, 0);
  });

  test('entries of one employee never overlap; touching is fine; other employees are independent', async () => {
    const employeeId = await createEmployee(t, account);
    const colleague = await createEmployee(t, account);
    const day = await createOk({ employeeId, start: '2026-10-29T13:00:00Z', end: '2026-10-29T21:00:00Z' });
    for (const [start, end] of [
      ['2026-10-29T20:00:00Z', '2026-10-29T22:00:00Z'],
      ['2026-10-29T12:00:00Z', '2026-10-29T13:00:01Z'],
      ['2026-10-29T14:00:00Z', '2026-10-29T15:00:00Z'],
      ['2026-10-29T12:00:00Z', '2026-10-29T22:00:00Z'],
    ]) {
      assertApiError(await create({ employeeId, start, end }), 409, 'time_entry_overlap', {
        messageIncludes: day.id,
      });
    }
    // An open entry runs to +∞: opening one before an existing entry's end overlaps it.
    assertApiError(await create({ employeeId, start: '2026-10-29T20:00:00Z' }), 409, 'time_entry_overlap');
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
    await createOk({ employeeId, start: '2026-10-29T21:00:00Z', end: '2026-10-29T22:00:00Z' });
    await createOk({ employeeId, start: '2026-10-29T12:00:00Z', end: '2026-10-29T13:00:00Z' });
    await createOk({ employeeId: colleague, start: '2026-10-29T13:00:00Z', end: '2026-10-29T21:00:00Z' });

    const later = await createOk({
      employeeId,
      start: '2026-10-30T13:00:00Z',
      end: '2026-10-30T15:00:00Z',
    });
    assertApiError(await patch(later.id, { start: '2026-10-29T21:30:00Z' }), 409, 'time_entry_overlap');
    assertApiError(await patch(day.id, { end: '2026-10-30T14:00:00Z' }), 409, 'time_entry_overlap');
    // Moving within its own old extent overlaps nothing.
    const moved = await patch(later.id, { start: '2026-10-30T12:00:00Z', end: '2026-10-30T14:00:00Z' });
    assert.equal(moved.status, 200, moved.raw);
    assert.equal(moved.body.durationSeconds, 2 * 3600);
  });

  test('an open entry puts the employee on the clock; a punch or a PATCH with end closes it', async () => {
    const employeeId = await createEmployee(t, account);
    const start = new Date(t.clock.now().getTime() - 2 * HOUR).toISOString();
    const open = await createOk({ employeeId, start });
    assert.deepEqual([open.status, open.end, open.durationSeconds], ['open', null, null]);
    assert.equal(await clockStatusOf(t, account, employeeId), 'in');
    assertApiError(await punch({ employeeId, type: 'in' }), 409, 'already_clocked_in');
    assertApiError(await create({ employeeId, start: '2026-10-01T09:00:00Z' }), 409, 'already_clocked_in', {
      messageIncludes: employeeId,
    });
    const ahead = new Date(t.clock.now().getTime() + 2 * 60_000).toISOString();
    assertApiError(await patch(open.id, { start: ahead }), 400, 'parameter_invalid', { param: 'start' });
    // No punch precedes a manual entry, so the entry's own start bounds the clock-out.
    const early = new Date(Date.parse(start) - 60_000).toISOString();
    assertApiError(await punch({ employeeId, type: 'out', at: early }), 400, 'parameter_invalid', {
      param: 'at',
      messageIncludes: open.id,
    });
    const out = await punch({ employeeId, type: 'out' });
    assert.equal(out.status, 201, out.raw);
    assert.equal(out.body.timeEntryId, open.id);
    const closed = await call<TimeEntry>(t, 'GET', `/v1/time-entries/${open.id}`, { key: account.key });
    assert.deepEqual([closed.body.status, closed.body.durationSeconds], ['closed', 2 * 3600]);

    // A PATCH that sets `end` closes a punched entry and takes the employee off the clock (even on a break).
    t.clock.advance(HOUR);
    const clockIn = await punch({ employeeId, type: 'in' });
    assert.equal(clockIn.status, 201, clockIn.raw);
    t.clock.advance(HOUR);
    assert.equal((await punch({ employeeId, type: 'break_start' })).status, 201);
    const end = t.clock.now().toISOString();
    const patched = await patch(String(clockIn.body.timeEntryId), { end, breakSeconds: 600 });
    assert.equal(patched.status, 200, patched.raw);
    assert.deepEqual(
      [patched.body.status, patched.body.end, patched.body.durationSeconds],
      ['closed', end, 3600 - 600],
    );
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
    assertApiError(await punch({ employeeId, type: 'break_end' }), 409, 'not_on_break');
    // A closed entry cannot be reopened.
    assertApiError(await patch(patched.body.id, { end: null }), 400, 'parameter_invalid', { param: 'end' });
    t.clock.advance(60_000);
    assert.equal((await punch({ employeeId, type: 'in' })).status, 201);
  });

  test('an inactive employee cannot be put on the clock by an open entry, but past time can be recorded', async () => {
    const employeeId = await createEmployee(t, account, false);
    const start = new Date(t.clock.now().getTime() - HOUR).toISOString();
    assertApiError(await create({ employeeId, start }), 409, 'employee_inactive');
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
    await createOk({ employeeId, start, end: t.clock.now().toISOString() });
  });

  test('PATCH changes only what is sent, clears codes with null, and moves updatedAt', async () => {
    const employeeId = await createEmployee(t, account);
    const costCodeId = await insertCode(t, account, 'cost_codes');
    const entry = await createOk({
      employeeId,
      start: '2026-10-28T13:00:00Z',
      end: '2026-10-28T21:00:00Z',
      costCodeId,
      notes: 'first',
    });
    t.clock.advance(60_000);
    const departmentCodeId = await insertCode(t, account, 'department_codes');
    const res = await patch(entry.id, {
      breakSeconds: 2700,
      costCodeId: null,
      departmentCodeId,
      notes: null,
    });
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(res.body, {
      ...entry,
      breakSeconds: 2700,
      durationSeconds: 8 * 3600 - 2700,
      costCodeId: null,
      departmentCodeId,
      notes: null,
      updatedAt: t.clock.now().toISOString(),
    });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ end: '2026-10-28T13:00:00Z' }, 400, 'end'],
      [{ start: '2026-10-28T21:00:00Z' }, 400, 'start'],
      [{ breakSeconds: 8 * 3600 + 1 }, 400, 'breakSeconds'],
      [{ start: '2026-10-28T20:30:00Z' }, 400, 'breakSeconds'],
      [{ positionId: 'pos_01JD2X6Y3Z4A5B6C7D8E9F0G1H' }, 404, 'positionId'],
      [{ employeeId }, 400, 'employeeId'],
      [{}, 400, ''],
    ];
    for (const [body, status, param] of cases) {
      const code = status === 404 ? 'resource_not_found' : 'parameter_invalid';
      assertApiError(await patch(entry.id, body), status, code, param ? { param } : {});
    }
    const unchanged = await call<TimeEntry>(t, 'GET', `/v1/time-entries/${entry.id}`, { key: account.key });
    assert.deepEqual(unchanged.body, res.body);
  });

  test('DELETE removes the entry; deleting an open one takes the employee off the clock', async () => {
    const employeeId = await createEmployee(t, account);
    const closed = await createOk({
      employeeId,
      start: '2026-10-27T13:00:00Z',
      end: '2026-10-27T14:00:00Z',
    });
    const res = await call(t, 'DELETE', `/v1/time-entries/${closed.id}`, { key: account.key });
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(res.body, { id: closed.id, object: 'time_entry', deleted: true });
    for (const method of ['GET', 'DELETE', 'PATCH'] as const) {
      const again = await call(t, method, `/v1/time-entries/${closed.id}`, {
        key: account.key,
        ...(method === 'PATCH' ? { body: { notes: 'x' } } : {}),
      });
      assertApiError(again, 404, 'resource_not_found', {
        param: 'id',
        messageIncludes: `Time entry ${closed.id} not found.`,
      });
    }

    const clockIn = await punch({ employeeId, type: 'in' });
    assert.equal(clockIn.status, 201, clockIn.raw);
    const gone = await call(t, 'DELETE', `/v1/time-entries/${clockIn.body.timeEntryId}`, {
      key: account.key,
    });
    assert.equal(gone.status, 200, gone.raw);
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
    assertApiError(await punch({ employeeId, type: 'out' }), 409, 'not_clocked_in');
    // The punch that made the entry stays on record.
    const kept = await call<Punch>(t, 'GET', `/v1/punches/${clockIn.body.id}`, { key: account.key });
    assert.equal(kept.status, 200);
  });

  test('time inside a locked pay period cannot be created, moved, changed or deleted', async () => {
    const other = await createTestAccount(t);
    const employeeId = await createEmployee(t, other);
    const as = (method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: Record<string, unknown>) =>
      call<TimeEntry>(t, method, `/v1/time-entries${path}`, { key: other.key, ...(body ? { body } : {}) });
    const inside = await as('POST', '', {
      employeeId,
      start: '2026-10-20T13:00:00Z',
      end: '2026-10-20T21:00:00Z',
    });
    const outside = await as('POST', '', {
      employeeId,
      start: '2026-10-27T13:00:00Z',
      end: '2026-10-27T21:00:00Z',
    });
    assert.equal(inside.status, 201, inside.raw);
    assert.equal(outside.status, 201, outside.raw);
    // Local dates in America/New_York, the test account's zone.
    await lockPayPeriod(t, other, '2026-10-19', '2026-10-25');

    for (const [method, path, body] of [
      ['POST', '', { employeeId, start: '2026-10-21T13:00:00Z', end: '2026-10-21T21:00:00Z' }],
      // 23:30 New York time on the 25th is already the 26th in UTC: the local date decides.
      ['POST', '', { employeeId, start: '2026-10-26T03:00:00Z', end: '2026-10-26T03:30:00Z' }],
      ['POST', '', { employeeId, start: '2026-10-25T20:00:00Z', end: '2026-10-26T06:00:00Z' }],
      ['PATCH', `/${inside.body.id}`, { notes: 'late correction' }],
      ['PATCH', `/${outside.body.id}`, { start: '2026-10-25T13:00:00Z' }],
      ['DELETE', `/${inside.body.id}`, undefined],
    ] as const) {
      assertApiError(await as(method, path, body), 409, 'pay_period_locked', {
        messageIncludes: '2026-10-19',
      });
    }
    const still = await call<TimeEntry>(t, 'GET', `/v1/time-entries/${inside.body.id}`, { key: other.key });
    assert.deepEqual(still.body, inside.body);
    // Just after the period (04:00Z on the 26th is midnight in New York) is open.
    const next = await as('POST', '', {
      employeeId,
      start: '2026-10-26T04:00:00Z',
      end: '2026-10-26T05:00:00Z',
    });
    assert.equal(next.status, 201, next.raw);
  });

  test("another account's entry → 404 for read, update and delete; it is untouched", async () => {
    const other = await createTestAccount(t);
    const theirEmployee = await createEmployee(t, other);
    const theirs = await create(
      { employeeId: theirEmployee, start: '2026-10-20T13:00:00Z', end: '2026-10-20T14:00:00Z' },
      other.key,
    );
    assert.equal(theirs.status, 201, theirs.raw);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await call(t, method, `/v1/time-entries/${theirs.body.id}`, {
        key: account.key,
        ...(method === 'PATCH' ? { body: { notes: 'mine now' } } : {}),
      });
      assertApiError(res, 404, 'resource_not_found', { param: 'id' });
    }
    const still = await call<TimeEntry>(t, 'GET', `/v1/time-entries/${theirs.body.id}`, { key: other.key });
    assert.deepEqual(still.body, theirs.body);
  });
});

describeEachDialect('time entry filters', ({ t, account }) => {
  const ids: Record<string, string> = {};
  let alice: string;
  let bob: string;
  let siteA: string;

  before(async () => {
    alice = await createEmployee(t, account);
    bob = await createEmployee(t, account);
    siteA = await insertLocation(t, account);
    const script: [string, Record<string, unknown>][] = [
      [
        'aliceMon',
        {
          employeeId: alice,
          start: '2026-10-26T13:00:00Z',
          end: '2026-10-26T21:00:00Z',
          locationId: siteA,
        },
      ],
      ['bobMon', { employeeId: bob, start: '2026-10-26T20:00:00Z', end: '2026-10-27T04:00:00Z' }],
      ['aliceTue', { employeeId: alice, start: '2026-10-27T13:00:00Z', end: '2026-10-27T21:00:00Z' }],
      ['bobOpen', { employeeId: bob, start: '2026-11-01T09:00:00Z' }],
    ];
    for (const [name, body] of script) {
      t.clock.advance(60_000);
      const res = await call<TimeEntry>(t, 'POST', '/v1/time-entries', { key: account.key, body });
      assert.equal(res.status, 201, res.raw);
      ids[name] = res.body.id;
    }
  });

  const names = async (query: string) => {
    const res = await call<List<TimeEntry>>(t, 'GET', `/v1/time-entries?${query}`, { key: account.key });
    assert.equal(res.status, 200, res.raw);
    return res.body.data.map((e) => Object.keys(ids).find((name) => ids[name] === e.id));
  };

  test('employeeId, locationId and status', async () => {
    assert.deepEqual(await names(`employeeId=${alice}`), ['aliceTue', 'aliceMon']);
    assert.deepEqual(await names(`employeeId=${bob}&status=open`), ['bobOpen']);
    assert.deepEqual(await names('status=closed'), ['aliceTue', 'bobMon', 'aliceMon']);
    assert.deepEqual(await names(`locationId=${siteA}`), ['aliceMon']);
  });

  test('from / to select entries that share time with the range; open entries run on', async () => {
    // Monday 26 October, UTC: Bob's evening shift runs past midnight into the range's end.
    assert.deepEqual(await names('from=2026-10-26T00:00:00Z&to=2026-10-27T00:00:00Z'), [
      'bobMon',
      'aliceMon',
    ]);
    assert.deepEqual(await names('from=2026-10-27T00:00:00Z&to=2026-10-28T00:00:00Z'), [
      'aliceTue',
      'bobMon',
    ]);
    // Touching the range's edges is not sharing time with it.
    assert.deepEqual(await names('from=2026-10-27T04:00:00Z&to=2026-10-27T13:00:00Z'), []);
    assert.deepEqual(await names('from=2026-12-01T00:00:00Z'), ['bobOpen']);
    assert.deepEqual(await names('to=2026-10-26T20:00:01Z'), ['bobMon', 'aliceMon']);
  });

  test('bad filters → 400 naming the parameter', async () => {
    for (const [query, param] of [
      ['from=soon', 'from'],
      ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'to'],
      ['status=pending', 'status'],
      ['locationId=here', 'locationId'],
    ] as const) {
      assertApiError(
        await call(t, 'GET', `/v1/time-entries?${query}`, { key: account.key }),
        400,
        'parameter_invalid',
        {
          param,
        },
      );
    }
  });
});

for (const dialect of DIALECTS) {
  describeListContract(dialect, {
    path: '/v1/time-entries',
    create: async (t, account, index) => {
      const employeeId = await createEmployee(t, account);
      const start = new Date(Date.parse('2026-10-01T13:00:00Z') + index * 24 * HOUR).toISOString();
      const res = await call<TimeEntry>(t, 'POST', '/v1/time-entries', {
        key: account.key,
        body: { employeeId, start, end: new Date(Date.parse(start) + HOUR).toISOString() },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'PATCH', `/v1/time-entries/${id}`, {
        key: account.key,
        body: { notes: 'touched' },
      });
      assert.equal(res.status, 200, res.raw);
    },
  });
}
