import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { call, createTestAccount, type TestAccount, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { describeListContract } from '../../helpers/list-suite.js';
import { assertApiError } from '../../helpers/security-suite.js';

type TimeOff = {
  id: string;
  object: string;
  employeeId: string;
  type: string;
  startDate: string;
  endDate: string;
  hoursPerDay: number;
  note: string | null;
  status: string;
  decidedAt: string | null;
  createdAt: string;
  updatedAt: string;
};
type List<T> = {
  data: T[];
  hasMore: boolean;
};

async function createEmployee(t: TestApp, account: TestAccount): Promise<string> {
  const res = await call<{ id: string }>(t, 'POST', '/v1/employees', {
    key: account.key,
    body: { firstName: 'Time', lastName: 'Off' },
  });
  assert.equal(res.status, 201, res.raw);
  return res.body.id;
}

describeEachDialect('time off', ({ t, account }) => {
  let employeeId: string;

  before(async () => {
    employeeId = await createEmployee(t, account);
  });

  const request = (body: Record<string, unknown>, key = account.key) =>
    call<TimeOff>(t, 'POST', '/v1/time-off', {
      key,
      body: { employeeId, type: 'vacation', startDate: '2026-12-21', endDate: '2026-12-23', ...body },
    });
  const act = (id: string, verb: string, key = account.key) =>
    call<TimeOff>(t, 'POST', `/v1/time-off/${id}/${verb}`, { key });

  test('a request starts as requested, with 8 hours a day unless told', async () => {
    const res = await request({});
    assert.equal(res.status, 201, res.raw);
    assert.match(res.body.id, /^tof_[0-9A-Z]{26}$/);
    assert.deepEqual(
      { ...res.body, id: undefined },
      {
        id: undefined,
        object: 'time_off',
        employeeId,
        type: 'vacation',
        startDate: '2026-12-21',
        endDate: '2026-12-23',
        hoursPerDay: 8,
        note: null,
        status: 'requested',
        decidedAt: null,
        createdAt: t.clock.now().toISOString(),
        updatedAt: t.clock.now().toISOString(),
      },
    );
    const fetched = await call<TimeOff>(t, 'GET', `/v1/time-off/${res.body.id}`, { key: account.key });
    assert.deepEqual(fetched.body, res.body);
    const custom = await request({
      type: 'sick',
      hoursPerDay: 4.5,
      note: 'Dentist',
      startDate: '2026-12-01',
      endDate: '2026-12-01',
    });
    assert.equal(custom.status, 201, custom.raw);
    assert.equal(custom.body.hoursPerDay, 4.5);
    assert.equal(custom.body.note, 'Dentist');
  });

  test('bad input → 400 naming the field; an unknown employee → 404', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ endDate: '2026-12-20' }, 'endDate'],
      [{ startDate: '2026-02-30' }, 'startDate'],
      [{ endDate: 'tomorrow' }, 'endDate'],
      [{ hoursPerDay: 0 }, 'hoursPerDay'],
      [{ hoursPerDay: 24.5 }, 'hoursPerDay'],
      [{ type: 'sabbatical' }, 'type'],
      [{ employeeId: 'emp_1' }, 'employeeId'],
      [{ status: 'approved' }, 'status'],
    ];
    for (const [body, param] of cases) {
      assertApiError(await request(body), 400, 'parameter_invalid', { param });
    }
    assertApiError(
      await request({ employeeId: 'emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H' }),
      404,
      'resource_not_found',
      {
        param: 'employeeId',
      },
    );
    const other = await createTestAccount(t);
    const theirs = await createEmployee(t, other);
    assertApiError(await request({ employeeId: theirs }), 404, 'resource_not_found', {
      param: 'employeeId',
    });
    assert.equal((await request({ employeeId }, other.key)).status, 404);
  });

  test('requested → approved, denied or canceled; acting on a decided request → 409 not_pending', async () => {
    for (const [verb, status] of [
      ['approve', 'approved'],
      ['deny', 'denied'],
      ['cancel', 'canceled'],
    ] as const) {
      const created = (await request({})).body;
      t.clock.advance(60_000);
      const decided = await act(created.id, verb);
      assert.equal(decided.status, 200, decided.raw);
      assert.equal(decided.body.status, status);
      assert.equal(decided.body.decidedAt, t.clock.now().toISOString());
      assert.equal(decided.body.updatedAt, t.clock.now().toISOString());
      assert.deepEqual(
        (await call(t, 'GET', `/v1/time-off/${created.id}`, { key: account.key })).body,
        decided.body,
      );
      for (const again of ['approve', 'deny', 'cancel']) {
        const res = await act(created.id, again);
        assertApiError(res, 409, 'not_pending', { messageIncludes: status });
      }
    }
  });

  test('another account’s request → 404 on read and on every action, and it is untouched', async () => {
    const other = await createTestAccount(t);
    const mine = (await request({})).body;
    assertApiError(
      await call(t, 'GET', `/v1/time-off/${mine.id}`, { key: other.key }),
      404,
      'resource_not_found',
      {
        param: 'id',
      },
    );
    for (const verb of ['approve', 'deny', 'cancel']) {
      assertApiError(await act(mine.id, verb, other.key), 404, 'resource_not_found', { param: 'id' });
    }
    assert.equal(
      (await call<TimeOff>(t, 'GET', `/v1/time-off/${mine.id}`, { key: account.key })).body.status,
      'requested',
    );
  });

  test('filters: employeeId, status, and from/to (overlapping the range)', async () => {
    const filtering = await createTestAccount(t);
    const alice = await createEmployee(t, filtering);
    const bob = await createEmployee(t, filtering);
    const make = async (employee: string, startDate: string, endDate: string) => {
      const res = await call<TimeOff>(t, 'POST', '/v1/time-off', {
        key: filtering.key,
        body: { employeeId: employee, type: 'personal', startDate, endDate },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    };
    const a1 = await make(alice, '2026-12-01', '2026-12-03');
    const a2 = await make(alice, '2026-12-10', '2026-12-10');
    const b1 = await make(bob, '2026-12-02', '2026-12-12');
    await call(t, 'POST', `/v1/time-off/${a2}/approve`, { key: filtering.key });
    const ids = async (query: string) => {
      const res = await call<List<TimeOff>>(t, 'GET', `/v1/time-off?${query}`, { key: filtering.key });
      assert.equal(res.status, 200, res.raw);
      return res.body.data.map((item) => item.id);
    };
    assert.deepEqual(await ids(`employeeId=${alice}`), [a2, a1]);
    assert.deepEqual(await ids('status=approved'), [a2]);
    assert.deepEqual(await ids('status=requested'), [b1, a1]);
    assert.deepEqual(await ids('from=2026-12-04'), [b1, a2]);
    assert.deepEqual(await ids('to=2026-12-01'), [a1]);
    assert.deepEqual(await ids('from=2026-12-11&to=2026-12-31'), [b1]);
    assert.deepEqual(await ids(`from=2026-12-04&to=2026-12-09&employeeId=${alice}`), []);
    for (const [query, param] of [
      ['from=2026-12-05&to=2026-12-04', 'to'],
      ['status=pending', 'status'],
      ['from=12/01/2026', 'from'],
    ] as const) {
      assertApiError(
        await call(t, 'GET', `/v1/time-off?${query}`, { key: filtering.key }),
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
    path: '/v1/time-off',
    create: async (t, account) => {
      const employeeId = await createEmployee(t, account);
      const res = await call<{ id: string }>(t, 'POST', '/v1/time-off', {
        key: account.key,
        body: { employeeId, type: 'holiday', startDate: '2026-12-25', endDate: '2026-12-25' },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'POST', `/v1/time-off/${id}/approve`, { key: account.key });
      assert.equal(res.status, 200, res.raw);
    },
  });
}
