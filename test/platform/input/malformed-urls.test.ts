import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorBody } from '../../helpers/app.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';

/**
 * Issue 11, defect 8: paths the router cannot read (bad or overlong percent-encoding, a segment over 100
 * characters) were answered with Fastify's own body, without X-Request-Id, and the 414 echoed the whole path.
 */
describeEachDialect('malformed URLs', ({ t, account }) => {
  const get = (url: string) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${account.key}` } });

  test('bad percent-encoding in a path is 400 parameter_invalid in the envelope', async () => {
    for (const url of [
      '/v1/employees/%ZZ',
      '/v1/employees/%C0%AF',
      '/v1/%ZZ',
      '/v1/employees/%E2%82',
      '/%FF',
    ]) {
      const res = await get(url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      const body = res.json() as ErrorBody;
      assert.equal(body.error.code, 'parameter_invalid');
      assert.equal(body.error.type, 'invalid_request_error');
      assert.match(String(res.headers['x-request-id']), /^req_/);
      assert.equal(body.error.requestId, res.headers['x-request-id']);
    }
  });

  test('a path segment over 100 characters is 414 uri_too_long, without the path in the answer', async () => {
    const id = `emp_${'A'.repeat(8000)}`;
    const res = await get(`/v1/employees/${id}`);
    assert.equal(res.statusCode, 414);
    const body = res.json() as ErrorBody;
    assert.equal(body.error.code, 'uri_too_long');
    assert.equal(body.error.requestId, res.headers['x-request-id']);
    assert.ok(res.body.length < 400, `the answer is short (${res.body.length} bytes)`);
    assert.ok(!res.body.includes('AAAAAAAAAA'), 'the path is not echoed');
  });
});
