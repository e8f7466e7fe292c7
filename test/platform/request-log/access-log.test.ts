/**
 * Fastify's access-log lines ("incoming request", "request completed") are off unless PUNCHCLOCK_ACCESS_LOG is set:
 * the request log is the access log. Errors are logged either way, with their request id, and never with a key.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  type ApiResponse,
  createTestAccount,
  createTestApp,
  createTestKey,
  type TestApp,
} from '../../helpers/app.js';
import { bearer, send } from '../../helpers/security-suite.js';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
}

/** An app (embedded SQLite) at LOG_LEVEL=info whose log lines land in `lines`. */
function loggedApp(lines: string[], env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  return createTestApp('sqlite', {
    env: { LOG_LEVEL: 'info', ...env },
    logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
  });
}

const parsed = (lines: readonly string[]): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);
const requestIdOf = (response: ApiResponse): string => String(response.headers['x-request-id']);

/** Requests the app answers without an error of its own: a success, a refusal, an unknown route, a health check. */
async function ordinaryRequests(t: TestApp, key: string): Promise<ApiResponse[]> {
  const responses = [
    await send(t, 'GET', '/v1/employees', { authorization: bearer(key) }),
    await send(t, 'GET', '/v1/employees', {}),
    await send(t, 'GET', '/v1/nothing-here', { authorization: bearer(key) }),
  ];
  assert.deepEqual(
    responses.map((r) => r.status),
    [200, 401, 404],
  );
  assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  return responses;
}

/** A request that fails inside the app (its key's table is gone): a 500 the app logs as an error. */
async function failingRequest(t: TestApp, key: string): Promise<ApiResponse> {
  await sql`alter table api_keys rename to api_keys_away`.execute(t.db.db);
  try {
    const response = await send(t, 'GET', '/v1/employees', { authorization: bearer(key) });
    assert.equal(response.status, 500, response.raw);
    return response;
  } finally {
    await sql`alter table api_keys_away rename to api_keys`.execute(t.db.db);
  }
}

describe('access log', () => {
  test('off by default: no line per request, but errors are logged with their request id and without the key', async () => {
    const lines: string[] = [];
    const t = await loggedApp(lines);
    try {
      assert.equal(t.config.accessLog, false);
      const account = await createTestAccount(t);
      // Never used before the failure, so its lookup reaches the database.
      const unused = await createTestKey(t, account, ['*']);
      await ordinaryRequests(t, account.key);
      assert.deepEqual(parsed(lines), [], 'nothing is logged for requests that end normally');

      const failed = await failingRequest(t, unused.key);
      const errors = parsed(lines).filter((line) => line.level >= 50);
      assert.equal(errors.length, 1, lines.join(''));
      assert.equal(errors[0]?.reqId, requestIdOf(failed), 'the error carries the request id');
      assert.equal(
        parsed(lines).some((line) => line.msg === 'incoming request' || line.msg === 'request completed'),
        false,
      );
      const log = lines.join('');
      for (const key of [account.key, unused.key]) assert.equal(log.includes(key.slice(8)), false);
    } finally {
      await t.close();
    }
  });

  test('PUNCHCLOCK_ACCESS_LOG=true writes both lines for every request, with its request id', async () => {
    const lines: string[] = [];
    const t = await loggedApp(lines, { PUNCHCLOCK_ACCESS_LOG: 'true' });
    try {
      assert.equal(t.config.accessLog, true);
      const account = await createTestAccount(t);
      const responses = await ordinaryRequests(t, account.key);
      const log = parsed(lines);
      for (const response of responses) {
        const messages = log.filter((line) => line.reqId === requestIdOf(response)).map((line) => line.msg);
        assert.deepEqual(messages, ['incoming request', 'request completed']);
      }
      // The health check too: the access log covers every request, not only /v1.
      assert.equal(log.filter((line) => line.msg === 'request completed').length, responses.length + 1);
      assert.equal(lines.join('').includes(account.key.slice(8)), false, 'no key in the access log');
    } finally {
      await t.close();
    }
  });
});
