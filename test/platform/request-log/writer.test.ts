import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../src/db/tables.js';
import { createAccountWithAdmin } from '../../../src/platform/accounts/service.js';
import { createApiKey } from '../../../src/platform/api-keys/service.js';
import { deleteRequestLogBefore } from '../../../src/platform/request-log/repository.js';
import { sweepRequestLog } from '../../../src/platform/request-log/retention.js';
import { databaseSink, type RequestLogSink } from '../../../src/platform/request-log/sink.js';
import { type RequestLogOptions, RequestLogWriter } from '../../../src/platform/request-log/writer.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { createTestApp, serviceContext } from '../../helpers/app.js';
import { DIALECTS, openTestDatabase, type TestDatabase, withSchemaLock } from '../../helpers/dialects.js';
import { allLogRows, CapturingLogger, countLogRows, eventually, logRow } from './support.js';

const QUIET: Partial<RequestLogOptions> = { flushIntervalMs: null, retentionSweepIntervalMs: null };

async function withDatabase(
  dialect: (typeof DIALECTS)[number],
  run: (db: TestDatabase) => Promise<void>,
): Promise<void> {
  const db = await openTestDatabase(dialect);
  try {
    await run(db);
  } finally {
    await db.dispose();
  }
}

/**
 * Takes a table away and gives it back: a database that refuses the writer's statements, then recovers. On
 * PostgreSQL the rename holds the suite's schema lock, because another test file's migrator, introspecting every
 * schema at that moment, would otherwise fail on the vanished table (see test/helpers/dialects.ts).
 */
async function renameTable(db: TestDatabase, from: string, to: string): Promise<void> {
  const rename = () => sql`alter table ${sql.table(from)} rename to ${sql.table(to)}`.execute(db.db);
  const url = process.env.TEST_DATABASE_URL;
  if (db.dialect === 'postgres' && url) await withSchemaLock(url, rename);
  else await rename();
}

async function lastUsedAtOf(db: Kysely<Database>, keyId: string): Promise<string | null> {
  const row = await db
    .selectFrom('api_keys')
    .select('last_used_at')
    .where('id', '=', keyId)
    .executeTakeFirstOrThrow();
  return row.last_used_at;
}

/** A real key row, for lastUsedAt. */
async function createKey(
  db: TestDatabase,
  clock: ManualClock,
): Promise<{ accountId: string; keyId: string }> {
  const ctx = serviceContext(db, clock);
  const { account, admin } = await createAccountWithAdmin(ctx, {
    name: 'Writer Co',
    plan: 'pro',
    timezone: 'UTC',
    adminEmail: `writer.${Date.now()}.${Math.random()}@test.punchclock.test`,
    adminPassword: 'correct horse battery staple',
  });
  const { object } = await createApiKey(ctx, account.id, { name: 'k', scopes: ['*'], createdBy: admin.id });
  return { accountId: account.id, keyId: object.id };
}

for (const dialect of DIALECTS) {
  describe(`request log writer (${dialect})`, () => {
    test('the timer writes buffered rows in the background', async () => {
      await withDatabase(dialect, async (db) => {
        const writer = new RequestLogWriter(db.db, new ManualClock(), new CapturingLogger(), {
          ...QUIET,
          flushIntervalMs: 20,
        });
        try {
          writer.record(logRow(), null);
          assert.equal(writer.bufferedRows, 1, 'recording only appends to memory');
          await eventually(async () => (await countLogRows(db.db)) === 1, 'the timer wrote the row');
          assert.equal(writer.bufferedRows, 0);
        } finally {
          await writer.close();
        }
      });
    });

    test('a full batch is written at once, without waiting for the timer', async () => {
      await withDatabase(dialect, async (db) => {
        const writer = new RequestLogWriter(db.db, new ManualClock(), new CapturingLogger(), {
          ...QUIET,
          batchSize: 5,
        });
        try {
          for (let i = 0; i < 4; i++) writer.record(logRow(), null);
          await nextTurn();
          assert.equal(await countLogRows(db.db), 0, 'an incomplete batch waits');
          writer.record(logRow(), null);
          await eventually(async () => (await countLogRows(db.db)) === 5, 'the full batch was written');
        } finally {
          await writer.close();
        }
      });
    });

    test('rows recorded while a batch is written wait for a full batch or the timer, not a write of their own', async () => {
      await withDatabase(dialect, async (db) => {
        const written: number[] = [];
        let release: () => void = () => {};
        const sink: RequestLogSink = {
          write: async (rows) => {
            written.push(rows.length);
            // The first write stays on the wire until the test lets it go.
            if (written.length === 1) await new Promise<void>((resolve) => (release = resolve));
            return new Map();
          },
          close: async () => {},
        };
        const writer = new RequestLogWriter(db.db, new ManualClock(), new CapturingLogger(), {
          ...QUIET,
          batchSize: 5,
          sink,
        });
        try {
          for (let i = 0; i < 5; i++) writer.record(logRow(), null);
          await eventually(async () => written.length === 1, 'the full batch went out');
          writer.record(logRow(), null);
          writer.record(logRow(), null);
          release();
          for (let turn = 0; turn < 10; turn++) await nextTurn();
          assert.deepEqual(written, [5], 'two rows are no batch: they wait');
          for (let i = 0; i < 3; i++) writer.record(logRow(), null);
          await eventually(async () => written.length === 2, 'the next full batch went out');
          writer.record(logRow(), null);
          await writer.flush();
          assert.deepEqual(written, [5, 5, 1], 'flush() writes what is left');
        } finally {
          await writer.close();
        }
      });
    });

    test('flush() writes everything recorded, in batches, and costs no query when nothing is buffered', async () => {
      const queries: string[] = [];
      const db = await openTestDatabase(dialect, { onQuery: (event) => queries.push(event.query.sql) });
      const database = databaseSink(db.db);
      const batches: number[] = [];
      const sink: RequestLogSink = {
        write: (rows, keyUses) => {
          batches.push(rows.length);
          return database.write(rows, keyUses);
        },
        close: () => database.close(),
      };
      const writer = new RequestLogWriter(db.db, new ManualClock(), new CapturingLogger(), {
        ...QUIET,
        batchSize: 500,
        sink,
      });
      try {
        // Recorded synchronously, so the batch-full trigger and the explicit flush share the work.
        for (let i = 0; i < 1200; i++) writer.record(logRow(), null);
        await writer.flush();
        assert.equal(await countLogRows(db.db), 1200);
        assert.deepEqual(batches, [500, 500, 200], 'three batches of at most 500 rows');
        queries.length = 0;
        await writer.flush();
        assert.deepEqual(queries, []);
      } finally {
        await writer.close();
        await db.dispose();
      }
    });

    test('a batch written again (its commit unacknowledged) is accepted, and every value is stored as recorded', async () => {
      await withDatabase(dialect, async (db) => {
        const sink = databaseSink(db.db);
        // 37 rows: several insert sizes at once on SQLite (32 + 4 + 1), with nulls and text that needs escaping.
        const rows = Array.from({ length: 37 }, (_, i) =>
          logRow({
            account_id: i % 3 === 0 ? null : `acct_${i}`,
            key_id: i % 2 === 0 ? null : `key_${i}`,
            route: i % 5 === 0 ? null : '/v1/employees/:id',
            path: `/v1/employees/emp_${i}"{},\\ é`,
            status: 200 + i,
            error_code: i % 4 === 0 ? 'resource_not_found' : null,
            duration_ms: i * 7,
            user_agent: i % 6 === 0 ? null : i === 1 ? 'NULL' : `agent "${i}", {NULL}`,
            api_version: i % 7 === 0 ? null : '2026-11-01',
            created_at: new Date(Date.UTC(2026, 10, 1, 12, 0, i)).toISOString(),
          }),
        );
        await sink.write(rows, new Map());
        await sink.write(rows.slice(0, 20), new Map());
        await sink.write(rows, new Map());
        const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
        assert.deepEqual(await allLogRows(db.db), [...rows].sort(byId));
      });
    });

    test('a batch is one transaction: its rows and the keys’ lastUsedAt commit together or not at all', async () => {
      await withDatabase(dialect, async (db) => {
        const clock = new ManualClock('2026-11-01T12:00:00.000Z');
        const { accountId, keyId } = await createKey(db, clock);
        const log = new CapturingLogger();
        const writer = new RequestLogWriter(db.db, clock, log, QUIET);
        try {
          // The lastUsedAt update fails after the rows were inserted: the insert must be rolled back.
          await renameTable(db, 'api_keys', 'api_keys_away');
          writer.record(logRow({ account_id: accountId, key_id: keyId }), keyId);
          await writer.flush();
          await renameTable(db, 'api_keys_away', 'api_keys');
          assert.equal(await countLogRows(db.db), 0, 'the inserted rows were rolled back');
          assert.equal(await lastUsedAtOf(db.db, keyId), null);
          assert.equal(writer.bufferedRows, 1, 'the failed batch is kept for the next attempt');
          assert.equal(log.errors.length, 1);

          await writer.flush();
          assert.equal(await countLogRows(db.db), 1);
          assert.equal(await lastUsedAtOf(db.db, keyId), '2026-11-01T12:00:00.000Z');
          assert.equal(log.infos.length, 1, 'the recovery is logged');
        } finally {
          await writer.close();
        }
      });
    });

    test('while the database refuses writes, memory stays bounded: the oldest rows are dropped and counted', async () => {
      await withDatabase(dialect, async (db) => {
        const log = new CapturingLogger();
        const writer = new RequestLogWriter(db.db, new ManualClock(), log, {
          ...QUIET,
          batchSize: 4,
          maxBufferedRows: 10,
        });
        try {
          await renameTable(db, 'api_request_log', 'api_request_log_away');
          const ids: string[] = [];
          for (let i = 0; i < 25; i++) {
            const row = logRow();
            ids.push(row.id);
            writer.record(row, null);
            if (i % 5 === 4) await writer.flush();
          }
          await writer.flush();
          assert.equal(writer.bufferedRows, 10);
          assert.equal(writer.droppedRows, 15);
          assert.ok(writer.failedFlushes >= 5, `${writer.failedFlushes} failed flushes`);
          assert.equal(log.errors.length, 1, 'one error per outage, not one per attempt');

          await renameTable(db, 'api_request_log_away', 'api_request_log');
          await writer.flush();
          assert.equal(writer.bufferedRows, 0);
          assert.deepEqual(
            (await allLogRows(db.db)).map((row) => row.id),
            ids.slice(-10),
            'the newest rows survived, in order',
          );
          assert.equal(log.infos.length, 1);
          assert.equal(log.infos[0]?.details.droppedRows, 15);

          // A second outage is reported again.
          await renameTable(db, 'api_request_log', 'api_request_log_away');
          writer.record(logRow(), null);
          await writer.flush();
          assert.equal(log.errors.length, 2);
          await renameTable(db, 'api_request_log_away', 'api_request_log');
        } finally {
          await writer.close();
        }
      });
    });

    test('close() on a closed database neither throws nor hangs, and says how many rows were lost', async () => {
      await withDatabase(dialect, async (db) => {
        const log = new CapturingLogger();
        const writer = new RequestLogWriter(db.db, new ManualClock(), log, QUIET);
        await db.close();
        for (let i = 0; i < 3; i++) writer.record(logRow(), null);
        await writer.close();
        assert.equal(log.errors.at(-1)?.details.lostRows, 3);
      });
    });

    test('lastUsedAt moves at most once a minute, also across processes, to the latest use of a batch', async () => {
      await withDatabase(dialect, async (db) => {
        const clock = new ManualClock('2026-11-01T12:00:00.000Z');
        const { keyId } = await createKey(db, clock);
        const use = (at: string) => logRow({ key_id: keyId, created_at: at });
        // Two processes: each has its own memory of what it wrote; only the database is shared.
        const first = new RequestLogWriter(db.db, clock, new CapturingLogger(), QUIET);
        const second = new RequestLogWriter(db.db, clock, new CapturingLogger(), QUIET);
        try {
          first.record(use('2026-11-01T12:00:00.000Z'), keyId);
          first.record(use('2026-11-01T12:00:05.000Z'), keyId);
          await first.flush();
          assert.equal(
            await lastUsedAtOf(db.db, keyId),
            '2026-11-01T12:00:05.000Z',
            'the latest use of the batch',
          );

          second.record(use('2026-11-01T12:00:40.000Z'), keyId);
          await second.flush();
          assert.equal(
            await lastUsedAtOf(db.db, keyId),
            '2026-11-01T12:00:05.000Z',
            'the other process saw a write less than a minute old',
          );

          second.record(use('2026-11-01T12:01:05.000Z'), keyId);
          await second.flush();
          assert.equal(await lastUsedAtOf(db.db, keyId), '2026-11-01T12:01:05.000Z');

          // A row whose key did not authenticate (refused) is logged but is no use of the key.
          clock.set('2026-11-01T13:00:00.000Z');
          first.record(use('2026-11-01T13:00:00.000Z'), null);
          await first.flush();
          assert.equal(await lastUsedAtOf(db.db, keyId), '2026-11-01T12:01:05.000Z');
        } finally {
          await first.close();
          await second.close();
        }
      });
    });

    test('the retention sweep deletes rows older than the retention period and keeps the rest', async () => {
      await withDatabase(dialect, async (db) => {
        const clock = new ManualClock('2026-12-31T00:00:00.000Z');
        const writer = new RequestLogWriter(db.db, clock, new CapturingLogger(), {
          ...QUIET,
          retentionDays: 30,
        });
        try {
          const at = (iso: string) => logRow({ created_at: iso });
          const kept = [at('2026-12-01T00:00:00.000Z'), at('2026-12-30T23:59:59.999Z')];
          const old = [at('2026-11-30T23:59:59.999Z'), at('2026-10-01T00:00:00.000Z')];
          for (const row of [...old, ...kept]) writer.record(row, null);
          await writer.flush();

          assert.equal(await writer.sweep(), 2);
          assert.deepEqual(
            (await allLogRows(db.db)).map((row) => row.id).sort(),
            kept.map((row) => row.id).sort(),
          );
          assert.equal(await sweepRequestLog(db.db, clock, 30), 0, 'nothing more to delete');

          // Time passes: the sweep follows the clock.
          clock.advance(86_400_000);
          assert.equal(await sweepRequestLog(db.db, clock, 30), 1);
        } finally {
          await writer.close();
        }
      });
    });

    test('a large backlog is deleted a chunk at a time, all of it', async () => {
      await withDatabase(dialect, async (db) => {
        const writer = new RequestLogWriter(db.db, new ManualClock(), new CapturingLogger(), QUIET);
        for (let i = 0; i < 7; i++) writer.record(logRow({ created_at: '2026-01-01T00:00:00.000Z' }), null);
        writer.record(logRow({ created_at: '2026-06-01T00:00:00.000Z' }), null);
        await writer.close();
        assert.equal(await deleteRequestLogBefore(db.db, '2026-02-01T00:00:00.000Z', 2), 7);
        assert.equal(await countLogRows(db.db), 1);
      });
    });

    test('the app sweeps with PUNCHCLOCK_LOG_RETENTION_DAYS', async () => {
      const t = await createTestApp(dialect, { env: { PUNCHCLOCK_LOG_RETENTION_DAYS: '7' } });
      try {
        const now = t.clock.now().getTime();
        const day = 86_400_000;
        await t.db.db
          .insertInto('api_request_log')
          .values([
            logRow({ created_at: new Date(now - 8 * day).toISOString() }),
            logRow({ created_at: new Date(now - 6 * day).toISOString() }),
          ])
          .execute();
        assert.equal(await t.app.context.requestLog.sweep(), 1);
        assert.equal(await countLogRows(t.db.db), 1);
      } finally {
        await t.close();
      }
    });
  });
}
