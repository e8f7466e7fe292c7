import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, type ErrorBody } from '../../helpers/app.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';

/**
 * Issue 11, defect 11: a name of spaces was trimmed after validation and stored as "", against the documented
 * `minLength: 1`. Names are trimmed, then validated: blank is 400 naming the field; surrounding spaces go.
 */
describeEachDialect('blank names', ({ t, account }) => {
  test('a name of whitespace is 400 parameter_invalid naming the field, and nothing is stored', async () => {
    const before = await call<{ data: unknown[] }>(t, 'GET', '/v1/employees?limit=100', { key: account.key });
    for (const body of [
      { firstName: 'Ada', lastName: '   ' },
      { firstName: '\t\n', lastName: 'Lovelace' },
      { firstName: 'Ada', lastName: '\u00a0\u2003' },
    ]) {
      const res = await call<ErrorBody>(t, 'POST', '/v1/employees', { key: account.key, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'parameter_invalid');
      const blank = body.firstName.trim() === '' ? 'firstName' : 'lastName';
      assert.equal(res.body.error.param, blank);
      assert.match(res.body.error.message, /blank/);
    }
    const after = await call<{ data: unknown[] }>(t, 'GET', '/v1/employees?limit=100', { key: account.key });
    assert.equal(after.body.data.length, before.body.data.length);
  });

  test('an update to a blank name is refused and the stored name kept; spaces around a name are trimmed', async () => {
    const created = await call<{ id: string; firstName: string }>(t, 'POST', '/v1/employees', {
      key: account.key,
      body: { firstName: '  Grace ', lastName: 'Hopper' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.firstName, 'Grace');
    const res = await call<ErrorBody>(t, 'PATCH', `/v1/employees/${created.body.id}`, {
      key: account.key,
      body: { lastName: ' ' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.param, 'lastName');
    const stored = await call<{ lastName: string }>(t, 'GET', `/v1/employees/${created.body.id}`, {
      key: account.key,
    });
    assert.equal(stored.body.lastName, 'Hopper');
  });

  test('other named resources refuse blank names too', async () => {
    for (const [path, body, param] of [
      ['/v1/locations', { name: '  ' }, 'name'],
      ['/v1/positions', { code: 'X1', name: ' ' }, 'name'],
      ['/v1/positions', { code: ' ', name: 'Driver' }, 'code'],
    ] as const) {
      const res = await call<ErrorBody>(t, 'POST', path, { key: account.key, body });
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(res.body.error.param, param);
    }
  });
});
