/**
 * A PostgreSQL connection lost while idle in the pool (a server restart, a failover, an administrator terminating
 * backends) must not end the process: pg emits the loss on the pool, and throws it when nothing listens. The app
 * logs it, and its next query gets a new connection.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import { createTestApp } from '../helpers/app.js';

const url = process.env.TEST_DATABASE_URL;

/** Terminates every backend of this process's pool but the one asking, from a connection of its own. */
async function terminateOthers(databaseUrl: string, pids: readonly number[]): Promise<void> {
  const admin = openDatabase({ databaseUrl, poolSize: 1 });
  try {
    for (const pid of pids) await sql`select pg_terminate_backend(${pid})`.execute(admin.db);
  } finally {
    await admin.close();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 5000) assert.fail(`waited 5 s for ${what}`);
    await delay(20);
  }
}

describe('PostgreSQL: a connection lost while idle', { skip: !url }, () => {
  test('is logged, does not end the process, and the next query runs on a new connection', async () => {
    const lines: string[] = [];
    const t = await createTestApp('postgres', {
      env: { LOG_LEVEL: 'warn' },
      logger: { level: 'warn', stream: { write: (line: string) => void lines.push(line) } },
    });
    try {
      const backend = async () =>
        (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(t.app.context.database.db))
          .rows[0]?.pid as number;
      const before = await backend();
      await terminateOthers(url as string, [before]);
      await until(() => lines.some((line) => line.includes('lost while idle')), 'the log line');
      const logged = JSON.parse(lines.find((line) => line.includes('lost while idle')) as string) as {
        level: number;
        err?: { code?: string };
      };
      assert.equal(logged.level, 40);
      assert.equal(logged.err?.code, '57P01', 'admin_shutdown, as PostgreSQL reports a terminated backend');
      const after = await backend();
      assert.notEqual(after, before);
    } finally {
      await t.close();
    }
  });

  test('without a listener (another thread, a CLI command) it is survived too', async () => {
    const handle = openDatabase({ databaseUrl: url as string, poolSize: 1 });
    try {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db)).rows[0]
        ?.pid as number;
      await terminateOthers(url as string, [pid]);
      // The pool hears of it and drops the client; an unhandled 'error' would fail this test as an uncaught error.
      await delay(200);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      assert.deepEqual(rows, [{ one: 1 }]);
    } finally {
      await handle.close();
    }
  });
});
