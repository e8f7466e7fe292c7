import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Dialect } from '../../src/db/database.js';
import type { Db } from '../../src/db/tables.js';
import type { TestApp } from './app.js';

/**
 * Runs `first` in a transaction and `second` beside it. On PostgreSQL `first`'s transaction stays open until `second`
 * waits for one of its locks (or finishes without waiting), then commits; on SQLite `first` commits before `second`
 * starts. Resolves to what `second` returned, and whether it waited for `first` (always false on SQLite).
 */
export async function interleave<T>(
  t: TestApp,
  dialect: Dialect,
  first: (trx: Db) => Promise<unknown>,
  second: () => Promise<T>,
): Promise<{ value: T; waited: boolean }> {
  if (dialect === 'sqlite') {
    await t.db.db.transaction().execute(first);
    return { value: await second(), waited: false };
  }
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started: (pid: number) => void = () => undefined;
  const firstPid = new Promise<number>((resolve) => {
    started = resolve;
  });
  const held = t.db.db.transaction().execute(async (trx) => {
    await first(trx);
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
    started(rows[0]?.pid ?? 0);
    await released;
  });
  const pid = await Promise.race([firstPid, held.then(() => 0)]);
  assert.notEqual(pid, 0, 'the first transaction is open');
  const outcome = second().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  let settled = false;
  void outcome.then(() => {
    settled = true;
  });
  let waited = false;
  for (let elapsed = 0; !settled && !waited; elapsed += 10) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))
    `.execute(t.db.db);
    waited = (rows[0]?.n ?? 0) > 0;
    assert.ok(elapsed < 10_000, 'the second transaction neither waited for the first nor finished');
    if (!waited) await sleep(10);
  }
  release();
  await held;
  const result = await outcome;
  if ('error' in result) throw result.error;
  return { value: result.value, waited };
}
