import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { ConfigError, loadConfig } from '../src/config.js';
import { openConfiguredDatabase } from '../src/server.js';
import { call, createTestAccount, createTestApp } from './helpers/app.js';

describe('configuration', () => {
  test('defaults (DESIGN §3.12)', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.demo, true);
    assert.equal(config.logRetentionDays, 30);
    assert.equal(config.webhookAllowPrivate, false);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.equal(config.trustProxy, false);
    assert.equal(config.sqliteSynchronous, 'normal');
    assert.ok(Object.isFrozen(config));
  });

  test('values are parsed and normalised', () => {
    const config = loadConfig({
      PORT: '8080',
      PUNCHCLOCK_DEMO: 'false',
      PUNCHCLOCK_LOG_RETENTION_DAYS: '7',
      PUNCHCLOCK_PUBLIC_URL: 'https://time.example.com/',
      LOG_LEVEL: 'WARN',
      DATABASE_URL: ' postgres://db/app ',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.demo, false);
    assert.equal(config.logRetentionDays, 7);
    assert.equal(config.publicUrl, 'https://time.example.com');
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.databaseUrl, 'postgres://db/app');
    assert.equal(loadConfig({ PUNCHCLOCK_TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ PUNCHCLOCK_TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(
      loadConfig({ PUNCHCLOCK_TRUST_PROXY: '10.0.0.0/8, 192.168.1.1' }).trustProxy,
      '10.0.0.0/8,192.168.1.1',
    );
    assert.equal(loadConfig({ PUNCHCLOCK_SQLITE_SYNCHRONOUS: ' FULL ' }).sqliteSynchronous, 'full');
    assert.equal(loadConfig({}).accessLog, false);
    assert.equal(loadConfig({ PUNCHCLOCK_ACCESS_LOG: 'true' }).accessLog, true);
    assert.equal(loadConfig({ PORT: '8080' }).publicUrl, 'http://localhost:8080');
    assert.equal(
      loadConfig({ PUNCHCLOCK_PUBLIC_URL: ' http://10.0.0.5:3000/punchclock// ' }).publicUrl,
      'http://10.0.0.5:3000/punchclock',
    );
  });

  test('PUNCHCLOCK_SQLITE_SYNCHRONOUS sets the synchronous mode of the embedded database', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'punchclock-config-'));
    try {
      for (const [value, pragma] of [
        ['normal', 1],
        ['full', 2],
      ] as const) {
        const database = openConfiguredDatabase(
          loadConfig({ PUNCHCLOCK_DATA_DIR: dataDir, PUNCHCLOCK_SQLITE_SYNCHRONOUS: value }),
        );
        const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(database.db);
        await database.close();
        assert.deepEqual(rows, [{ synchronous: pragma }]);
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('invalid values stop the process with a message naming the variable', () => {
    for (const [name, value] of [
      ['PORT', 'eighty'],
      ['PORT', '70000'],
      ['PUNCHCLOCK_DEMO', 'maybe'],
      ['PUNCHCLOCK_LOG_RETENTION_DAYS', '0'],
      ['LOG_LEVEL', 'loud'],
      ['PUNCHCLOCK_TRUST_PROXY', 'the load balancer'],
      ['PUNCHCLOCK_SQLITE_SYNCHRONOUS', 'always'],
      ['PUNCHCLOCK_ACCESS_LOG', 'loud'],
      ['PUNCHCLOCK_PUBLIC_URL', 'time.example.com'],
      ['PUNCHCLOCK_PUBLIC_URL', 'ftp://time.example.com'],
      ['PUNCHCLOCK_PUBLIC_URL', 'https://time.example.com/?portal=1'],
    ] as const) {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.ok(error.message.includes(name), error.message);
          return true;
        },
      );
    }
  });

  test('behind a trusted proxy the client address comes from X-Forwarded-For', async () => {
    for (const [trust, expected] of [
      ['true', '203.0.113.7'],
      ['false', '127.0.0.1'],
    ] as const) {
      const t = await createTestApp('sqlite', { env: { PUNCHCLOCK_TRUST_PROXY: trust } });
      try {
        const account = await createTestAccount(t);
        await call(t, 'GET', '/v1/api-key', {
          key: account.key,
          headers: { 'x-forwarded-for': '203.0.113.7' },
        });
        await t.app.context.requestLog.flush();
        const row = await t.db.db.selectFrom('api_request_log').select('ip').executeTakeFirstOrThrow();
        assert.equal(row.ip, expected, `PUNCHCLOCK_TRUST_PROXY=${trust}`);
      } finally {
        await t.close();
      }
    }
  });
});
