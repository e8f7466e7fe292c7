import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, type ErrorBody } from '../../helpers/app.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';

/**
 * Issue 11, defect 12: query integers were coerced the way JavaScript's Number() does, so `limit=0x10`, `1e2` and
 * ` 5` were accepted. An integer in a query is written in decimal digits.
 */
describeEachDialect('numbers in queries', ({ t, account }) => {
  test('limit accepts decimal digits only', async () => {
    for (const value of ['0x10', '1e2', '%205', '5%20', '+5', '5.0', '0b11', '', '%E2%80%8B5', '٣']) {
      const res = await call<ErrorBody>(t, 'GET', `/v1/employees?limit=${value}`, { key: account.key });
      assert.equal(res.status, 400, `limit=${value}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'parameter_invalid');
      assert.equal(res.body.error.param, 'limit');
    }
    for (const value of ['5', '05', '100']) {
      const res = await call(t, 'GET', `/v1/employees?limit=${value}`, { key: account.key });
      assert.equal(res.status, 200, `limit=${value}`);
    }
  });
});
