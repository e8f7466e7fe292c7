import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../../src/config.js';
import { openDatabase, sqliteFileIn } from '../../../src/db/database.js';
import type { ApiRequestLogRow } from '../../../src/db/tables.js';
import { generateApiKey } from '../../../src/platform/api-keys/format.js';
import { revokeApiKey } from '../../../src/platform/api-keys/service.js';
import { EMPLOYEES } from '../../../src/resources/employees/resource.js';
import { startServer } from '../../../src/server.js';
import { newId } from '../../../src/shared/ids.js';
import { type ApiResponse, call, createTestAccount, createTestKey, type TestApp } from '../../helpers/app.js';
import { DIALECTS, withSchemaLock } from '../../helpers/dialects.js';
import { assertApiError, bearer, send, withTestApp } from '../../helpers/security-suite.js';
import { allLogRows } from './support.js';

/** The flushed log, by request id. */
async function loggedRows(t: TestApp): Promise<Map<string, ApiRequestLogRow>> {
  await t.app.context.requestLog.flush();
  return new Map((await allLogRows(t.db.db)).map((row) => [row.id, row]));
}

function rowOf(rows: Map<string, ApiRequestLogRow>, response: ApiResponse): ApiRequestLogRow {
  const id = String(response.headers['x-request-id']);
  const row = rows.get(id);
  assert.ok(row, `request ${id} (${response.status}) was logged`);
  return row;
}

/** Whatever a key is made of: the whole key, its random part, or any key-shaped token. */
function assertNoKeyText(text: string, keys: readonly string[]): void {
  assert.equal(/pc_live_[0-9a-f]{4,}/i.test(text), false, 'no key-shaped token');
  for (const key of keys) {
    assert.equal(text.includes(key), false, 'no whole key');
    assert.equal(text.includes(key.slice(8, 24)), false, 'no part of a key’s secret');
  }
}

/** A PostgreSQL URL whose connections use a schema of their own (DATABASE_URL for a server under test). */
function schemaUrl(url: string, schema: string): string {
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return `${url}${url.includes('?') ? '&' : '?'}options=${options}`;
}

for (const dialect of DIALECTS) {
  describe(`request log: what is recorded (${dialect})`, () => {
    test('every kind of /v1 request is recorded with who, what and how it ended', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const readOnly = await createTestKey(t, account, ['employees:read'], { name: 'Read only' });
        const revoked = await createTestKey(t, account, ['*'], { name: 'Revoked' });
        await revokeApiKey(t.app.context, account.account.id, revoked.id, account.admin.id);
        const fullId = account.keyId;
        const full = bearer(account.key);

        const ok = await send(t, 'GET', '/v1/employees?limit=5', {
          authorization: full,
          headers: { 'user-agent': 'payroll-sync/1.0' },
        });
        const noKey = await send(t, 'GET', '/v1/employees', {});
        const unknownKey = await send(t, 'GET', '/v1/employees', { authorization: bearer(generateApiKey()) });
        const revokedKey = await send(t, 'GET', '/v1/employees', { authorization: bearer(revoked.key) });
        const noScope = await send(t, 'POST', '/v1/employees', {
          authorization: bearer(readOnly.key),
          body: { firstName: 'A', lastName: 'B' },
        });
        const noRoute = await send(t, 'GET', '/v1/nothing-here?x=1', { authorization: full });
        const noResource = await send(t, 'GET', `/v1/employees/${newId(EMPLOYEES)}`, {
          authorization: full,
        });
        const invalid = await send(t, 'POST', '/v1/employees', { authorization: full, body: {} });
        const versions = await send(t, 'GET', '/v1/versions', {});
        const health = await t.app.inject({ method: 'GET', url: '/healthz' });

        assert.equal(ok.status, 200, ok.raw);
        assertApiError(noKey, 401, 'api_key_missing');
        assertApiError(unknownKey, 401, 'api_key_invalid');
        assertApiError(revokedKey, 401, 'api_key_revoked');
        assertApiError(noScope, 403, 'missing_scope');
        assertApiError(noRoute, 404, 'route_not_found');
        assertApiError(noResource, 404, 'resource_not_found');
        assertApiError(invalid, 400, 'parameter_invalid');
        assert.equal(versions.status, 200);
        assert.equal(health.statusCode, 200);

        const rows = await loggedRows(t);
        assert.equal(rows.size, 9, 'the /v1 requests, and nothing outside /v1');
        const now = t.clock.now().toISOString();

        const okRow = rowOf(rows, ok);
        assert.deepEqual(
          { ...okRow, duration_ms: 0 },
          {
            id: String(ok.headers['x-request-id']),
            account_id: account.account.id,
            key_id: fullId,
            method: 'GET',
            route: '/v1/employees',
            path: '/v1/employees',
            status: 200,
            error_code: null,
            duration_ms: 0,
            ip: '127.0.0.1',
            user_agent: 'payroll-sync/1.0',
            api_version: String(ok.headers['x-api-version']),
            created_at: now,
          },
        );
        assert.ok(Number.isInteger(okRow.duration_ms) && okRow.duration_ms >= 0);

        const expected: [ApiResponse, Partial<ApiRequestLogRow>][] = [
          [noKey, { account_id: null, key_id: null, status: 401, error_code: 'api_key_missing' }],
          [unknownKey, { account_id: null, key_id: null, status: 401, error_code: 'api_key_invalid' }],
          // A refused key still shows its account whose key is being tried.
          [
            revokedKey,
            {
              account_id: account.account.id,
              key_id: revoked.id,
              status: 401,
              error_code: 'api_key_revoked',
            },
          ],
          [
            noScope,
            {
              account_id: account.account.id,
              key_id: readOnly.id,
              method: 'POST',
              route: '/v1/employees',
              status: 403,
              error_code: 'missing_scope',
            },
          ],
          [noRoute, { route: null, path: '/v1/nothing-here', status: 404, error_code: 'route_not_found' }],
          [
            noResource,
            {
              account_id: account.account.id,
              route: '/v1/employees/:id',
              status: 404,
              error_code: 'resource_not_found',
            },
          ],
          [invalid, { account_id: account.account.id, status: 400, error_code: 'parameter_invalid' }],
          [versions, { account_id: null, route: '/v1/versions', status: 200, error_code: null }],
        ];
        for (const [response, fields] of expected) {
          const row = rowOf(rows, response);
          for (const [name, value] of Object.entries(fields)) {
            assert.equal(row[name as keyof ApiRequestLogRow], value, `${name} of the ${response.status} row`);
          }
        }
      });
    });

    test('a request refused by the rate limit (429) is recorded', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t, { plan: 'trial' });
        let refused: ApiResponse | undefined;
        // The trial plan allows 60 requests a minute; the clock is frozen, so the 61st is over the limit.
        for (let i = 0; i < 61; i++) {
          const response = await send(t, 'GET', '/v1/employees', { authorization: bearer(account.key) });
          if (response.status === 429) refused = response;
        }
        assert.ok(refused, 'the 61st request of a trial account within a minute is refused');
        assertApiError(refused, 429, 'rate_limited');
        const row = rowOf(await loggedRows(t), refused);
        assert.equal(row.status, 429);
        assert.equal(row.error_code, 'rate_limited');
        assert.equal(row.account_id, account.account.id);
        assert.equal(row.key_id, account.keyId);
        assert.equal((await allLogRows(t.db.db)).length, 61);
      });
    });

    test('no key text ever reaches the table, wherever the client put the key', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const other = await createTestKey(t, account, ['employees:read']);
        const stranger = generateApiKey();
        const keys = [account.key, other.key, stranger];
        const responses = [
          await send(t, 'GET', '/v1/employees', { authorization: bearer(account.key) }),
          await send(t, 'GET', `/v1/employees?api_key=${other.key}`, {}),
          await send(t, 'GET', `/v1/employees?key=${account.key}&limit=2`, {
            authorization: bearer(account.key),
          }),
          await send(t, 'GET', `/v1/${account.key}`, { authorization: bearer(account.key) }),
          await send(t, 'GET', `/v1/employees/${other.key}`, { authorization: bearer(account.key) }),
          await send(t, 'GET', `/v1/employees/${encodeURIComponent(stranger).replace(/_/g, '%5F')}`, {
            authorization: bearer(account.key),
          }),
          await send(t, 'GET', '/v1/employees', { authorization: account.key }),
          await send(t, 'GET', '/v1/employees', { authorization: `Basic ${other.key}` }),
          await send(t, 'GET', '/v1/employees', { authorization: bearer(stranger) }),
          await send(t, 'GET', '/v1/employees', {
            authorization: bearer(account.key),
            headers: { 'user-agent': `my-script (key ${other.key})` },
          }),
          await call(t, 'POST', '/v1/employees', {
            key: account.key,
            body: { firstName: other.key, lastName: 'B' },
          }),
        ];
        const rows = await loggedRows(t);
        for (const response of responses) rowOf(rows, response);
        const dump = JSON.stringify(await allLogRows(t.db.db));
        assertNoKeyText(dump, keys);
        assert.ok(
          dump.includes('pc_live_[redacted]'),
          'key-shaped tokens are replaced, not silently dropped',
        );
        for (const row of rows.values())
          assert.equal(row.path.includes('?'), false, `${row.path} has no query`);
      });
    });

    test('the logged path keeps the route pattern and the raw path apart', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const id = newId(EMPLOYEES);
        const response = await send(t, 'GET', `/v1/employees/${id}?expand=x`, {
          authorization: bearer(account.key),
        });
        const row = rowOf(await loggedRows(t), response);
        assert.equal(row.route, '/v1/employees/:id');
        assert.equal(row.path, `/v1/employees/${id}`);
      });
    });

    test('app.close() writes what is still buffered', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        for (let i = 0; i < 3; i++)
          await send(t, 'GET', '/v1/employees', { authorization: bearer(account.key) });
        assert.equal(t.app.context.requestLog.bufferedRows, 3);
        await t.app.close();
        assert.equal((await allLogRows(t.db.db)).length, 3);
      });
    });
  });

  describe(`request log: graceful shutdown of a real server (${dialect})`, () => {
    test('rows buffered when the server stops are in the database afterwards', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'punchclock-request-log-'));
      const databaseUrl = process.env.TEST_DATABASE_URL;
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const serverDatabaseUrl =
        dialect === 'postgres' && databaseUrl ? schemaUrl(databaseUrl, schema) : undefined;
      // Schema changes and migrations hold the test suite's schema lock (see test/helpers/dialects.ts).
      const underSchemaLock = <T>(work: () => Promise<T>): Promise<T> =>
        serverDatabaseUrl && databaseUrl ? withSchemaLock(databaseUrl, work) : work();
      if (serverDatabaseUrl && databaseUrl) {
        await withSchemaLock(databaseUrl, (client) => client.query(`create schema ${schema}`));
      }
      try {
        const config = loadConfig({
          PORT: '0',
          PUNCHCLOCK_DATA_DIR: dataDir,
          PUNCHCLOCK_DEMO: 'true',
          LOG_LEVEL: 'silent',
          ...(serverDatabaseUrl ? { DATABASE_URL: serverDatabaseUrl } : {}),
        });
        // No flush timer: everything is still in memory when close() starts, so close() alone must write it.
        const server = await underSchemaLock(() =>
          startServer(config, { banner: false, handleSignals: false, requestLog: { flushIntervalMs: null } }),
        );
        let ids: string[];
        try {
          const key = server.demo?.apiKey;
          assert.ok(key, 'the demo key');
          const requests = [
            { path: '/v1/employees', authorization: `Bearer ${key}` },
            { path: '/v1/employees', authorization: undefined },
            { path: '/v1/nothing-here', authorization: `Bearer ${key}` },
            { path: '/v1/versions', authorization: undefined },
          ];
          const statuses: number[] = [];
          ids = [];
          for (const request of requests) {
            const response = await fetch(`${server.url}${request.path}`, {
              headers: request.authorization ? { authorization: request.authorization } : {},
            });
            await response.arrayBuffer();
            statuses.push(response.status);
            ids.push(String(response.headers.get('x-request-id')));
          }
          assert.deepEqual(statuses, [200, 401, 404, 200]);
          assert.equal(server.app.context.requestLog.bufferedRows, 4, 'nothing written before the shutdown');
        } finally {
          await server.close();
        }

        const reopened = openDatabase({
          databaseUrl: serverDatabaseUrl,
          sqliteFile: serverDatabaseUrl ? undefined : sqliteFileIn(dataDir),
        });
        try {
          const rows = await reopened.db.selectFrom('api_request_log').select(['id', 'status']).execute();
          assert.deepEqual(rows.map((row) => row.id).sort(), [...ids].sort());
        } finally {
          await reopened.close();
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
        if (serverDatabaseUrl && databaseUrl) {
          await withSchemaLock(databaseUrl, (client) => client.query(`drop schema ${schema} cascade`));
        }
      }
    });
  });
}
