import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { EMPLOYEES } from '../../../src/resources/employees/resource.js';
import { LOCATIONS } from '../../../src/resources/locations/resource.js';
import { POSITIONS } from '../../../src/resources/positions/resource.js';
import { newId } from '../../../src/shared/ids.js';
import {
  call,
  createTestAccount,
  type ErrorBody,
  type TestAccount,
  type TestApp,
} from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { describeListContract } from '../../helpers/list-suite.js';

interface Shift {
  id: string;
  object: string;
  employeeId: string | null;
  locationId: string | null;
  positionId: string | null;
  start: string;
  end: string;
  breakMinutes: number;
  published: boolean;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}
interface List<T> {
  object: string;
  data: T[];
  hasMore: boolean;
  url: string;
  totalCount?: number;
}

/** The objects a shift may name, made in the account straight in the database: shifts only read them. */
async function workplace(
  t: TestApp,
  account: TestAccount,
): Promise<{ employeeId: string; locationId: string; positionId: string }> {
  const now = t.clock.now().toISOString();
  const accountId = account.account.id;
  const stamps = { account_id: accountId, created_at: now, updated_at: now };
  const employee = await call<{ id: string }>(t, 'POST', '/v1/employees', {
    key: account.key,
    body: { firstName: 'Shift', lastName: 'Worker' },
  });
  const locationId = newId(LOCATIONS);
  await t.db.db
    .insertInto('locations')
    .values({
      id: locationId,
      name: 'Main Street',
      address: null,
      timezone: 'America/New_York',
      latitude: null,
      longitude: null,
      capacity: null,
      geofence_mode: 'off',
      ...stamps,
    })
    .execute();
  const positionId = newId(POSITIONS);
  await t.db.db
    .insertInto('positions')
    .values({
      id: positionId,
      code: `CASH-${positionId}`,
      name: 'Cashier',
      description: null,
      active: 1,
      ...stamps,
    })
    .execute();
  return { employeeId: employee.body.id, locationId, positionId };
}

const MONDAY = { start: '2026-11-02T14:00:00.000Z', end: '2026-11-02T22:00:00.000Z' };

describeEachDialect('shifts', ({ t, account }) => {
  let other: TestAccount;
  let mine: Awaited<ReturnType<typeof workplace>>;
  let theirs: Awaited<ReturnType<typeof workplace>>;

  before(async () => {
    other = await createTestAccount(t);
    mine = await workplace(t, account);
    theirs = await workplace(t, other);
  });

  const create = (body: Record<string, unknown>, key = account.key) =>
    call<Shift>(t, 'POST', '/v1/shifts', { key, body });
  const count = async () => {
    const res = await call<List<Shift>>(t, 'GET', '/v1/shifts?include=totalCount', { key: account.key });
    return res.body.totalCount;
  };

  test('an open draft shift by default, instants returned in UTC', async () => {
    const res = await create({ start: '2026-11-02T09:00:00-05:00', end: '2026-11-02T17:30:00-05:00' });
    assert.equal(res.status, 201, res.raw);
    assert.match(res.body.id, /^shf_[0-9A-Z]{26}$/);
    assert.deepEqual(
      { ...res.body, id: undefined },
      {
        id: undefined,
        object: 'shift',
        employeeId: null,
        locationId: null,
        positionId: null,
        start: '2026-11-02T14:00:00.000Z',
        end: '2026-11-02T22:30:00.000Z',
        breakMinutes: 0,
        published: false,
        notes: null,
        createdAt: '2026-11-01T12:00:00.000Z',
        updatedAt: '2026-11-01T12:00:00.000Z',
      },
    );
    const fetched = await call<Shift>(t, 'GET', `/v1/shifts/${res.body.id}`, { key: account.key });
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, res.body);
  });

  test('an assigned shift names the employee, location and position of the account', async () => {
    const res = await create({ ...mine, ...MONDAY, breakMinutes: 30, published: true, notes: 'Till 2' });
    assert.equal(res.status, 201, res.raw);
    assert.equal(res.body.employeeId, mine.employeeId);
    assert.equal(res.body.locationId, mine.locationId);
    assert.equal(res.body.positionId, mine.positionId);
    assert.equal(res.body.breakMinutes, 30);
    assert.equal(res.body.published, true);
    assert.equal(res.body.notes, 'Till 2');
    // A 24-hour shift with a break of one minute less is the longest allowed.
    const longest = await create({
      start: '2026-11-03T00:00:00Z',
      end: '2026-11-04T00:00:00Z',
      breakMinutes: 24 * 60 - 1,
    });
    assert.equal(longest.status, 201, longest.raw);
  });

  test('bad times and bad input are refused with the parameter named, and nothing is stored', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ end: MONDAY.end }, 'start'],
      [{ start: MONDAY.start }, 'end'],
      [{ start: '2026-11-02 14:00', end: MONDAY.end }, 'start'],
      [{ start: MONDAY.start, end: MONDAY.start }, 'end'],
      [{ start: MONDAY.end, end: MONDAY.start }, 'end'],
      [{ start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:01Z' }, 'end'],
      [{ ...MONDAY, breakMinutes: 8 * 60 }, 'breakMinutes'],
      [{ ...MONDAY, breakMinutes: -1 }, 'breakMinutes'],
      [{ ...MONDAY, breakMinutes: 1.5 }, 'breakMinutes'],
      [{ ...MONDAY, breakMinutes: '30' }, 'breakMinutes'],
      [{ ...MONDAY, published: 'yes' }, 'published'],
      [{ ...MONDAY, employeeId: 'emp_nope' }, 'employeeId'],
      [{ ...MONDAY, locationId: mine.positionId }, 'locationId'],
      [{ ...MONDAY, notes: '' }, 'notes'],
      [{ ...MONDAY, colour: 'blue' }, 'colour'],
    ];
    const before = await count();
    for (const [body, param] of cases) {
      const res = await create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const { error } = res.body as unknown as ErrorBody;
      assert.equal(error.code, 'parameter_invalid', JSON.stringify(body));
      assert.equal(error.param, param, JSON.stringify(body));
    }
    assert.equal(await count(), before);
  });

  test("unknown or another account's employee, location or position → 404 naming the parameter", async () => {
    const before = await count();
    const cases: [Record<string, string>, string, string][] = [
      [{ employeeId: theirs.employeeId }, 'employeeId', 'Employee'],
      [{ employeeId: newId(EMPLOYEES) }, 'employeeId', 'Employee'],
      [{ locationId: theirs.locationId }, 'locationId', 'Location'],
      [{ positionId: theirs.positionId }, 'positionId', 'Position'],
      [{ ...mine, positionId: newId(POSITIONS) }, 'positionId', 'Position'],
    ];
    for (const [refs, param, noun] of cases) {
      const res = await create({ ...MONDAY, ...refs });
      assert.equal(res.status, 404, JSON.stringify(refs));
      const { error } = res.body as unknown as ErrorBody;
      assert.equal(error.code, 'resource_not_found');
      assert.equal(error.param, param);
      assert.equal(error.message, `${noun} ${refs[param]} not found.`);
    }
    assert.equal(await count(), before);
  });

  test('update changes only the fields sent, null reopens the shift, and updatedAt moves', async () => {
    const { body: shift } = await create({ ...mine, ...MONDAY, notes: 'Bring keys' });
    t.clock.advance(60_000);
    const res = await call<Shift>(t, 'PATCH', `/v1/shifts/${shift.id}`, {
      key: account.key,
      body: { employeeId: null, notes: null, published: true, end: '2026-11-02T18:00:00-05:00' },
    });
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(res.body, {
      ...shift,
      employeeId: null,
      notes: null,
      published: true,
      end: '2026-11-02T23:00:00.000Z',
      updatedAt: new Date(Date.parse(shift.updatedAt) + 60_000).toISOString(),
    });
    const fetched = await call<Shift>(t, 'GET', `/v1/shifts/${shift.id}`, { key: account.key });
    assert.deepEqual(fetched.body, res.body);
    const reassigned = await call<Shift>(t, 'PATCH', `/v1/shifts/${shift.id}`, {
      key: account.key,
      body: { employeeId: mine.employeeId },
    });
    assert.equal(reassigned.body.employeeId, mine.employeeId);
  });

  test('an update is checked against the shift it produces; a refused one changes nothing', async () => {
    const { body: shift } = await create({ ...mine, ...MONDAY, breakMinutes: 30 });
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ start: MONDAY.end }, 400, 'parameter_invalid', 'start'],
      [{ start: '2026-11-01T13:00:00Z' }, 400, 'parameter_invalid', 'start'],
      [{ end: '2026-11-02T14:30:00Z' }, 400, 'parameter_invalid', 'breakMinutes'],
      [
        { end: '2026-11-02T12:20:00Z', start: '2026-11-02T12:00:00Z' },
        400,
        'parameter_invalid',
        'breakMinutes',
      ],
      [{ end: '2026-11-02T12:00:00Z', start: '2026-11-02T13:00:00Z' }, 400, 'parameter_invalid', 'end'],
      [{ breakMinutes: 480 }, 400, 'parameter_invalid', 'breakMinutes'],
      [{ start: null }, 400, 'parameter_invalid', 'start'],
      [{}, 400, 'parameter_invalid', ''],
      [{ locationId: theirs.locationId }, 404, 'resource_not_found', 'locationId'],
      [{ employeeId: theirs.employeeId, published: true }, 404, 'resource_not_found', 'employeeId'],
    ];
    for (const [body, status, code, param] of cases) {
      const res = await call<ErrorBody>(t, 'PATCH', `/v1/shifts/${shift.id}`, { key: account.key, body });
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.error.code, code, JSON.stringify(body));
      if (param) assert.equal(res.body.error.param, param, JSON.stringify(body));
    }
    const unchanged = await call<Shift>(t, 'GET', `/v1/shifts/${shift.id}`, { key: account.key });
    assert.deepEqual(unchanged.body, shift);
  });

  test('delete removes the shift; then read, update and delete are 404', async () => {
    const { body: shift } = await create(MONDAY);
    const res = await call(t, 'DELETE', `/v1/shifts/${shift.id}`, { key: account.key });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { id: shift.id, object: 'shift', deleted: true });
    for (const method of ['GET', 'DELETE', 'PATCH'] as const) {
      const again = await call<ErrorBody>(t, method, `/v1/shifts/${shift.id}`, {
        key: account.key,
        ...(method === 'PATCH' ? { body: { published: true } } : {}),
      });
      assert.equal(again.status, 404, method);
      assert.equal(again.body.error.code, 'resource_not_found');
      assert.equal(again.body.error.param, 'id');
      assert.equal(again.body.error.message, `Shift ${shift.id} not found.`);
    }
  });

  test("another account's shift is a 404 and stays untouched", async () => {
    const { body: shift } = await create(MONDAY, other.key);
    for (const method of ['GET', 'DELETE', 'PATCH'] as const) {
      const res = await call<ErrorBody>(t, method, `/v1/shifts/${shift.id}`, {
        key: account.key,
        ...(method === 'PATCH' ? { body: { published: true } } : {}),
      });
      assert.equal(res.status, 404, method);
      assert.equal(res.body.error.code, 'resource_not_found');
    }
    const still = await call<Shift>(t, 'GET', `/v1/shifts/${shift.id}`, { key: other.key });
    assert.deepEqual(still.body, shift);
    const badId = await call<ErrorBody>(t, 'GET', '/v1/shifts/not-an-id', { key: account.key });
    assert.equal(badId.status, 400);
    assert.equal(badId.body.error.param, 'id');
  });
});

describeEachDialect('shift filters', ({ t, account }) => {
  let refs: Awaited<ReturnType<typeof workplace>>;
  const ids: Record<string, string> = {};

  before(async () => {
    refs = await workplace(t, account);
    const shifts: [string, Record<string, unknown>][] = [
      ['early', { start: '2026-11-02T06:00:00Z', end: '2026-11-02T14:00:00Z', ...refs, published: true }],
      ['late', { start: '2026-11-02T14:00:00Z', end: '2026-11-02T22:00:00Z', locationId: refs.locationId }],
      ['night', { start: '2026-11-02T22:00:00Z', end: '2026-11-03T06:00:00Z', published: true }],
      [
        'nextWeek',
        { start: '2026-11-09T14:00:00Z', end: '2026-11-09T22:00:00Z', employeeId: refs.employeeId },
      ],
    ];
    for (const [name, body] of shifts) {
      t.clock.advance(1000);
      const res = await call<Shift>(t, 'POST', '/v1/shifts', { key: account.key, body });
      assert.equal(res.status, 201, res.raw);
      ids[res.body.id] = name;
    }
    const other = await createTestAccount(t);
    await call(t, 'POST', '/v1/shifts', { key: other.key, body: MONDAY });
  });

  const names = async (query: string) => {
    const res = await call<List<Shift>>(t, 'GET', `/v1/shifts?${query}`, { key: account.key });
    assert.equal(res.status, 200, res.raw);
    return res.body.data.map((shift) => ids[shift.id]);
  };

  test('from and to return the shifts that intersect the range, ends exclusive', async () => {
    assert.deepEqual(await names('from=2026-11-02T14:00:00Z&to=2026-11-02T22:00:00Z'), ['late']);
    assert.deepEqual(await names('from=2026-11-02T13:59:59Z&to=2026-11-02T22:00:01Z'), [
      'night',
      'late',
      'early',
    ]);
    assert.deepEqual(await names('from=2026-11-03T05:00:00%2B01:00'), ['nextWeek', 'night']);
    assert.deepEqual(await names('to=2026-11-02T06:00:00Z'), []);
    assert.deepEqual(await names('to=2026-11-02T06:00:00.001Z'), ['early']);
    // A point in time: the shifts running at that instant.
    assert.deepEqual(await names('from=2026-11-02T23:00:00Z&to=2026-11-02T23:00:00Z'), ['night']);
  });

  test('employeeId, open, locationId and published, alone and combined', async () => {
    assert.deepEqual(await names(`employeeId=${refs.employeeId}`), ['nextWeek', 'early']);
    assert.deepEqual(await names('open=true'), ['night', 'late']);
    assert.deepEqual(await names('open=false'), ['nextWeek', 'early']);
    assert.deepEqual(await names(`locationId=${refs.locationId}`), ['late', 'early']);
    assert.deepEqual(await names('published=true'), ['night', 'early']);
    assert.deepEqual(await names('published=false'), ['nextWeek', 'late']);
    assert.deepEqual(await names(`published=false&locationId=${refs.locationId}&to=2026-11-03T00:00:00Z`), [
      'late',
    ]);
    // An employee the account does not have is a 404, not an empty list (test/resources/list-filter-ids.test.ts).
    const unknown = await call<ErrorBody>(t, 'GET', `/v1/shifts?employeeId=${newId(EMPLOYEES)}`, {
      key: account.key,
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.param, 'employeeId');
  });

  test('bad filters are refused with the parameter named', async () => {
    for (const [query, param] of [
      ['from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z', 'to'],
      ['from=monday', 'from'],
      ['to=2026-11-02', 'to'],
      ['employeeId=loc_01JD2X6Y3Z4A5B6C7D8E9F0G1H', 'employeeId'],
      ['published=maybe', 'published'],
      ['open=perhaps', 'open'],
      ['colour=blue', 'colour'],
    ] as const) {
      const res = await call<ErrorBody>(t, 'GET', `/v1/shifts?${query}`, { key: account.key });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'parameter_invalid', query);
      assert.equal(res.body.error.param, param, query);
    }
  });
});

for (const dialect of DIALECTS) {
  describeListContract(dialect, {
    path: '/v1/shifts',
    create: async (t, account, index) => {
      const start = Date.parse('2026-11-02T08:00:00Z') + index * 86_400_000;
      const res = await call<Shift>(t, 'POST', '/v1/shifts', {
        key: account.key,
        body: { start: new Date(start).toISOString(), end: new Date(start + 8 * 3_600_000).toISOString() },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'PATCH', `/v1/shifts/${id}`, { key: account.key, body: { published: true } });
      assert.equal(res.status, 200, res.raw);
    },
  });
}
