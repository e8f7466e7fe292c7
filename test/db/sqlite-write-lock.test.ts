import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';

/**
 * Issue 11, defect 6: a SQLite transaction that reads and then writes failed at once with "database is locked"
 * when another connection (the request-log worker, in production) committed in between; busy_timeout cannot help a
 * transaction whose read snapshot is stale. Transactions now take the write lock when they begin, so they wait for
 * the other writer (or it waits for them) instead.
 */

/** Another connection to the same file, in its own thread: on a message it writes once and reports. */
const OTHER_WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
parentPort.on('message', () => {
  try {
    db.prepare('update lock_probe set n = n + 100').run();
    parentPort.postMessage('committed');
  } catch (error) {
    parentPort.postMessage('failed: ' + error.message);
  }
});
`;

test('a read-then-write transaction waits for another connection instead of failing (sqlite file)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'punchclock-lock-'));
  const file = path.join(dir, 'lock.sqlite');
  const handle = openDatabase({ sqliteFile: file });
  const other = new Worker(OTHER_WRITER, { eval: true, workerData: { file } });
  try {
    await sql`create table lock_probe (n integer not null)`.execute(handle.db);
    await sql`insert into lock_probe (n) values (0)`.execute(handle.db);
    await new Promise((resolve) => other.once('online', resolve));

    const otherOutcome = new Promise<string>((resolve) => other.once('message', resolve));
    await handle.db.transaction().execute(async (trx) => {
      const before = await sql<{ n: number }>`select n from lock_probe`.execute(trx);
      assert.equal(before.rows[0]?.n, 0);
      other.postMessage('write');
      // The other writer commits now if this transaction let it (a deferred BEGIN does), and this transaction's
      // write below then fails; with the write lock held it waits for this commit instead.
      await Promise.race([otherOutcome, delay(300)]);
      await sql`update lock_probe set n = n + 1`.execute(trx);
    });
    assert.equal(await otherOutcome, 'committed');
    const after = await sql<{ n: number }>`select n from lock_probe`.execute(handle.db);
    assert.equal(after.rows[0]?.n, 101, 'both writes are kept');
  } finally {
    await other.terminate();
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  }
});
