import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setApiAccess } from '../../../src/platform/accounts/service.js';
import { generateApiKey } from '../../../src/platform/api-keys/format.js';
import { revokeApiKey } from '../../../src/platform/api-keys/service.js';
import type { ErrorCode } from '../../../src/platform/errors/catalogue.js';
import { createTestAccount, createTestKey, type TestAccount, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { assertApiError, bearer, send, withTestApp } from '../../helpers/security-suite.js';

async function lastUsedAtOf(t: TestApp, keyId: string): Promise<string | null> {
  const row = await t.db.db
    .selectFrom('api_keys')
    .select('last_used_at')
    .where('id', '=', keyId)
    .executeTakeFirstOrThrow();
  return row.last_used_at;
}

/** Starts counting queries from zero, after anything the app still had to write. */
async function resetQueryCount(t: TestApp): Promise<void> {
  await t.app.context.requestLog.flush();
  t.queries.count = 0;
  t.queries.sql.length = 0;
}

for (const dialect of DIALECTS) {
  describe(`API key authentication (${dialect})`, () => {
    test('a token with a bad checksum, a malformed token or no token causes no database query', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const last = account.key.at(-1) === 'a' ? 'b' : 'a';
        const badChecksum = account.key.slice(0, -1) + last;
        const cases: [string | undefined, ErrorCode][] = [
          [bearer(badChecksum), 'api_key_invalid'],
          [bearer(`pc_live_${'0'.repeat(40)}`), 'api_key_invalid'],
          ['Bearer garbage', 'api_key_invalid'],
          [`Basic ${Buffer.from('user:pass').toString('base64')}`, 'api_key_invalid'],
          [undefined, 'api_key_missing'],
        ];
        for (const [authorization, code] of cases) {
          await resetQueryCount(t);
          const response = await send(t, 'GET', '/v1/employees', { authorization });
          assertApiError(response, 401, code);
          assert.equal(t.queries.count, 0, `${authorization}: ${t.queries.sql.join('; ')}`);
        }

        // Controls: the counter does count the lookups a well-formed token needs.
        await resetQueryCount(t);
        assertApiError(
          await send(t, 'GET', '/v1/employees', { authorization: bearer(generateApiKey()) }),
          401,
          'api_key_invalid',
        );
        assert.equal(t.queries.count, 1, t.queries.sql.join('; '));
        await resetQueryCount(t);
        const ok = await send(t, 'GET', '/v1/employees', { authorization: bearer(account.key) });
        assert.equal(ok.status, 200, ok.raw);
        assert.ok(t.queries.count >= 2, t.queries.sql.join('; '));

        // The real key is cached now; a token one character off it still costs nothing and is refused.
        await resetQueryCount(t);
        assertApiError(
          await send(t, 'GET', '/v1/employees', { authorization: bearer(badChecksum) }),
          401,
          'api_key_invalid',
        );
        assert.equal(t.queries.count, 0, t.queries.sql.join('; '));
      });
    });

    test('a verified key is cached: the next request does not read the key again', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const keyLookups = () => t.queries.sql.filter((sql) => /from "api_keys" as "k"/.test(sql)).length;
        await resetQueryCount(t);
        assert.equal(
          (await send(t, 'GET', '/v1/api-key', { authorization: bearer(account.key) })).status,
          200,
        );
        assert.equal(keyLookups(), 1, t.queries.sql.join('; '));
        await resetQueryCount(t);
        assert.equal(
          (await send(t, 'GET', '/v1/api-key', { authorization: bearer(account.key) })).status,
          200,
        );
        assert.equal(keyLookups(), 0, t.queries.sql.join('; '));
      });
    });

    test('GET /v1/api-key returns the calling key’s metadata, never the key', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { key, id } = await createTestKey(t, account, ['employees:read', 'timeentries:read'], {
          name: 'Payroll sync',
          fieldRestrictions: { employees: ['firstName', 'lastName'] },
          expiresAt: '2027-01-01T00:00:00.000Z',
        });
        const response = await send(t, 'GET', '/v1/api-key', { authorization: bearer(key) });
        assert.equal(response.status, 200, response.raw);
        const now = t.clock.now().toISOString();
        assert.deepEqual(response.body, {
          id,
          object: 'api_key',
          name: 'Payroll sync',
          displayPrefix: key.slice(0, 12),
          last4: key.slice(-4),
          scopes: ['employees:read', 'timeentries:read'],
          fieldRestrictions: { employees: ['firstName', 'lastName'] },
          status: 'active',
          expiresAt: '2027-01-01T00:00:00.000Z',
          rateLimitPerMinute: null,
          createdBy: account.admin.id,
          replacedBy: null,
          lastUsedAt: null,
          createdAt: now,
          updatedAt: now,
        });
        assert.equal(response.raw.includes(key), false);
        assert.equal(response.raw.includes(key.slice(8)), false);
      });
    });

    test('a revoke in the same process takes effect on the very next request', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { key, id } = await createTestKey(t, account, ['*']);
        for (let i = 0; i < 2; i++) {
          assert.equal((await send(t, 'GET', '/v1/employees', { authorization: bearer(key) })).status, 200);
        }
        const hitsBefore = t.app.context.keyCache.hits;
        assert.equal((await send(t, 'GET', '/v1/employees', { authorization: bearer(key) })).status, 200);
        assert.equal(t.app.context.keyCache.hits, hitsBefore + 1, 'the key was served from the cache');

        await revokeApiKey(t.app.context, account.account.id, id, account.admin.id);
        assertApiError(
          await send(t, 'GET', '/v1/employees', { authorization: bearer(key) }),
          401,
          'api_key_revoked',
        );
        // The account's other key is unaffected.
        assert.equal(
          (await send(t, 'GET', '/v1/employees', { authorization: bearer(account.key) })).status,
          200,
        );
      });
    });

    test('switching API access off in the same process takes effect on the next request, and back on', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        assert.equal(
          (await send(t, 'GET', '/v1/employees', { authorization: bearer(account.key) })).status,
          200,
        );
        await setApiAccess(t.app.context, account.account.id, false);
        assertApiError(
          await send(t, 'GET', '/v1/employees', { authorization: bearer(account.key) }),
          403,
          'api_access_disabled',
        );
        await setApiAccess(t.app.context, account.account.id, true);
        assert.equal(
          (await send(t, 'GET', '/v1/employees', { authorization: bearer(account.key) })).status,
          200,
        );
      });
    });

    const crossProcessChanges: {
      name: string;
      status: number;
      code: ErrorCode;
      apply(t: TestApp, account: TestAccount, keyId: string, now: string): Promise<void>;
    }[] = [
      {
        name: 'a revoke',
        status: 401,
        code: 'api_key_revoked',
        apply: async (t, _account, keyId, now) => {
          await t.db.db
            .updateTable('api_keys')
            .set({ revoked_at: now, updated_at: now })
            .where('id', '=', keyId)
            .execute();
        },
      },
      {
        name: 'API access switched off',
        status: 403,
        code: 'api_access_disabled',
        apply: async (t, account, _keyId, now) => {
          await t.db.db
            .updateTable('accounts')
            .set({ api_access: 0, updated_at: now })
            .where('id', '=', account.account.id)
            .execute();
        },
      },
      {
        name: "the owner's deactivation",
        status: 401,
        code: 'api_key_owner_inactive',
        apply: async (t, account, _keyId, now) => {
          await t.db.db
            .updateTable('users')
            .set({ active: 0, updated_at: now })
            .where('id', '=', account.admin.id)
            .execute();
        },
      },
    ];

    for (const change of crossProcessChanges) {
      test(`${change.name} made by another process (the CLI) applies within 5 seconds`, async () => {
        await withTestApp(dialect, async (t) => {
          const account = await createTestAccount(t);
          const keyId = account.keyId;
          const authorization = bearer(account.key);
          assert.equal((await send(t, 'GET', '/v1/employees', { authorization })).status, 200);

          // Straight to the database, as another process would: this process's cache is not told.
          await change.apply(t, account, keyId, t.clock.now().toISOString());
          assert.equal((await send(t, 'GET', '/v1/employees', { authorization })).status, 200);
          t.clock.advance(4999);
          assert.equal((await send(t, 'GET', '/v1/employees', { authorization })).status, 200);
          t.clock.advance(1);
          assertApiError(
            await send(t, 'GET', '/v1/employees', { authorization }),
            change.status,
            change.code,
          );
        });
      });
    }

    test('lastUsedAt is written off the request path, at most once a minute', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { key, id } = await createTestKey(t, account, ['*']);
        const authorization = bearer(key);
        const start = t.clock.now();

        await resetQueryCount(t);
        assert.equal((await send(t, 'GET', '/v1/employees', { authorization })).status, 200);
        const writes = t.queries.sql.filter((sql) => /^update "api_keys"/i.test(sql));
        assert.deepEqual(writes, [], 'the request itself writes nothing to api_keys');
        assert.equal(await lastUsedAtOf(t, id), null);

        await t.app.context.requestLog.flush();
        assert.equal(await lastUsedAtOf(t, id), start.toISOString());

        // Within the minute: requests do not move it.
        t.clock.advance(30_000);
        assert.equal((await send(t, 'GET', '/v1/employees', { authorization })).status, 200);
        t.clock.advance(29_999);
        assert.equal((await send(t, 'GET', '/v1/employees', { authorization })).status, 200);
        t.queries.count = 0;
        t.queries.sql.length = 0;
        await t.app.context.requestLog.flush();
        assert.deepEqual(
          t.queries.sql.filter((sql) => /^update "api_keys"/i.test(sql)),
          [],
          'no lastUsedAt was pending (the flush wrote only the request log)',
        );
        assert.equal(await lastUsedAtOf(t, id), start.toISOString());

        // A minute after the last write it moves again.
        t.clock.advance(1);
        const minuteLater = t.clock.now().toISOString();
        assert.equal((await send(t, 'GET', '/v1/employees', { authorization })).status, 200);
        await t.app.context.requestLog.flush();
        assert.equal(await lastUsedAtOf(t, id), minuteLater);

        const self = await send<{ lastUsedAt: string | null }>(t, 'GET', '/v1/api-key', { authorization });
        assert.equal(self.body.lastUsedAt, minuteLater);
        // Another key of the account was never used.
        assert.equal(await lastUsedAtOf(t, account.keyId), null);
      });
    });

    test('a refused request does not count as a use', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { key, id } = await createTestKey(t, account, ['employees:read']);
        await revokeApiKey(t.app.context, account.account.id, id, account.admin.id);
        assertApiError(
          await send(t, 'GET', '/v1/employees', { authorization: bearer(key) }),
          401,
          'api_key_revoked',
        );
        await t.app.context.requestLog.flush();
        assert.equal(await lastUsedAtOf(t, id), null);
      });
    });
  });
}
