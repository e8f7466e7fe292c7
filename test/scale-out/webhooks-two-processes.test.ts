/**
 * Two real server processes (`node dist/main.js`) dispatching from one PostgreSQL outbox: every delivery is sent
 * exactly once between them — FOR UPDATE SKIP LOCKED claims keep them from taking the same delivery.
 * (test/scale-out/webhooks-concurrent.test.ts does the same with two dispatchers in one process, with failures and
 * retries; this one proves it across processes.)
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createAccountWithAdmin } from '../../src/platform/accounts/service.js';
import { systemClock } from '../../src/shared/clock.js';
import { serviceContext } from '../helpers/app.js';
import { withSchemaLock } from '../helpers/dialects.js';
import {
  buildServer,
  type ServerProcess,
  serverProcessEnv,
  startServerProcess,
  stopServerProcess,
} from '../helpers/server-process.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { emitTestEvents, insertEndpoint } from '../helpers/webhooks.js';

const databaseUrl = process.env.TEST_DATABASE_URL;
const ENDPOINTS = ['/two-a', '/two-b', '/two-c'];
const EVENTS = 60;

describe('two processes dispatching from one PostgreSQL outbox', {
  skip: !databaseUrl && 'needs TEST_DATABASE_URL',
}, () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = databaseUrl as string;
  const schemaUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  let receiver: WebhookReceiver;
  const servers: ServerProcess[] = [];

  before(async () => {
    buildServer();
    await withSchemaLock(url, (client) => client.query(`create schema ${schema}`));
    receiver = await WebhookReceiver.start();
  });
  after(async () => {
    await Promise.all(servers.map((server) => stopServerProcess(server, 'SIGKILL')));
    await receiver.close();
    await withSchemaLock(url, (client) => client.query(`drop schema if exists ${schema} cascade`));
  });

  test('every delivery is sent exactly once and recorded with one attempt', async () => {
    const database = openDatabase({ databaseUrl: schemaUrl });
    try {
      await migrateToLatest(database.db);
      const { account } = await createAccountWithAdmin(serviceContext(database, systemClock), {
        name: 'Two Co',
        plan: 'pro',
        adminEmail: `two-${schema}@test.punchclock.test`,
      });
      for (const endpointPath of ENDPOINTS) {
        const endpoint = await insertEndpoint(database.db, systemClock, account.id, {
          url: `${receiver.url}${endpointPath}`,
        });
        receiver.endpoint(endpointPath, endpoint.secret);
      }
      // A little latency per answer, so both processes have claims in flight at the same time.
      receiver.answer = () => ({ status: 200, after: new Promise((resolve) => setTimeout(resolve, 15)) });

      const env = serverProcessEnv({ DATABASE_URL: schemaUrl, PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true' });
      // Both idle and polling before the events exist: they race for the same batch.
      servers.push(await startServerProcess(env), await startServerProcess(env));
      const eventIds = await emitTestEvents(database.db, systemClock, account.id, EVENTS);

      const total = ENDPOINTS.length * EVENTS;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const done = await database.db
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('status', '=', 'succeeded')
          .execute();
        if (done.length === total) break;
        assert.ok(Date.now() < deadline, `${done.length} of ${total} deliveries succeeded in time`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      for (const endpointPath of ENDPOINTS) {
        const sent = receiver.at(endpointPath).map((request) => request.webhookId);
        assert.deepEqual([...sent].sort(), [...eventIds].sort(), `${endpointPath}: each event exactly once`);
      }
      assert.equal(receiver.received.length, total);
      assert.deepEqual(receiver.unverified(), []);
      const attempts = await database.db.selectFrom('webhook_attempts').select('delivery_id').execute();
      assert.equal(attempts.length, total);
      assert.equal(new Set(attempts.map((attempt) => attempt.delivery_id)).size, total);
    } finally {
      await database.close();
    }
  });
});
