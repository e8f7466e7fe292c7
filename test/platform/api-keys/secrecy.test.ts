/**
 * The full key exists exactly once outside the caller's hands: in the creation response. It is never stored,
 * listed, echoed in errors or logged (DESIGN §3.1).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Dialect } from '../../../src/db/database.js';
import { isWellFormedApiKey } from '../../../src/platform/api-keys/format.js';
import {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  rollApiKey,
} from '../../../src/platform/api-keys/service.js';
import { createTestAccount, createTestApp, createTestKey, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { assertApiError, bearer, send, withTestApp } from '../../helpers/security-suite.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The secret parts of a key: the whole key and its 40 hex (which hold the 128 random bits). */
function secretPartsOf(key: string): string[] {
  return [key, key.slice(8), key.slice(8, 40)];
}

function assertContainsNoKey(text: string, keys: readonly string[], where: string): void {
  for (const key of keys) {
    for (const part of secretPartsOf(key)) {
      assert.equal(text.includes(part), false, `${where} contains (part of) the key ${key.slice(0, 12)}…`);
    }
  }
}

/** Every row of every table of the test database, as JSON text. */
async function dumpDatabase(t: TestApp): Promise<string> {
  // Straight from the catalogue of this database/schema only: Kysely's introspector reads every schema, and other
  // test files drop theirs concurrently.
  const tables =
    t.db.dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.db.db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(t.db.db);
  const names = tables.rows.map((row) => row.name);
  assert.ok(names.includes('api_keys'), 'the dump includes api_keys');
  const dumps: string[] = [];
  for (const name of names) {
    const rows = await sql`select * from ${sql.table(name)}`.execute(t.db.db);
    dumps.push(`${name}: ${JSON.stringify(rows.rows)}`);
  }
  return dumps.join('\n');
}

/** A test app whose logger writes every line, at trace level and with the access log on, into `lines`. */
function createLoggedTestApp(dialect: Dialect, lines: string[]): Promise<TestApp> {
  return createTestApp(dialect, {
    env: { LOG_LEVEL: 'trace', PUNCHCLOCK_ACCESS_LOG: 'true' },
    logger: { level: 'trace', stream: { write: (line: string) => void lines.push(line) } },
  });
}

for (const dialect of DIALECTS) {
  describe(`API key secrecy (${dialect})`, () => {
    test('the creation response carries the key; the database keeps only its SHA-256, prefix and last 4', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const created = await createApiKey(t.app.context, account.account.id, {
          name: 'Payroll sync',
          scopes: ['employees:read'],
          createdBy: account.admin.id,
        });
        assert.equal(isWellFormedApiKey(created.key), true);
        assertContainsNoKey(JSON.stringify(created.object), [created.key], 'the key object');
        assert.equal(created.object.displayPrefix, created.key.slice(0, 12));
        assert.equal(created.object.last4, created.key.slice(-4));

        const row = await t.db.db
          .selectFrom('api_keys')
          .selectAll()
          .where('id', '=', created.object.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.key_hash, sha256(created.key));
        assert.equal(row.display_prefix, created.key.slice(0, 12));
        assert.equal(row.last4, created.key.slice(-4));
        assertContainsNoKey(JSON.stringify(row), [created.key], 'the api_keys row');

        // Nowhere in the whole database either (the account's first key included).
        assertContainsNoKey(await dumpDatabase(t), [created.key, account.key], 'the database');
      });
    });

    test('a rolled key is stored the same way and returned only in the roll response', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { id } = await createTestKey(t, account, ['*']);
        const rolled = await rollApiKey(t.app.context, account.account.id, id, { actor: account.admin.id });
        assert.equal(isWellFormedApiKey(rolled.key), true);
        assertContainsNoKey(
          JSON.stringify([rolled.object, rolled.previous]),
          [rolled.key],
          'the roll objects',
        );
        const row = await t.db.db
          .selectFrom('api_keys')
          .select('key_hash')
          .where('id', '=', rolled.object.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.key_hash, sha256(rolled.key));
        assertContainsNoKey(await dumpDatabase(t), [rolled.key], 'the database');
      });
    });

    test('lists and GET /v1/api-key never contain a key', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const other = await createTestKey(t, account, ['employees:read'], { name: 'Other' });
        const list = await listApiKeys(t.app.context, account.account.id);
        assert.equal(list.length, 2);
        assertContainsNoKey(JSON.stringify(list), [account.key, other.key], 'listApiKeys');
        for (const item of list) {
          assert.deepEqual(Object.keys(item).sort(), [
            'createdAt',
            'createdBy',
            'displayPrefix',
            'expiresAt',
            'fieldRestrictions',
            'id',
            'last4',
            'lastUsedAt',
            'name',
            'object',
            'ownerActive',
            'rateLimitPerMinute',
            'replacedBy',
            'scopes',
            'status',
            'updatedAt',
          ]);
        }
        const self = await send(t, 'GET', '/v1/api-key', { authorization: bearer(other.key) });
        assert.equal(self.status, 200, self.raw);
        assertContainsNoKey(self.raw, [account.key, other.key], 'GET /v1/api-key');
        assert.equal(self.raw.includes(sha256(other.key)), false, 'the hash is not served either');
      });
    });

    test('error responses never echo the key', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const readOnly = await createTestKey(t, account, ['employees:read'], { name: 'Read only' });
        const revoked = await createTestKey(t, account, ['*'], { name: 'Revoked' });
        await revokeApiKey(t.app.context, account.account.id, revoked.id, account.admin.id);
        const expiring = await createTestKey(t, account, ['*'], {
          name: 'Expiring',
          expiresAt: '2026-11-01T12:00:01.000Z',
        });
        t.clock.advance(1000);
        const badChecksum = account.key.slice(0, -1) + (account.key.at(-1) === '0' ? '1' : '0');

        const responses = [
          assertApiError(
            await send(t, 'GET', '/v1/employees', { authorization: bearer(revoked.key) }),
            401,
            'api_key_revoked',
          ),
          assertApiError(
            await send(t, 'GET', '/v1/employees', { authorization: bearer(expiring.key) }),
            401,
            'api_key_expired',
          ),
          assertApiError(
            await send(t, 'GET', '/v1/employees', { authorization: bearer(badChecksum) }),
            401,
            'api_key_invalid',
          ),
          assertApiError(
            await send(t, 'GET', '/v1/employees', { authorization: account.key }),
            401,
            'api_key_invalid',
          ),
          assertApiError(
            await send(t, 'POST', '/v1/employees', {
              authorization: bearer(readOnly.key),
              body: { firstName: 'A', lastName: 'B' },
            }),
            403,
            'missing_scope',
          ),
          assertApiError(
            await send(t, 'POST', '/v1/employees', {
              authorization: bearer(account.key),
              body: { firstName: '', lastName: 'B' },
            }),
            400,
            'parameter_invalid',
            { param: 'firstName' },
          ),
          assertApiError(
            await send(t, 'GET', '/v1/employees?limit=0', { authorization: bearer(account.key) }),
            400,
            'parameter_invalid',
            { param: 'limit' },
          ),
          assertApiError(
            await send(t, 'GET', '/v1/nothing-here', { authorization: bearer(account.key) }),
            404,
            'route_not_found',
          ),
        ];
        assertContainsNoKey(
          JSON.stringify(responses),
          [account.key, readOnly.key, revoked.key, expiring.key, badChecksum],
          'error responses',
        );
      });
    });

    test('the server log never contains a key or an Authorization header value', async () => {
      const lines: string[] = [];
      const t = await createLoggedTestApp(dialect, lines);
      try {
        const account = await createTestAccount(t);
        const readOnly = await createTestKey(t, account, ['employees:read'], { name: 'Read only' });
        const revoked = await createTestKey(t, account, ['*'], { name: 'Revoked' });
        await revokeApiKey(t.app.context, account.account.id, revoked.id, account.admin.id);
        const badChecksum = account.key.slice(0, -1) + (account.key.at(-1) === '0' ? '1' : '0');

        const responses = [
          await send(t, 'GET', '/v1/employees', { authorization: bearer(account.key) }),
          await send(t, 'GET', '/v1/api-key', { authorization: bearer(readOnly.key) }),
          await send(t, 'POST', '/v1/employees', {
            authorization: bearer(account.key),
            body: { firstName: 'Ada', lastName: 'Lovelace' },
          }),
          await send(t, 'POST', '/v1/employees', {
            authorization: bearer(account.key),
            body: { firstName: 7 },
          }),
          await t.app
            .inject({
              method: 'POST',
              url: '/v1/employees',
              headers: { authorization: bearer(account.key), 'content-type': 'application/json' },
              payload: '{"firstName": ',
            })
            .then((r) => ({ status: r.statusCode, headers: r.headers, raw: r.body })),
          await send(t, 'GET', '/v1/employees', { authorization: bearer(revoked.key) }),
          await send(t, 'GET', '/v1/employees', { authorization: bearer(badChecksum) }),
          await send(t, 'POST', '/v1/employees', {
            authorization: bearer(readOnly.key),
            body: { firstName: 'A', lastName: 'B' },
          }),
          await send(t, 'GET', '/v1/nothing-here', { authorization: bearer(account.key) }),
          await send(t, 'GET', '/v1/employees', { authorization: account.key }),
          // Some clients put the key in the URL; it must not reach the log through the logged URL either.
          await send(t, 'GET', `/v1/employees?api_key=${readOnly.key}`, {}),
          await send(t, 'GET', `/v1/${account.key}`, { authorization: bearer(account.key) }),
        ];
        assert.deepEqual(
          responses.map((r) => r.status),
          [200, 200, 201, 400, 400, 401, 401, 403, 404, 401, 401, 404],
        );
        await t.app.context.requestLog.flush();

        // The capture works: every request was logged, with its request id.
        const log = lines.join('');
        for (const response of responses) {
          const requestId = String(response.headers['x-request-id']);
          assert.ok(log.includes(requestId), `request ${requestId} was logged`);
        }
        assert.ok(lines.length >= responses.length * 2, `${lines.length} log lines`);

        assertContainsNoKey(log, [account.key, readOnly.key, revoked.key, badChecksum], 'the log');
        assert.equal(/Bearer\s+pc_live_/i.test(log), false, 'no Authorization header value is logged');
      } finally {
        await t.close();
      }
    });
  });
}
