/**
 * Reproduction of a defect the crash script found (`npx tsx test/crash/repro-idempotent-retry.ts [--fast]`, needs
 * TEST_DATABASE_URL): a write with an Idempotency-Key takes effect twice when its server process dies after the
 * change committed but before the response was stored. The claim stays `in_progress`; retries get 409
 * idempotency_key_in_use until its lock lapses (IN_PROGRESS_LOCK_MS, 60 s), and then the retry runs the write
 * again: two employees, two `employee.created` events, for one request. The README promises the first response
 * back "instead of a second write".
 *
 * To land the kill in that window every time, a deferred trigger in the run's own schema makes the COMMIT take 5 s
 * (PostgreSQL completes the COMMIT of a client that died meanwhile); nothing in src/ is changed. `--fast` moves the
 * claim's `locked_until` into the past instead of waiting the 60 s. Exits 1 when the defect reproduces.
 */
import pg from 'pg';
import { createAccountWithAdmin } from '../../src/platform/accounts/service.js';
import { createApiKey } from '../../src/platform/api-keys/service.js';
import { IN_PROGRESS_LOCK_MS } from '../../src/platform/idempotency/service.js';
import { systemClock } from '../../src/shared/clock.js';
import { serviceContext } from '../helpers/app.js';
import { processStorage } from '../helpers/process-storage.js';
import {
  buildServer,
  serverProcessEnv,
  startServerProcess,
  stopServerProcess,
} from '../helpers/server-process.js';
import { send, sleep } from './client.js';

const fast = process.argv.includes('--fast');
buildServer();
const storage = await processStorage('postgres', { redis: true });
const client = new pg.Client({ connectionString: storage.env.DATABASE_URL });
let employees = 0;
try {
  const database = storage.open();
  const ctx = serviceContext(database, systemClock);
  const { account, admin } = await createAccountWithAdmin(ctx, {
    name: 'Repro',
    plan: 'enterprise',
    adminEmail: `repro-${Date.now()}@crash.test`,
  });
  const { key } = await createApiKey(ctx, account.id, { name: 'Repro', scopes: ['*'], createdBy: admin.id });
  await database.close();

  await client.connect();
  await client.query(
    'create function slow_commit() returns trigger language plpgsql as $$ begin perform pg_sleep(5); return new; end $$',
  );
  await client.query(
    'create constraint trigger slow_commit after insert on employees deferrable initially deferred for each row execute function slow_commit()',
  );
  const env = serverProcessEnv(storage.env);
  const body = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test' };
  const hire = (url: string) =>
    send(url, key, 'POST', '/v1/employees', { body, idempotencyKey: 'hire-ada-2026-11-22' });

  const first = await startServerProcess(env);
  const cutOff = hire(first.url).then(
    (answer) => `${answer.status}`,
    (error: Error) => `no answer (${error.message})`,
  );
  await sleep(1500);
  await stopServerProcess(first, 'SIGKILL');
  console.log(`1. POST /v1/employees with Idempotency-Key, server killed during its COMMIT: ${await cutOff}`);
  await sleep(5000);
  await client.query('drop trigger slow_commit on employees');
  const claim = await client.query('select state, locked_until from idempotency_keys');
  console.log(`2. after the crash: the claim is ${JSON.stringify(claim.rows)}`);

  const second = await startServerProcess(env);
  try {
    const early = await hire(second.url);
    console.log(`3. retry after the restart: ${early.status} ${JSON.stringify(early.body)}`);
    if (fast) {
      await client.query("update idempotency_keys set locked_until = '2000-01-01T00:00:00.000Z'");
    } else {
      console.log(`   waiting ${IN_PROGRESS_LOCK_MS / 1000} s for the claim's lock to lapse…`);
      await sleep(IN_PROGRESS_LOCK_MS + 1000);
    }
    const retry = await hire(second.url);
    console.log(
      `4. retry once the lock lapsed: ${retry.status}, Idempotent-Replayed: ${retry.replayed}, id ${(retry.body as { id?: string }).id}`,
    );
  } finally {
    await stopServerProcess(second);
  }
  const rows = await client.query("select id, created_at from employees where email = 'ada@example.test'");
  const events = await client.query("select id from events where type = 'employee.created'");
  employees = rows.rows.length;
  console.log(
    `5. employees created by that one request: ${employees} ${JSON.stringify(rows.rows)}; employee.created events: ${events.rows.length}`,
  );
} finally {
  await client.end().catch(() => undefined);
  await storage.dispose();
}
console.log(employees > 1 ? 'REPRODUCED: the write ran twice' : 'not reproduced');
process.exit(employees > 1 ? 1 : 0);
