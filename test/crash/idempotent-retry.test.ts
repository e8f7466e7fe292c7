/**
 * A write with an Idempotency-Key whose server process dies while the write commits takes effect once: the retry
 * after the restart gets the first answer back, replayed, and nothing is written twice. (Found by the crash script:
 * the answer used to be stored after the write's own transaction, so a kill between the two left the claim
 * `in_progress` and, once its lock lapsed, the retry ran the write again — two employees for one request.)
 *
 * To land the kill inside the COMMIT every time, a deferred trigger in the test's own schema makes the COMMIT take
 * 5 s; PostgreSQL completes the COMMIT of a client that died meanwhile. PostgreSQL only: SQLite has no such hook,
 * and the crash script's retries cover it (`npm run crash`).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import pg from 'pg';
import { createAccountWithAdmin } from '../../src/platform/accounts/service.js';
import { createApiKey } from '../../src/platform/api-keys/service.js';
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

const postgres = process.env.TEST_DATABASE_URL !== undefined;

describe('an idempotent write cut off by a crash', { skip: !postgres && 'needs TEST_DATABASE_URL' }, () => {
  before(() => buildServer());

  test('is replayed after the restart, never run twice', { timeout: 60_000 }, async () => {
    const storage = await processStorage('postgres', { redis: true });
    const client = new pg.Client({ connectionString: storage.env.DATABASE_URL });
    try {
      const database = storage.open();
      const ctx = serviceContext(database, systemClock);
      const { account, admin } = await createAccountWithAdmin(ctx, {
        name: 'Crash retry',
        plan: 'enterprise',
        adminEmail: `retry-${Date.now()}@crash.test`,
      });
      const { key } = await createApiKey(ctx, account.id, {
        name: 'Retry',
        scopes: ['*'],
        createdBy: admin.id,
      });
      await database.close();

      await client.connect();
      await client.query(
        'create function slow_commit() returns trigger language plpgsql as $$ begin perform pg_sleep(5); return new; end $$',
      );
      await client.query(
        'create constraint trigger slow_commit after insert on employees deferrable initially deferred for each row execute function slow_commit()',
      );
      const env = serverProcessEnv(storage.env);
      const hire = (url: string) =>
        send(url, key, 'POST', '/v1/employees', {
          body: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test' },
          idempotencyKey: 'hire-ada-2026-11-22',
        });

      const first = await startServerProcess(env);
      const cutOff = hire(first.url).then(
        () => 'answered',
        () => 'cut off',
      );
      await sleep(1500);
      await stopServerProcess(first, 'SIGKILL');
      assert.equal(await cutOff, 'cut off', 'the kill lands inside the COMMIT');
      await sleep(5000);
      await client.query('drop trigger slow_commit on employees');

      const second = await startServerProcess(env);
      try {
        const retry = await hire(second.url);
        assert.equal(retry.status, 201);
        assert.equal(retry.replayed, true, 'the retry replays the answer stored with the write');
        // A lapsed lock changes nothing: the answer is stored, so there is no claim left to take over.
        await client.query("update idempotency_keys set locked_until = '2000-01-01T00:00:00.000Z'");
        const late = await hire(second.url);
        assert.equal(late.replayed, true);
        assert.deepEqual(late.body, retry.body);
      } finally {
        await stopServerProcess(second);
      }
      const employees = await client.query("select id from employees where email = 'ada@example.test'");
      const events = await client.query("select id from events where type = 'employee.created'");
      assert.equal(employees.rows.length, 1, 'one employee for one request');
      assert.equal(events.rows.length, 1, 'one employee.created event');
    } finally {
      await client.end().catch(() => undefined);
      await storage.dispose();
    }
  });
});
