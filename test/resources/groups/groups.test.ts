import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, createTestAccount } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { assertApiError } from '../../helpers/security-suite.js';
import {
  type CatalogueEntry,
  createEmployee,
  describeCodeCatalogue,
  type List,
} from '../code-catalogues/catalogue-suite.js';

interface Employee {
  id: string;
  groupIds: string[];
  updatedAt: string;
}

for (const dialect of DIALECTS) {
  describeCodeCatalogue(dialect, {
    path: '/v1/groups',
    object: 'group',
    idPrefix: 'grp',
    noun: 'Group',
    hasMembers: true,
    references: [
      {
        label: 'a member',
        refer: async (t, account, id) => {
          await createEmployee(t, account, { groupIds: [id] });
        },
      },
    ],
  });
}

describeEachDialect('group members', ({ t, account }) => {
  let counter = 0;

  const createGroup = async (body: Record<string, unknown> = {}) => {
    counter++;
    const res = await call<CatalogueEntry>(t, 'POST', '/v1/groups', {
      key: account.key,
      body: { code: `G-${counter}`, name: `Group ${counter}`, ...body },
    });
    assert.equal(res.status, 201, res.raw);
    return res.body;
  };
  const getGroup = async (id: string) =>
    (await call<CatalogueEntry>(t, 'GET', `/v1/groups/${id}`, { key: account.key })).body;
  const getEmployee = async (id: string) =>
    (await call<Employee>(t, 'GET', `/v1/employees/${id}`, { key: account.key })).body;

  test('employeeIds round-trip: set on create, replaced on update, mirrored in employees.groupIds', async () => {
    const [a, b, c] = [
      await createEmployee(t, account),
      await createEmployee(t, account),
      await createEmployee(t, account),
    ];
    assert.ok(a && b && c);
    const group = await createGroup({ employeeIds: [b.id, a.id] });
    assert.deepEqual(group.employeeIds, [a.id, b.id]);
    assert.deepEqual((await getEmployee(a.id)).groupIds, [group.id]);

    t.clock.advance(60_000);
    const movedAt = t.clock.now().toISOString();
    const updated = await call<CatalogueEntry>(t, 'PATCH', `/v1/groups/${group.id}`, {
      key: account.key,
      body: { employeeIds: [c.id, b.id] },
    });
    assert.equal(updated.status, 200, updated.raw);
    assert.deepEqual(updated.body.employeeIds, [b.id, c.id]);
    assert.equal(updated.body.updatedAt, movedAt);
    assert.deepEqual((await getGroup(group.id)).employeeIds, [b.id, c.id]);
    // The employee who left and the one who joined changed shape; the one who stayed did not.
    const [left, stayed, joined] = [
      await getEmployee(a.id),
      await getEmployee(b.id),
      await getEmployee(c.id),
    ];
    assert.deepEqual(left.groupIds, []);
    assert.equal(left.updatedAt, movedAt);
    assert.equal(stayed.updatedAt, b.updatedAt);
    assert.deepEqual(joined.groupIds, [group.id]);
    assert.equal(joined.updatedAt, movedAt);

    // A PATCH without employeeIds keeps the members.
    const renamed = await call<CatalogueEntry>(t, 'PATCH', `/v1/groups/${group.id}`, {
      key: account.key,
      body: { name: 'Renamed' },
    });
    assert.deepEqual(renamed.body.employeeIds, [b.id, c.id]);
    const emptied = await call<CatalogueEntry>(t, 'PATCH', `/v1/groups/${group.id}`, {
      key: account.key,
      body: { employeeIds: [] },
    });
    assert.deepEqual(emptied.body.employeeIds, []);
    assert.equal((await call(t, 'DELETE', `/v1/groups/${group.id}`, { key: account.key })).status, 200);
  });

  test("employeeIds must be the account's employees: 404 naming employeeIds, and nothing changes", async () => {
    const mine = await createEmployee(t, account);
    const other = await createTestAccount(t);
    const theirs = await createEmployee(t, other);
    const group = await createGroup({ employeeIds: [mine.id] });
    for (const id of [theirs.id, 'emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H']) {
      const patched = await call(t, 'PATCH', `/v1/groups/${group.id}`, {
        key: account.key,
        body: { employeeIds: [id], name: 'Should not stick' },
      });
      const error = assertApiError(patched, 404, 'resource_not_found', { param: 'employeeIds' });
      assert.equal(error.message, `Employee ${id} not found.`);
      const created = await call(t, 'POST', '/v1/groups', {
        key: account.key,
        body: { code: `BAD-${id.slice(-4)}`, name: 'Bad', employeeIds: [mine.id, id] },
      });
      assertApiError(created, 404, 'resource_not_found', { param: 'employeeIds' });
    }
    assert.deepEqual(await getGroup(group.id), group);
    const codes = await call<List<CatalogueEntry>>(t, 'GET', '/v1/groups?search=BAD', { key: account.key });
    assert.deepEqual(codes.body.data, []);
    const malformed: [unknown, string][] = [
      [[mine.id, mine.id], 'employeeIds'],
      ['emp', 'employeeIds'],
      [['not-an-id'], 'employeeIds.0'],
    ];
    for (const [employeeIds, param] of malformed) {
      const res = await call(t, 'PATCH', `/v1/groups/${group.id}`, {
        key: account.key,
        body: { employeeIds },
      });
      assertApiError(res, 400, 'parameter_invalid', { param });
    }
  });

  test('setting groupIds on an employee changes the group, and moves its updatedAt', async () => {
    const group = await createGroup();
    const employee = await createEmployee(t, account);
    t.clock.advance(60_000);
    const res = await call<Employee>(t, 'PATCH', `/v1/employees/${employee.id}`, {
      key: account.key,
      body: { groupIds: [group.id] },
    });
    assert.equal(res.status, 200, res.raw);
    const after = await getGroup(group.id);
    assert.deepEqual(after.employeeIds, [employee.id]);
    assert.equal(after.updatedAt, t.clock.now().toISOString());
  });

  test('deleting a member takes them out of the group', async () => {
    const employee = await createEmployee(t, account);
    const group = await createGroup({ employeeIds: [employee.id] });
    t.clock.advance(60_000);
    assert.equal((await call(t, 'DELETE', `/v1/employees/${employee.id}`, { key: account.key })).status, 200);
    const after = await getGroup(group.id);
    assert.deepEqual(after.employeeIds, []);
    assert.equal(after.updatedAt, t.clock.now().toISOString());
    assert.equal((await call(t, 'DELETE', `/v1/groups/${group.id}`, { key: account.key })).status, 200);
  });

  test('a list page reads the members of all its groups at once, not one query per group', async () => {
    const other = await createTestAccount(t);
    const employee = await createEmployee(t, other);
    const listQueries = async () => {
      t.queries.count = 0;
      const res = await call<List<CatalogueEntry>>(t, 'GET', '/v1/groups?limit=100', { key: other.key });
      assert.equal(res.status, 200, res.raw);
      return { count: t.queries.count, groups: res.body.data.length };
    };
    await call(t, 'POST', '/v1/groups', {
      key: other.key,
      body: { code: 'ONE', name: 'One', employeeIds: [employee.id] },
    });
    const one = await listQueries();
    for (const code of ['TWO', 'THREE', 'FOUR']) {
      await call(t, 'POST', '/v1/groups', {
        key: other.key,
        body: { code, name: code, employeeIds: [employee.id] },
      });
    }
    const four = await listQueries();
    assert.equal(four.groups, 4);
    assert.equal(four.count, one.count);
  });
});
