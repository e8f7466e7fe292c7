import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { buildApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { type Dialect, migrateToLatest, openDatabase } from '../../../src/db/database.js';
import { WorkerSink } from '../../../src/platform/request-log/worker-sink.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { call, createTestAccount, type TestApp } from '../../helpers/app.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../../helpers/dialects.js';

/** A database another thread can open too: a SQLite file, or the test's PostgreSQL schema. */
async function shareableDatabase(dialect: Dialect): Promise<{ db: TestDatabase; cleanup(): Promise<void> }> {
  if (dialect === 'postgres') {
    // dispose() already drops the test's schema.
    return { db: await openTestDatabase('postgres'), cleanup: async () => {} };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'punchclock-log-worker-'));
  const handle = openDatabase({ sqliteFile: path.join(dir, 'log.sqlite') });
  await migrateToLatest(handle.db);
  const db: TestDatabase = { ...handle, dispose: () => handle.close() };
  return { db, cleanup: async () => rm(dir, { recursive: true, force: true }) };
}

const countLogRows = async (db: TestDatabase) =>
  Number(
    (
      await db.db
        .selectFrom('api_request_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst()
    )?.n,
  );

for (const dialect of DIALECTS) {
  describe(`request log written from a worker thread (${dialect})`, () => {
    test('rows and lastUsedAt reach the database through the worker; close flushes and stops it', async () => {
      const { db, cleanup } = await shareableDatabase(dialect);
      const clock = new ManualClock();
      const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), {
        database: db,
        clock,
        logger: false,
        requestLog: { flushIntervalMs: null, retentionSweepIntervalMs: null },
        requestLogInWorker: true,
      });
      const t = { app } as TestApp;
      try {
        const account = await createTestAccount(t);
        for (let i = 0; i < 5; i++)
          assert.equal((await call(t, 'GET', '/v1/api-key', { key: account.key })).status, 200);
        assert.equal((await call(t, 'GET', '/v1/employees')).status, 401);
        await app.context.requestLog.flush();
        assert.equal(await countLogRows(db), 6);
        const key = await db.db
          .selectFrom('api_keys')
          .select('last_used_at')
          .where('account_id', '=', account.account.id)
          .executeTakeFirst();
        assert.equal(key?.last_used_at, clock.now().toISOString());
        // Rows recorded just before shutdown are written by close().
        await call(t, 'GET', '/v1/api-key', { key: account.key });
        await app.close();
        assert.equal(await countLogRows(db), 7);
      } finally {
        await db.dispose();
        await cleanup();
      }
    });

    test('after the worker is gone the next batch starts a new one; a batch the database refuses is reported', async () => {
      const { db, cleanup } = await shareableDatabase(dialect);
      const sink = new WorkerSink(db.options);
      const row = (id: string) => ({
        id,
        account_id: null,
        key_id: null,
        method: 'GET',
        route: null,
        path: '/v1/x',
        status: 404,
        error_code: 'route_not_found',
        duration_ms: 1,
        ip: '127.0.0.1',
        user_agent: null,
        api_version: null,
        created_at: new Date().toISOString(),
      });
      try {
        await sink.write([row('req_WORKER0000000000000000001')], new Map());
        assert.equal(await countLogRows(db), 1);
        // Closing the worker's connection under it makes its next batch fail, as a crashed thread would.
        await sink.close();
        await sink.write([row('req_WORKER0000000000000000002')], new Map());
        assert.equal(await countLogRows(db), 2, 'a fresh worker took the next batch');
        await assert.rejects(
          sink.write([{ ...row('req_WORKER0000000000000000003'), status: Number.NaN }], new Map()),
          'a batch the database refuses is reported to the writer, which keeps the rows',
        );
      } finally {
        await sink.close();
        await db.dispose();
        await cleanup();
      }
    });
  });
}
