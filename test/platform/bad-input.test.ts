import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { call } from '../helpers/app.js';
import { describeEachDialect } from '../helpers/each-dialect.js';

function writableFields(snapshot: string): Record<string, unknown> {
  const {
    id: _id,
    object: _object,
    createdAt: _c,
    updatedAt: _u,
    // Kept by the punch service, not writable.
    clockStatus: _clockStatus,
    ...fields
  } = JSON.parse(snapshot) as Record<string, unknown>;
  return fields;
}

/**
 * Whatever a client sends, the answer is a contract status (never a 500), and what is stored survives.
 * Property-based: fast-check generates bodies, queries and headers no one would write by hand.
 */
describeEachDialect('arbitrary input never breaks the API', ({ t, account }) => {
  let employeeId: string;
  let snapshot: string;

  before(async () => {
    const created = await call<{ id: string }>(t, 'POST', '/v1/employees', {
      key: account.key,
      body: { firstName: 'Stable', lastName: 'Record', employeeRef: 'KEEP-1' },
    });
    employeeId = created.body.id;
    snapshot = (await call(t, 'GET', `/v1/employees/${employeeId}`, { key: account.key })).raw;
  });

  const assertContractStatus = (status: number, raw: string, input: unknown) => {
    assert.ok(
      [200, 201, 400, 404, 409, 413, 415].includes(status),
      `${status} for ${JSON.stringify(input)}: ${raw}`,
    );
    if (status >= 400) assert.match(raw, /^\{"error":\{"type":"[a-z_]+","code":"[a-z_]+"/);
  };

  test('POST and PATCH with arbitrary JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.boolean(), async (body, patch) => {
        const res = await t.app.inject({
          method: patch ? 'PATCH' : 'POST',
          url: patch ? `/v1/employees/${employeeId}` : '/v1/employees',
          headers: { authorization: `Bearer ${account.key}`, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        assertContractStatus(res.statusCode, res.body, body);
        if (patch && res.statusCode === 200) {
          // A valid random patch may legitimately change the record; put it back for the next run.
          await t.app.inject({
            method: 'PATCH',
            url: `/v1/employees/${employeeId}`,
            headers: { authorization: `Bearer ${account.key}`, 'content-type': 'application/json' },
            payload: writableFields(snapshot),
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  test('raw bytes as a JSON body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (payload) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/employees',
          headers: { authorization: `Bearer ${account.key}`, 'content-type': 'application/json' },
          payload,
        });
        assertContractStatus(res.statusCode, res.body, payload);
      }),
      { numRuns: 150 },
    );
  });

  test('arbitrary query strings on the list', async () => {
    const keys = fc.constantFrom(
      'limit',
      'startingAfter',
      'endingBefore',
      'updatedSince',
      'include',
      'active',
      'search',
      'x',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(keys, fc.string({ maxLength: 40 })), { maxLength: 4 }),
        async (pairs) => {
          const query = new URLSearchParams(pairs).toString();
          const res = await t.app.inject({
            method: 'GET',
            url: `/v1/employees?${query}`,
            headers: { authorization: `Bearer ${account.key}` },
          });
          assertContractStatus(res.statusCode, res.body, query);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('arbitrary Authorization and X-Api-Version headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 80 }),
        fc.string({ maxLength: 20 }),
        async (authorization, version) => {
          const res = await t.app.inject({
            method: 'GET',
            url: '/v1/employees',
            headers: { authorization, 'x-api-version': version },
          });
          assert.ok([200, 400, 401].includes(res.statusCode), `${res.statusCode}: ${res.body}`);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('the stored employee survived everything above', async () => {
    const restore = await call(t, 'PATCH', `/v1/employees/${employeeId}`, {
      key: account.key,
      body: writableFields(snapshot),
    });
    assert.equal(restore.status, 200, 'the restore body is itself a valid patch');
    const res = await call(t, 'GET', `/v1/employees/${employeeId}`, { key: account.key });
    const { updatedAt: _a, ...now } = res.body;
    const { updatedAt: _b, ...then } = JSON.parse(snapshot) as Record<string, unknown>;
    assert.deepEqual(now, then);
  });
});
