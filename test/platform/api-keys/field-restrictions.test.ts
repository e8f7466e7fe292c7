/** Per-key field restrictions (DESIGN §3.1): reads carry only id, object and the listed fields; writes only those. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createApiKey } from '../../../src/platform/api-keys/service.js';
import type { FieldRestrictions } from '../../../src/platform/descriptors/permissions.js';
import { RESOURCES } from '../../../src/resources/registry.js';
import { createTestAccount, createTestKey, type TestAccount, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import {
  assertApiError,
  assertRejectsWithApiError,
  bearer,
  send,
  withTestApp,
} from '../../helpers/security-suite.js';

type Json = Record<string, unknown>;

const NAME_ONLY: FieldRestrictions = { employees: ['firstName', 'lastName'] };
const VISIBLE = ['firstName', 'id', 'lastName', 'object'];

const sortedKeys = (object: unknown): string[] => Object.keys(object as Json).sort();

interface Setup {
  account: TestAccount;
  full: string;
  restricted: string;
  employee: Json;
}

async function setUp(t: TestApp): Promise<Setup> {
  const account = await createTestAccount(t);
  const full = bearer(account.key);
  const created = await send(t, 'POST', '/v1/employees', {
    authorization: full,
    body: {
      firstName: 'Maria',
      lastName: 'Lopez',
      email: 'maria.lopez@example.com',
      employeeRef: 'HR-1042',
      payRate: 24.5,
    },
  });
  assert.equal(created.status, 201, created.raw);
  const { key } = await createTestKey(t, account, ['employees:read', 'employees:write'], {
    fieldRestrictions: NAME_ONLY,
  });
  return { account, full, restricted: bearer(key), employee: created.body };
}

for (const dialect of DIALECTS) {
  describe(`API key field restrictions (${dialect})`, () => {
    test('reads: a list and a single object carry only id, object and the permitted fields', async () => {
      await withTestApp(dialect, async (t) => {
        const { restricted, employee } = await setUp(t);
        const list = await send<{ data: Json[] } & Json>(t, 'GET', '/v1/employees', {
          authorization: restricted,
        });
        assert.equal(list.status, 200, list.raw);
        assert.deepEqual(list.body, {
          object: 'list',
          data: [{ id: employee.id, object: 'employee', firstName: 'Maria', lastName: 'Lopez' }],
          hasMore: false,
          url: '/v1/employees',
        });

        const one = await send(t, 'GET', `/v1/employees/${employee.id}`, { authorization: restricted });
        assert.equal(one.status, 200, one.raw);
        assert.deepEqual(one.body, {
          id: employee.id,
          object: 'employee',
          firstName: 'Maria',
          lastName: 'Lopez',
        });
        for (const hidden of ['maria.lopez@example.com', 'HR-1042', '24.5']) {
          assert.equal(list.raw.includes(hidden), false, hidden);
          assert.equal(one.raw.includes(hidden), false, hidden);
        }
      });
    });

    test('reads: the restriction holds in an older API version and with include=totalCount', async () => {
      await withTestApp(dialect, async (t) => {
        const { restricted } = await setUp(t);
        const old = await send<{ data: Json[]; totalCount: number }>(t, 'GET', '/v1/employees', {
          authorization: restricted,
          headers: { 'x-api-version': '2025-03-01' },
        });
        assert.equal(old.status, 200, old.raw);
        assert.equal(old.body.totalCount, 1);
        assert.deepEqual(old.body.data.map(sortedKeys), [VISIBLE]);
        const counted = await send<{ data: Json[]; totalCount: number }>(
          t,
          'GET',
          '/v1/employees?include=totalCount',
          {
            authorization: restricted,
          },
        );
        assert.equal(counted.body.totalCount, 1);
        assert.deepEqual(counted.body.data.map(sortedKeys), [VISIBLE]);
      });
    });

    test('reads: a full-access key of the same account still sees everything', async () => {
      await withTestApp(dialect, async (t) => {
        const { full, employee } = await setUp(t);
        const one = await send(t, 'GET', `/v1/employees/${employee.id}`, { authorization: full });
        assert.deepEqual(one.body, employee);
        assert.equal((one.body as Json).email, 'maria.lopez@example.com');
      });
    });

    test('writes: touching a field outside the restriction → 403 field_not_permitted naming it, nothing changes', async () => {
      await withTestApp(dialect, async (t) => {
        const { full, restricted, employee } = await setUp(t);
        const url = `/v1/employees/${employee.id}`;
        for (const [field, value] of [
          ['email', 'other@example.com'],
          ['active', false],
          ['payRate', 99],
        ] as const) {
          const patch = await send(t, 'PATCH', url, {
            authorization: restricted,
            body: { firstName: 'Mia', [field]: value },
          });
          assertApiError(patch, 403, 'field_not_permitted', { param: field, messageIncludes: `"${field}"` });
        }
        const post = await send(t, 'POST', '/v1/employees', {
          authorization: restricted,
          body: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
        });
        assertApiError(post, 403, 'field_not_permitted', { param: 'email' });

        assert.deepEqual((await send(t, 'GET', url, { authorization: full })).body, employee);
        const list = await send<{ data: Json[] }>(t, 'GET', '/v1/employees', { authorization: full });
        assert.equal(list.body.data.length, 1, 'no employee was created');
      });
    });

    test('writes: a PATCH of permitted fields only succeeds and answers in the restricted shape', async () => {
      await withTestApp(dialect, async (t) => {
        const { full, restricted, employee } = await setUp(t);
        const url = `/v1/employees/${employee.id}`;
        const patch = await send(t, 'PATCH', url, { authorization: restricted, body: { firstName: 'Mia' } });
        assert.equal(patch.status, 200, patch.raw);
        assert.deepEqual(patch.body, {
          id: employee.id,
          object: 'employee',
          firstName: 'Mia',
          lastName: 'Lopez',
        });
        const after = await send<Json>(t, 'GET', url, { authorization: full });
        assert.equal(after.body.firstName, 'Mia');
        assert.equal(after.body.email, 'maria.lopez@example.com');
      });
    });

    test('writes: a POST of permitted fields only succeeds and answers in the restricted shape', async () => {
      await withTestApp(dialect, async (t) => {
        const { full, restricted } = await setUp(t);
        const post = await send<Json>(t, 'POST', '/v1/employees', {
          authorization: restricted,
          body: { firstName: 'Ada', lastName: 'Lovelace' },
        });
        assert.equal(post.status, 201, post.raw);
        assert.deepEqual(sortedKeys(post.body), VISIBLE);
        const stored = await send<Json>(t, 'GET', `/v1/employees/${post.body.id}`, { authorization: full });
        assert.equal(stored.body.firstName, 'Ada');
        assert.equal(stored.body.active, true);
        assert.equal(stored.body.role, 'employee');
      });
    });

    test('writes: DELETE is not a field write and answers id, object, deleted', async () => {
      await withTestApp(dialect, async (t) => {
        const { restricted, employee } = await setUp(t);
        const deleted = await send(t, 'DELETE', `/v1/employees/${employee.id}`, {
          authorization: restricted,
        });
        assert.equal(deleted.status, 200, deleted.raw);
        assert.deepEqual(deleted.body, { id: employee.id, object: 'employee', deleted: true });
      });
    });

    test('invalid restrictions are refused at creation (400 parameter_invalid)', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const create = (fieldRestrictions: FieldRestrictions) =>
          createApiKey(t.app.context, account.account.id, {
            name: 'Restricted',
            scopes: ['*'],
            createdBy: account.admin.id,
            fieldRestrictions,
          });
        await assertRejectsWithApiError(create({ employees: ['salary'] }), 'parameter_invalid', {
          param: 'fieldRestrictions.employees',
          messageIncludes: '"salary"',
        });
        await assertRejectsWithApiError(create({ employees: [] }), 'parameter_invalid', {
          param: 'fieldRestrictions.employees',
        });
        await assertRejectsWithApiError(
          create({ nosuch: ['name'] } as FieldRestrictions),
          'parameter_invalid',
          {
            param: 'fieldRestrictions.nosuch',
          },
        );
        // A scope resource whose objects have no restrictable fields (yet) is refused too.
        const unrestrictable = RESOURCES.scopes
          .map((scope) => scope.name)
          .find((resource) => !RESOURCES.restrictableFields(resource));
        if (unrestrictable) {
          await assertRejectsWithApiError(create({ [unrestrictable]: ['name'] }), 'parameter_invalid', {
            param: `fieldRestrictions.${unrestrictable}`,
          });
        }

        // id and object are always visible; naming them is harmless and they are not stored.
        const ok = await create({ employees: ['id', 'object', 'firstName', 'firstName'] });
        assert.deepEqual(ok.object.fieldRestrictions, { employees: ['firstName'] });
        const empty = await create({});
        assert.equal(empty.object.fieldRestrictions, null);
      });
    });
  });
}
