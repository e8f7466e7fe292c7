import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, type ErrorBody } from '../../helpers/app.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';

/**
 * Issue 11, defect 7: PostgreSQL answered 500 to a NUL character (U+0000) in any string, where SQLite stored it.
 * Both dialects now answer the same 400 naming the parameter, and store nothing.
 */
describeEachDialect('NUL characters', ({ t, account }) => {
  test('in a body field, a nested field or a key: 400 parameter_invalid naming it, nothing stored', async () => {
    const before = await call<{ data: unknown[] }>(t, 'GET', '/v1/employees?limit=100', { key: account.key });
    for (const [raw, param] of [
      ['{"firstName":"A\\u0000B","lastName":"Lovelace"}', 'firstName'],
      ['{"firstName":"Ada","lastName":"Lovelace","groupIds":["\\u0000"]}', 'groupIds.0'],
      ['{"firstName":"Ada","lastName":"Lovelace","x\\u0000":1}', 'x\u0000'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/employees',
        headers: { authorization: `Bearer ${account.key}`, 'content-type': 'application/json' },
        payload: raw,
      });
      assert.equal(res.statusCode, 400, `${raw}: ${res.body}`);
      const body = res.json() as ErrorBody;
      assert.equal(body.error.code, 'parameter_invalid');
      assert.equal(body.error.param, param);
      assert.equal(body.error.requestId, res.headers['x-request-id']);
    }
    const after = await call<{ data: unknown[] }>(t, 'GET', '/v1/employees?limit=100', { key: account.key });
    assert.equal(after.body.data.length, before.body.data.length);
  });

  test('in a query or path parameter: 400 naming it', async () => {
    for (const [url, param] of [
      ['/v1/employees?search=%00', 'search'],
      ['/v1/employees?search=a%00b', 'search'],
      ['/v1/locations?search=%00', 'search'],
      ['/v1/employees?startingAfter=%00', 'startingAfter'],
      ['/v1/employees/emp_%00', 'id'],
    ] as const) {
      const res = await call<ErrorBody>(t, 'GET', url, { key: account.key });
      assert.equal(res.status, 400, `${url}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'parameter_invalid');
      assert.equal(res.body.error.param, param);
    }
  });
});
