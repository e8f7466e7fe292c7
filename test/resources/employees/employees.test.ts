import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  call,
  createTestAccount,
  createTestKey,
  type ErrorBody,
  type TestAccount,
} from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { describeListContract } from '../../helpers/list-suite.js';
import { assertApiError } from '../../helpers/security-suite.js';
import {
  insertPunch,
  insertShift,
  insertTimeEntry,
  insertTimeOffRequest,
} from '../code-catalogues/referencing-rows.js';

interface Employee {
  id: string;
  object: string;
  firstName: string;
  lastName: string;
  email: string | null;
  employeeRef: string | null;
  phone: string | null;
  active: boolean;
  role: string;
  payRate: number | null;
  timezone: string | null;
  locationIds: string[];
  departmentCodeId: string | null;
  positionId: string | null;
  groupIds: string[];
  clockStatus: string;
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

describeEachDialect('employees', ({ t, account }) => {
  const create = (body: Record<string, unknown>, key = account.key) =>
    call<Employee>(t, 'POST', '/v1/employees', { key, body });

  test('create returns the full object with defaults', async () => {
    const res = await create({
      firstName: ' Grace ',
      lastName: 'Hopper',
      email: 'grace@example.com',
      payRate: 31.255,
    });
    assert.equal(res.status, 201);
    assert.match(res.body.id, /^emp_[0-9A-Z]{26}$/);
    assert.deepEqual(
      { ...res.body, id: undefined },
      {
        id: undefined,
        object: 'employee',
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace@example.com',
        employeeRef: null,
        phone: null,
        active: true,
        role: 'employee',
        payRate: 31.26,
        timezone: null,
        locationIds: [],
        departmentCodeId: null,
        positionId: null,
        groupIds: [],
        clockStatus: 'out',
        createdAt: '2026-11-01T12:00:00.000Z',
        updatedAt: '2026-11-01T12:00:00.000Z',
      },
    );
    const fetched = await call<Employee>(t, 'GET', `/v1/employees/${res.body.id}`, { key: account.key });
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, res.body);
  });

  test('update changes only the fields sent, clears with null and moves updatedAt', async () => {
    const { body: emp } = await create({
      firstName: 'Alan',
      lastName: 'Turing',
      phone: '+44 1234',
      timezone: 'Europe/London',
    });
    t.clock.advance(60_000);
    const res = await call<Employee>(t, 'PATCH', `/v1/employees/${emp.id}`, {
      key: account.key,
      body: { phone: null, active: false, role: 'manager' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.phone, null);
    assert.equal(res.body.active, false);
    assert.equal(res.body.role, 'manager');
    assert.equal(res.body.firstName, 'Alan');
    assert.equal(res.body.timezone, 'Europe/London');
    assert.equal(res.body.createdAt, emp.createdAt);
    assert.equal(res.body.updatedAt, new Date(Date.parse(emp.updatedAt) + 60_000).toISOString());
  });

  test('bodies are taken as sent: null clears, and wrong JSON types are refused rather than coerced', async () => {
    const { body: emp } = await create({
      firstName: 'Null',
      lastName: 'Check',
      payRate: 12.5,
      email: 'n@example.com',
    });
    const cleared = await call<Employee>(t, 'PATCH', `/v1/employees/${emp.id}`, {
      key: account.key,
      body: { payRate: null, email: null },
    });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.payRate, null);
    assert.equal(cleared.body.email, null);
    for (const body of [{ firstName: 123 }, { active: 'false' }, { payRate: '12' }, { role: ['employee'] }]) {
      const res = await call<ErrorBody>(t, 'PATCH', `/v1/employees/${emp.id}`, { key: account.key, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.param, Object.keys(body)[0]);
    }
    const unchanged = await call<Employee>(t, 'GET', `/v1/employees/${emp.id}`, { key: account.key });
    assert.deepEqual(unchanged.body, cleared.body);
  });

  test('delete removes the employee; a second delete and a read are 404', async () => {
    const { body: emp } = await create({ firstName: 'Temp', lastName: 'Worker' });
    const res = await call(t, 'DELETE', `/v1/employees/${emp.id}`, { key: account.key });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { id: emp.id, object: 'employee', deleted: true });
    for (const method of ['GET', 'DELETE', 'PATCH'] as const) {
      const again = await call<ErrorBody>(t, method, `/v1/employees/${emp.id}`, {
        key: account.key,
        ...(method === 'PATCH' ? { body: { active: true } } : {}),
      });
      assert.equal(again.status, 404, method);
      assert.equal(again.body.error.code, 'resource_not_found');
      assert.equal(again.body.error.message, `Employee ${emp.id} not found.`);
    }
  });

  test('employeeRef is unique within the account, not across accounts', async () => {
    assert.equal((await create({ firstName: 'A', lastName: 'One', employeeRef: 'REF-1' })).status, 201);
    const dup = await call<ErrorBody>(t, 'POST', '/v1/employees', {
      key: account.key,
      body: { firstName: 'B', lastName: 'Two', employeeRef: 'REF-1' },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'employee_ref_taken');
    assert.equal(dup.body.error.param, 'employeeRef');
    const other = await createTestAccount(t);
    assert.equal(
      (await create({ firstName: 'C', lastName: 'Three', employeeRef: 'REF-1' }, other.key)).status,
      201,
    );

    const { body: second } = await create({ firstName: 'D', lastName: 'Four', employeeRef: 'REF-2' });
    const clash = await call<ErrorBody>(t, 'PATCH', `/v1/employees/${second.id}`, {
      key: account.key,
      body: { employeeRef: 'REF-1' },
    });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.code, 'employee_ref_taken');
    const unchanged = await call<Employee>(t, 'GET', `/v1/employees/${second.id}`, { key: account.key });
    assert.equal(unchanged.body.employeeRef, 'REF-2');
  });

  test('bad input is refused with the parameter named and nothing is stored', async () => {
    const cases: [Record<string, unknown>, number, string, string | undefined][] = [
      [{ lastName: 'X' }, 400, 'parameter_invalid', 'firstName'],
      [{ firstName: '', lastName: 'X' }, 400, 'parameter_invalid', 'firstName'],
      [{ firstName: 'X', lastName: 'Y', email: 'not-an-email' }, 400, 'parameter_invalid', 'email'],
      [{ firstName: 'X', lastName: 'Y', role: 'owner' }, 400, 'parameter_invalid', 'role'],
      [{ firstName: 'X', lastName: 'Y', payRate: -1 }, 400, 'parameter_invalid', 'payRate'],
      [{ firstName: 'X', lastName: 'Y', nickname: 'Z' }, 400, 'parameter_invalid', 'nickname'],
      [{ firstName: 'X', lastName: 'Y', timezone: 'Mars/Olympus' }, 400, 'invalid_timezone', 'timezone'],
    ];
    const before = await call<List<Employee>>(t, 'GET', '/v1/employees?include=totalCount', {
      key: account.key,
    });
    for (const [body, status, code, param] of cases) {
      const res = await call<ErrorBody>(t, 'POST', '/v1/employees', { key: account.key, body });
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.error.code, code, JSON.stringify(body));
      assert.equal(res.body.error.param, param, JSON.stringify(body));
    }
    const afterList = await call<List<Employee>>(t, 'GET', '/v1/employees?include=totalCount', {
      key: account.key,
    });
    assert.equal(afterList.body.totalCount, before.body.totalCount);

    const { body: emp } = await create({ firstName: 'Keep', lastName: 'Me' });
    const empty = await call<ErrorBody>(t, 'PATCH', `/v1/employees/${emp.id}`, {
      key: account.key,
      body: {},
    });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, 'parameter_invalid');
    const badTz = await call<ErrorBody>(t, 'PATCH', `/v1/employees/${emp.id}`, {
      key: account.key,
      body: { timezone: 'Nowhere/Land', firstName: 'Changed' },
    });
    assert.equal(badTz.body.error.code, 'invalid_timezone');
    const still = await call<Employee>(t, 'GET', `/v1/employees/${emp.id}`, { key: account.key });
    assert.equal(still.body.firstName, 'Keep');
    const badId = await call<ErrorBody>(t, 'GET', '/v1/employees/not-an-id', { key: account.key });
    assert.equal(badId.status, 400);
    assert.equal(badId.body.error.param, 'id');
  });
});

describeEachDialect('employee filters', ({ t, account }) => {
  const ids: Record<string, string> = {};

  before(async () => {
    const people = [
      { firstName: 'Maria', lastName: 'Lopez', email: 'maria@example.com', employeeRef: 'HR-1' },
      {
        firstName: 'Mario',
        lastName: 'Rossi',
        email: 'mrossi@example.com',
        employeeRef: 'HR-2',
        active: false,
      },
      { firstName: 'Jan', lastName: 'Novak', email: 'jan@example.com', employeeRef: '100%_A' },
      { firstName: 'Ann', lastName: 'Lee', email: null, employeeRef: null },
    ];
    for (const person of people) {
      t.clock.advance(1000);
      const res = await call<Employee>(t, 'POST', '/v1/employees', { key: account.key, body: person });
      ids[person.firstName] = res.body.id;
    }
    // Another account's employees must never show up.
    const other = await createTestAccount(t);
    await call(t, 'POST', '/v1/employees', {
      key: other.key,
      body: { firstName: 'Maria', lastName: 'Other' },
    });
  });

  const names = async (query: string) => {
    const res = await call<List<Employee>>(t, 'GET', `/v1/employees?${query}`, { key: account.key });
    assert.equal(res.status, 200, res.raw);
    return res.body.data.map((e) => e.firstName);
  };

  test('active', async () => {
    assert.deepEqual(await names('active=false'), ['Mario']);
    assert.deepEqual(await names('active=true'), ['Ann', 'Jan', 'Maria']);
  });

  test('search matches name, email and employeeRef, case-insensitively, with wildcards literal', async () => {
    assert.deepEqual(await names('search=MARI'), ['Mario', 'Maria']);
    assert.deepEqual(await names('search=maria%20lopez'), ['Maria']);
    assert.deepEqual(await names('search=mrossi%40'), ['Mario']);
    assert.deepEqual(await names('search=hr-'), ['Mario', 'Maria']);
    assert.deepEqual(await names('search=%25_'), ['Jan']);
    assert.deepEqual(await names('search=_'), ['Jan']);
    assert.deepEqual(await names('search=zzz'), []);
  });

  test('updatedSince returns objects changed at or after the time', async () => {
    t.clock.advance(60_000);
    const since = t.clock.now().toISOString();
    assert.deepEqual(await names(`updatedSince=${encodeURIComponent(since)}`), []);
    await call(t, 'PATCH', `/v1/employees/${ids.Jan}`, { key: account.key, body: { phone: '555' } });
    assert.deepEqual(await names(`updatedSince=${encodeURIComponent(since)}`), ['Jan']);
    assert.deepEqual(await names('active=true&search=jan'), ['Jan']);
    const bad = await call<ErrorBody>(t, 'GET', '/v1/employees?updatedSince=yesterday', {
      key: account.key,
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, 'updatedSince');
  });

  test('unknown filters are refused, not ignored', async () => {
    const res = await call<ErrorBody>(t, 'GET', '/v1/employees?colour=blue', { key: account.key });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'parameter_invalid');
    assert.equal(res.body.error.param, 'colour');
  });
});

describeEachDialect('employee links, clock status and deletion', ({ t, account }) => {
  let other: TestAccount;

  before(async () => {
    other = await createTestAccount(t);
  });

  let counter = 0;
  /** Creates an object of a resource in the account and returns its id. */
  const make = async (path: string, body: Record<string, unknown>, key = account.key) => {
    counter++;
    const res = await call<{ id: string }>(t, 'POST', path, { key, body });
    assert.equal(res.status, 201, res.raw);
    return res.body.id;
  };
  const location = (key = account.key) => make('/v1/locations', { name: `Site ${counter}` }, key);
  const code = (path: string, key = account.key) => make(path, { code: `C-${counter}`, name: 'Code' }, key);
  const employee = (body: Record<string, unknown> = {}, key = account.key) =>
    make('/v1/employees', { firstName: 'Link', lastName: 'Test', ...body }, key);
  const get = async (id: string) =>
    (await call<Employee>(t, 'GET', `/v1/employees/${id}`, { key: account.key })).body;

  test('locationIds, departmentCodeId, positionId and groupIds round-trip; arrays replace the set', async () => {
    const [l1, l2] = [await location(), await location()];
    const [g1, g2] = [await code('/v1/groups'), await code('/v1/groups')];
    const departmentCodeId = await code('/v1/department-codes');
    const positionId = await code('/v1/positions');
    const id = await employee({ locationIds: [l2, l1], groupIds: [g1], departmentCodeId, positionId });
    const created = await get(id);
    assert.deepEqual(created.locationIds, [l1, l2]);
    assert.deepEqual(created.groupIds, [g1]);
    assert.equal(created.departmentCodeId, departmentCodeId);
    assert.equal(created.positionId, positionId);

    t.clock.advance(60_000);
    const res = await call<Employee>(t, 'PATCH', `/v1/employees/${id}`, {
      key: account.key,
      body: { locationIds: [l2], groupIds: [g2, g1], departmentCodeId: null },
    });
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(res.body, {
      ...created,
      locationIds: [l2],
      groupIds: [g1, g2],
      departmentCodeId: null,
      updatedAt: t.clock.now().toISOString(),
    });
    const untouched = await call<Employee>(t, 'PATCH', `/v1/employees/${id}`, {
      key: account.key,
      body: { phone: '555' },
    });
    assert.deepEqual(untouched.body.locationIds, [l2]);
    assert.deepEqual(untouched.body.groupIds, [g1, g2]);
    const cleared = await call<Employee>(t, 'PATCH', `/v1/employees/${id}`, {
      key: account.key,
      body: { locationIds: [], groupIds: [], positionId: null },
    });
    assert.deepEqual(
      [cleared.body.locationIds, cleared.body.groupIds, cleared.body.positionId],
      [[], [], null],
    );
  });

  test("linking another account's or a missing object → 404 naming the field, and nothing changes", async () => {
    const id = await employee();
    const before = await get(id);
    const theirs = {
      locationIds: [await location(other.key)],
      groupIds: [await code('/v1/groups', other.key)],
      departmentCodeId: await code('/v1/department-codes', other.key),
      positionId: await code('/v1/positions', other.key),
    };
    const mine = await location();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ locationIds: [mine, ...theirs.locationIds] }, 'locationIds', `Location ${theirs.locationIds[0]}`],
      [{ groupIds: theirs.groupIds }, 'groupIds', `Group ${theirs.groupIds[0]}`],
      [{ departmentCodeId: theirs.departmentCodeId }, 'departmentCodeId', 'Department code'],
      [{ positionId: theirs.positionId }, 'positionId', 'Position'],
      [{ positionId: 'pos_01JD2X6Y3Z4A5B6C7D8E9F0G1H' }, 'positionId', 'Position'],
    ];
    const count = async () =>
      (await call<List<Employee>>(t, 'GET', '/v1/employees?include=totalCount', { key: account.key })).body
        .totalCount;
    const total = await count();
    for (const [body, param, noun] of cases) {
      const patched = await call(t, 'PATCH', `/v1/employees/${id}`, {
        key: account.key,
        body: { ...body, firstName: 'Changed' },
      });
      assertApiError(patched, 404, 'resource_not_found', { param, messageIncludes: noun });
      const created = await call(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName: 'New', lastName: 'Hire', ...body },
      });
      assertApiError(created, 404, 'resource_not_found', { param });
    }
    assert.deepEqual(await get(id), before);
    assert.equal(await count(), total);
    for (const [body, param] of [
      [{ locationIds: [mine, mine] }, 'locationIds'],
      [{ departmentCodeId: 'dep_x' }, 'departmentCodeId'],
      [{ groupIds: 'grp' }, 'groupIds'],
      [{ clockStatus: 'in' }, 'clockStatus'],
    ] as const) {
      const res = await call(t, 'PATCH', `/v1/employees/${id}`, { key: account.key, body });
      assertApiError(res, 400, 'parameter_invalid', { param });
    }
  });

  test('clockStatus is read from the employee row; clockedIn=true lists who is on the clock', async () => {
    const third = await createTestAccount(t);
    const ids = {
      in: await employee({ firstName: 'In' }, third.key),
      onBreak: await employee({ firstName: 'Break' }, third.key),
      out: await employee({ firstName: 'Out' }, third.key),
    };
    // The punch service keeps this column; set it directly here.
    const setStatus = (id: string, status: 'in' | 'on_break') =>
      t.db.db.updateTable('employees').set({ clock_status: status }).where('id', '=', id).execute();
    await setStatus(ids.in, 'in');
    await setStatus(ids.onBreak, 'on_break');
    const names = async (query: string) => {
      const res = await call<List<Employee>>(t, 'GET', `/v1/employees?${query}`, { key: third.key });
      assert.equal(res.status, 200, res.raw);
      return res.body.data.map((e) => `${e.firstName}:${e.clockStatus}`);
    };
    assert.deepEqual(await names('clockedIn=true'), ['Break:on_break', 'In:in']);
    assert.deepEqual(await names('clockedIn=false'), ['Out:out']);
    assert.deepEqual(await names('clockedIn=true&search=brea'), ['Break:on_break']);
    assertApiError(
      await call(t, 'GET', '/v1/employees?clockedIn=maybe', { key: third.key }),
      400,
      'parameter_invalid',
      { param: 'clockedIn' },
    );
  });

  const timeRows: [string, (employeeId: string) => Promise<void>][] = [
    ['a punch', (id) => insertPunch(t, account.account.id, { employee_id: id })],
    ['a time entry', (id) => insertTimeEntry(t, account.account.id, { employee_id: id })],
    ['a time off request', (id) => insertTimeOffRequest(t, account.account.id, id)],
    ['a shift', (id) => insertShift(t, account.account.id, { employee_id: id })],
  ];
  for (const [label, insert] of timeRows) {
    test(`an employee with ${label} cannot be deleted (409 in_use) but can be deactivated`, async () => {
      const id = await employee();
      await insert(id);
      const res = await call(t, 'DELETE', `/v1/employees/${id}`, { key: account.key });
      assertApiError(res, 409, 'in_use', { messageIncludes: 'deactivate' });
      const deactivated = await call<Employee>(t, 'PATCH', `/v1/employees/${id}`, {
        key: account.key,
        body: { active: false },
      });
      assert.equal(deactivated.status, 200, deactivated.raw);
    });
  }

  test('deleting an employee removes their links too', async () => {
    const site = await location();
    const id = await employee({ locationIds: [site] });
    assert.equal((await call(t, 'DELETE', `/v1/employees/${id}`, { key: account.key })).status, 200);
    // With the link gone, the location is no longer in use.
    assert.equal((await call(t, 'DELETE', `/v1/locations/${site}`, { key: account.key })).status, 200);
  });

  test('a list page reads the links of all its employees at once, not one query per employee', async () => {
    const fourth = await createTestAccount(t);
    const site = await location(fourth.key);
    const group = await code('/v1/groups', fourth.key);
    const listQueries = async () => {
      t.queries.count = 0;
      const res = await call<List<Employee>>(t, 'GET', '/v1/employees?limit=100', { key: fourth.key });
      assert.equal(res.status, 200, res.raw);
      return { count: t.queries.count, employees: res.body.data.length };
    };
    await employee({ locationIds: [site], groupIds: [group] }, fourth.key);
    const one = await listQueries();
    for (let index = 0; index < 4; index++) {
      await employee({ locationIds: [site], groupIds: [group] }, fourth.key);
    }
    const five = await listQueries();
    assert.equal(five.employees, 5);
    assert.equal(five.count, one.count);
  });

  test('field restrictions know the new fields', async () => {
    const site = await location();
    const id = await employee({ locationIds: [site] });
    const { key } = await createTestKey(t, account, ['employees:read', 'employees:write'], {
      fieldRestrictions: { employees: ['firstName', 'locationIds', 'clockStatus'] },
    });
    const res = await call(t, 'GET', `/v1/employees/${id}`, { key });
    assert.deepEqual(res.body, {
      id,
      object: 'employee',
      firstName: 'Link',
      locationIds: [site],
      clockStatus: 'out',
    });
    const refused = await call(t, 'PATCH', `/v1/employees/${id}`, { key, body: { groupIds: [] } });
    assertApiError(refused, 403, 'field_not_permitted', { param: 'groupIds' });
  });
});

for (const dialect of DIALECTS) {
  describeListContract(dialect, {
    path: '/v1/employees',
    create: async (t, account, index) => {
      const res = await call<Employee>(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName: 'Listed', lastName: `${index}` },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'PATCH', `/v1/employees/${id}`, { key: account.key, body: { phone: '1' } });
      assert.equal(res.status, 200, res.raw);
    },
  });
}
