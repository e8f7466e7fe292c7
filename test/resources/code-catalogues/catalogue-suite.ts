/**
 * The behaviour every code catalogue shares (department codes, positions, groups, cost codes): CRUD, validation,
 * unique codes, filters, the list contract, tenant isolation and in_use on delete. Each catalogue's test file runs
 * it with the references that make one of its objects "in use".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Dialect } from '../../../src/db/database.js';
import {
  call,
  createTestAccount,
  createTestApp,
  type ErrorBody,
  type TestAccount,
  type TestApp,
} from '../../helpers/app.js';
import { describeListContract } from '../../helpers/list-suite.js';
import { assertApiError } from '../../helpers/security-suite.js';

// A type alias, not an interface, so responses of this shape also pass where a plain JSON object is expected.
export type CatalogueEntry = {
  id: string;
  object: string;
  code: string;
  name: string;
  description: string | null;
  active: boolean;
  employeeIds?: string[];
  createdAt: string;
  updatedAt: string;
};

export interface List<T> {
  object: string;
  data: T[];
  hasMore: boolean;
  url: string;
  totalCount?: number;
}

export interface CatalogueSpec {
  /** `/v1/department-codes` */
  readonly path: string;
  readonly object: string;
  readonly idPrefix: string;
  /** As the 404 message names it: "Department code". */
  readonly noun: string;
  readonly hasMembers: boolean;
  /** Each way another row can point at an entry; `refer` creates such a row for the entry `id`. */
  readonly references: readonly {
    readonly label: string;
    refer(t: TestApp, account: TestAccount, id: string): Promise<void>;
  }[];
}

export function describeCodeCatalogue(dialect: Dialect, spec: CatalogueSpec): void {
  const { path } = spec;

  describe(`${path} (${dialect})`, () => {
    let t: TestApp;
    let account: TestAccount;
    let counter = 0;

    before(async () => {
      t = await createTestApp(dialect);
      account = await createTestAccount(t);
    });
    after(() => t.close());

    const create = (body: Record<string, unknown>, key = account.key) =>
      call<CatalogueEntry>(t, 'POST', path, { key, body });
    const fresh = async (extra: Record<string, unknown> = {}) => {
      counter++;
      const res = await create({ code: `C-${counter}`, name: `Entry ${counter}`, ...extra });
      assert.equal(res.status, 201, res.raw);
      return res.body;
    };

    test('create returns the full object with defaults, trimmed; retrieve returns the same', async () => {
      const res = await create({ code: ' OPS ', name: ' Operations ' });
      assert.equal(res.status, 201, res.raw);
      assert.match(res.body.id, new RegExp(`^${spec.idPrefix}_[0-9A-Z]{26}$`));
      assert.deepEqual(
        { ...res.body, id: undefined },
        {
          id: undefined,
          object: spec.object,
          code: 'OPS',
          name: 'Operations',
          description: null,
          active: true,
          ...(spec.hasMembers ? { employeeIds: [] } : {}),
          createdAt: '2026-11-01T12:00:00.000Z',
          updatedAt: '2026-11-01T12:00:00.000Z',
        },
      );
      const fetched = await call<CatalogueEntry>(t, 'GET', `${path}/${res.body.id}`, { key: account.key });
      assert.equal(fetched.status, 200);
      assert.deepEqual(fetched.body, res.body);
    });

    test('update changes only the fields sent, clears the description with null and moves updatedAt', async () => {
      const entry = await fresh({ description: 'Before' });
      t.clock.advance(60_000);
      const res = await call<CatalogueEntry>(t, 'PATCH', `${path}/${entry.id}`, {
        key: account.key,
        body: { description: null, active: false, name: 'Renamed' },
      });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.description, null);
      assert.equal(res.body.active, false);
      assert.equal(res.body.name, 'Renamed');
      assert.equal(res.body.code, entry.code);
      assert.equal(res.body.createdAt, entry.createdAt);
      assert.equal(res.body.updatedAt, new Date(Date.parse(entry.updatedAt) + 60_000).toISOString());
    });

    test('a code is unique within the account (409 code_taken), not across accounts', async () => {
      const first = await fresh();
      assertApiError(await create({ code: first.code, name: 'Dup' }), 409, 'code_taken', { param: 'code' });
      const second = await fresh();
      const clash = await call(t, 'PATCH', `${path}/${second.id}`, {
        key: account.key,
        body: { code: ` ${first.code} `, name: 'Changed' },
      });
      assertApiError(clash, 409, 'code_taken', { param: 'code' });
      const unchanged = await call<CatalogueEntry>(t, 'GET', `${path}/${second.id}`, { key: account.key });
      assert.deepEqual(unchanged.body, second);
      const other = await createTestAccount(t);
      assert.equal((await create({ code: first.code, name: 'Theirs' }, other.key)).status, 201);
    });

    test('bad input is refused with the parameter named and nothing is stored', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'No code' }, 'code'],
        [{ code: '   ', name: 'Blank code' }, 'code'],
        [{ code: 'X'.repeat(65), name: 'Long code' }, 'code'],
        [{ code: 'OK' }, 'name'],
        [{ code: 'OK', name: '' }, 'name'],
        [{ code: 'OK', name: 'N', active: 'yes' }, 'active'],
        [{ code: 'OK', name: 'N', description: 7 }, 'description'],
        [{ code: 'OK', name: 'N', colour: 'blue' }, 'colour'],
      ];
      if (!spec.hasMembers) cases.push([{ code: 'OK', name: 'N', employeeIds: [] }, 'employeeIds']);
      const count = async () =>
        (await call<List<CatalogueEntry>>(t, 'GET', `${path}?include=totalCount`, { key: account.key })).body
          .totalCount;
      const before = await count();
      for (const [body, param] of cases) {
        assertApiError(await create(body), 400, 'parameter_invalid', { param });
      }
      assert.equal(await count(), before);

      const entry = await fresh();
      assertApiError(
        await call(t, 'PATCH', `${path}/${entry.id}`, { key: account.key, body: {} }),
        400,
        'parameter_invalid',
      );
      assertApiError(
        await call(t, 'GET', `${path}/not-an-id`, { key: account.key }),
        400,
        'parameter_invalid',
        { param: 'id' },
      );
    });

    test('delete removes the entry; afterwards every route answers 404', async () => {
      const entry = await fresh();
      const res = await call(t, 'DELETE', `${path}/${entry.id}`, { key: account.key });
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body, { id: entry.id, object: spec.object, deleted: true });
      for (const method of ['GET', 'DELETE', 'PATCH'] as const) {
        const again = await call(t, method, `${path}/${entry.id}`, {
          key: account.key,
          ...(method === 'PATCH' ? { body: { active: true } } : {}),
        });
        assertApiError(again, 404, 'resource_not_found', { param: 'id' });
        assert.equal(
          (again.body as unknown as ErrorBody).error.message,
          `${spec.noun} ${entry.id} not found.`,
        );
      }
      // Its code is free again.
      assert.equal((await create({ code: entry.code, name: 'Again' })).status, 201);
    });

    test("another account's entry is 404 on every route and stays untouched", async () => {
      const other = await createTestAccount(t);
      const theirs = await create({ code: 'THEIRS', name: 'Theirs' }, other.key);
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = await call(t, method, `${path}/${theirs.body.id}`, {
          key: account.key,
          ...(method === 'PATCH' ? { body: { name: 'Hijacked' } } : {}),
        });
        assertApiError(res, 404, 'resource_not_found', { param: 'id' });
      }
      const still = await call<CatalogueEntry>(t, 'GET', `${path}/${theirs.body.id}`, { key: other.key });
      assert.deepEqual(still.body, theirs.body);
    });

    for (const reference of spec.references) {
      test(`an entry used by ${reference.label} cannot be deleted (409 in_use) but can be deactivated`, async () => {
        const entry = await fresh();
        await reference.refer(t, account, entry.id);
        const res = await call(t, 'DELETE', `${path}/${entry.id}`, { key: account.key });
        assertApiError(res, 409, 'in_use', { messageIncludes: 'deactivate' });
        assert.equal((await call(t, 'GET', `${path}/${entry.id}`, { key: account.key })).status, 200);
        const deactivated = await call<CatalogueEntry>(t, 'PATCH', `${path}/${entry.id}`, {
          key: account.key,
          body: { active: false },
        });
        assert.equal(deactivated.status, 200, deactivated.raw);
        assert.equal(deactivated.body.active, false);
      });
    }

    test('filters: active and search (code or name, case-insensitive)', async () => {
      const other = await createTestAccount(t);
      const key = other.key;
      const make = (body: Record<string, unknown>) => create(body, key);
      await make({ code: 'NORTH', name: 'Northern yard' });
      await make({ code: 'SOUTH', name: 'Southern yard', active: false });
      await make({ code: 'E_1', name: 'East dock' });
      const codes = async (query: string) => {
        const res = await call<List<CatalogueEntry>>(t, 'GET', `${path}?${query}`, { key });
        assert.equal(res.status, 200, res.raw);
        return res.body.data.map((entry) => entry.code);
      };
      assert.deepEqual(await codes('active=false'), ['SOUTH']);
      assert.deepEqual(await codes('active=true'), ['E_1', 'NORTH']);
      assert.deepEqual(await codes('search=YARD'), ['SOUTH', 'NORTH']);
      assert.deepEqual(await codes('search=nor'), ['NORTH']);
      assert.deepEqual(await codes('search=_'), ['E_1']);
      assert.deepEqual(await codes('search=yard&active=true'), ['NORTH']);
      assertApiError(await call(t, 'GET', `${path}?active=maybe`, { key }), 400, 'parameter_invalid', {
        param: 'active',
      });
    });
  });

  describeListContract(dialect, {
    path,
    create: async (t, account, index) => {
      const res = await call<CatalogueEntry>(t, 'POST', path, {
        key: account.key,
        body: { code: `L-${index}`, name: `Listed ${index}` },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'PATCH', `${path}/${id}`, { key: account.key, body: { name: 'Touched' } });
      assert.equal(res.status, 200, res.raw);
    },
  });
}

/** A new employee of the account, through the API. */
export async function createEmployee(
  t: TestApp,
  account: TestAccount,
  body: Record<string, unknown> = {},
): Promise<{ id: string; updatedAt: string; groupIds: string[] }> {
  const res = await call<{ id: string; updatedAt: string; groupIds: string[] }>(t, 'POST', '/v1/employees', {
    key: account.key,
    body: { firstName: 'Test', lastName: 'Employee', ...body },
  });
  assert.equal(res.status, 201, res.raw);
  return res.body;
}
