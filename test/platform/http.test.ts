import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/shared/clock.js';
import { call, createTestAccount, type ErrorBody, type TestApp } from '../helpers/app.js';
import { DIALECTS, openTestDatabase } from '../helpers/dialects.js';
import { describeEachDialect } from '../helpers/each-dialect.js';

const REQUEST_ID = /^req_[0-9A-Z]{26}$/;

function assertEnvelope(
  res: { body: ErrorBody; headers: Record<string, unknown> },
  status: string,
  code: string,
) {
  assert.equal(res.body.error.code, code);
  assert.equal(res.body.error.type, status);
  assert.match(res.body.error.requestId, REQUEST_ID);
  assert.equal(res.body.error.requestId, res.headers['x-request-id']);
}

describeEachDialect('errors, request ids, CORS and ops', ({ t, account }) => {
  test('every response carries a fresh X-Request-Id', async () => {
    const seen = new Set<string>();
    for (const url of [
      '/v1/employees',
      '/v1/versions',
      '/v1/nowhere',
      '/healthz',
      '/openapi.json',
      '/nowhere',
    ]) {
      const res = await t.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${account.key}` },
      });
      const id = res.headers['x-request-id'];
      assert.match(String(id), REQUEST_ID, url);
      seen.add(String(id));
    }
    assert.equal(seen.size, 6);
    const spoofed = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'req_evil' },
    });
    assert.notEqual(spoofed.headers['x-request-id'], 'req_evil');
  });

  test('unknown routes and methods are 404 route_not_found in the envelope', async () => {
    for (const [method, url] of [
      ['GET', '/v1/nowhere'],
      ['PUT', '/v1/employees'],
      ['GET', '/v1?x=1'],
      ['GET', '/nowhere'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${account.key}` } });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
      const body = res.json() as ErrorBody;
      assertEnvelope({ body, headers: res.headers }, 'invalid_request_error', 'route_not_found');
      assert.equal(body.error.message, `No endpoint ${method} ${url.split('?')[0]}.`);
      // Every /v1 response says which version served it; other paths are not the API.
      assert.equal(res.headers['x-api-version'], url.startsWith('/v1') ? '2026-11-01' : undefined, url);
    }
  });

  test('malformed JSON is 400 body_invalid_json', async () => {
    for (const payload of ['{"firstName": "A",', 'not json', '{"__proto__": {"admin": true}}']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/employees',
        headers: { authorization: `Bearer ${account.key}`, 'content-type': 'application/json' },
        payload,
      });
      assert.equal(res.statusCode, 400, payload);
      assertEnvelope(
        { body: res.json(), headers: res.headers },
        'invalid_request_error',
        'body_invalid_json',
      );
    }
  });

  test('a missing body or a non-object body is 400 parameter_invalid', async () => {
    for (const payload of [undefined, '[]', '"text"', '42']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/employees',
        headers: {
          authorization: `Bearer ${account.key}`,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
        ...(payload ? { payload } : {}),
      });
      assert.equal(res.statusCode, 400, String(payload));
      assertEnvelope(
        { body: res.json(), headers: res.headers },
        'invalid_request_error',
        'parameter_invalid',
      );
    }
  });

  test('bodies over 1 MiB are 413 body_too_large', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/employees',
      headers: { authorization: `Bearer ${account.key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ firstName: 'A', lastName: 'B', phone: 'x'.repeat(1024 * 1024) }),
    });
    assert.equal(res.statusCode, 413);
    assertEnvelope({ body: res.json(), headers: res.headers }, 'invalid_request_error', 'body_too_large');
  });

  test('other content types are 415 unsupported_media_type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/employees',
        headers: { authorization: `Bearer ${account.key}`, 'content-type': type },
        payload: 'firstName=A&lastName=B',
      });
      assert.equal(res.statusCode, 415, type);
      assertEnvelope(
        { body: res.json(), headers: res.headers },
        'invalid_request_error',
        'unsupported_media_type',
      );
    }
  });

  test('CORS: /v1 answers preflight over the network; ops and docs send no CORS headers', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const preflight = await fetch(`${address}/v1/employees`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key,x-api-version',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const header of ['authorization', 'content-type', 'idempotency-key', 'x-api-version']) {
      assert.ok(allowed.includes(header), header);
    }
    const get = await fetch(`${address}/v1/employees`, {
      headers: { origin: 'https://app.example.com', authorization: `Bearer ${account.key}` },
    });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('access-control-allow-origin'), '*');
    const exposed = (get.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    for (const header of ['x-request-id', 'x-api-version', 'x-ratelimit-remaining', 'retry-after']) {
      assert.ok(exposed.includes(header), header);
    }
    const ops = await fetch(`${address}/healthz`, { headers: { origin: 'https://app.example.com' } });
    assert.equal(ops.headers.get('access-control-allow-origin'), null);
  });

  test('CORS: an OPTIONS request that is no proper preflight is answered like one, never with a bare 400', async () => {
    for (const headers of [
      {},
      { origin: 'https://app.example.com' },
      { 'access-control-request-method': 'GET' },
    ]) {
      const response = await t.app.inject({ method: 'OPTIONS', url: '/v1/employees', headers });
      assert.equal(response.statusCode, 204, JSON.stringify(headers));
      assert.equal(response.headers['access-control-allow-origin'], '*');
      assert.equal(response.body, '');
    }
  });

  test('healthz and readyz', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ok', database: 'reachable' });
  });
});

for (const dialect of DIALECTS) {
  test(`unexpected failures are 500 api_error with a generic message; details only in the log (${dialect})`, async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const db = await openTestDatabase(dialect);
    const clock = new ManualClock();
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'info' }), {
      database: db,
      clock,
      logger: { level: 'info', stream },
    });
    await app.ready();
    const t = { app, db, clock } as unknown as TestApp;
    const account = await createTestAccount(t);
    // Warm the key cache, then take the database away under the app.
    assert.equal((await call(t, 'GET', '/v1/employees', { key: account.key })).status, 200);
    await db.close();
    const res = await call<ErrorBody>(t, 'GET', '/v1/employees', { key: account.key });
    assert.equal(res.status, 500);
    assertEnvelope(res, 'api_error', 'internal_error');
    assert.equal(
      res.body.error.message,
      'An unexpected error occurred. Quote the requestId if you contact support.',
    );
    assert.ok(!res.raw.includes('stack'));
    const logged = lines.join('');
    assert.ok(logged.includes(res.body.error.requestId), 'the log line carries the request id');
    assert.ok(logged.includes('"stack"'), 'the log carries the details');
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    await app.close();
    await db.dispose();
  });
}
