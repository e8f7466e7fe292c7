import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDatabase } from '../../src/db/database.js';
import { createAccountWithAdmin } from '../../src/platform/accounts/service.js';
import { WebhookDispatcher } from '../../src/platform/webhooks/dispatcher.js';
import { httpSender } from '../../src/platform/webhooks/http-sender.js';
import { noJitter } from '../../src/platform/webhooks/retry-schedule.js';
import { systemResolver } from '../../src/platform/webhooks/ssrf.js';
import { RESOURCES } from '../../src/resources/registry.js';
import { ManualClock } from '../../src/shared/clock.js';
import { serviceContext } from '../helpers/app.js';
import { openTestDatabase } from '../helpers/dialects.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { emitTestEvents, insertEndpoint } from '../helpers/webhooks.js';

/**
 * Several dispatchers claiming from one PostgreSQL outbox (`FOR UPDATE SKIP LOCKED`): each on its own connection
 * pool, as in separate processes, all running at once. No attempt may be sent twice, and the bound on deliveries in
 * flight per endpoint holds across all of them.
 */
const skip = !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL';

const ENDPOINTS = 4;
const EVENTS = 50;
const PER_ENDPOINT = 3;

describe('webhook dispatchers on separate connection pools, one PostgreSQL outbox', { skip }, () => {
  test('never send the same attempt twice, and keep the per-endpoint bound between them', async () => {
    const database = await openTestDatabase('postgres');
    const dispatcherPools = [0, 1].map(() => openDatabase({ ...database.options, poolSize: 4 }));
    const clock = new ManualClock();
    const receiver = await WebhookReceiver.start({ clock });
    try {
      const { account } = await createAccountWithAdmin(serviceContext(database, clock), {
        name: 'Concurrent dispatch',
        plan: 'pro',
        adminEmail: `dispatch-${Date.now()}@test.punchclock.test`,
      });
      for (let i = 0; i < ENDPOINTS; i++) {
        const endpoint = await insertEndpoint(database.db, clock, account.id, {
          url: `${receiver.url}/e${i}`,
          enabled_events: JSON.stringify(['employee.created']),
        });
        receiver.endpoint(`/e${i}`, endpoint.secret);
      }
      for (let batch = 0; batch < EVENTS / 10; batch++) {
        await emitTestEvents(database.db, clock, account.id, 10);
      }
      // Every delivery fails once, then succeeds: first attempts and retries both race between the dispatchers.
      const seen = new Set<string>();
      receiver.answer = (request) => {
        const key = `${request.path} ${request.webhookId}`;
        const first = !seen.has(key);
        seen.add(key);
        return {
          status: first ? 500 : 200,
          after: new Promise((resolve) => setTimeout(resolve, Math.random() * 5)),
        };
      };

      const dispatchers = dispatcherPools.map(
        (pool) =>
          new WebhookDispatcher(
            pool.db,
            { clock, resources: RESOURCES },
            { error: (details) => assert.fail(JSON.stringify(details)) },
            {
              send: httpSender({ allowPrivate: true, resolve: systemResolver }),
              claimTtlMs: 60_000,
              perEndpointConcurrency: PER_ENDPOINT,
              maxInFlight: 8,
              jitter: noJitter,
            },
          ),
      );
      const attemptedBy = dispatchers.map(() => 0);
      const drain = async (dispatcher: WebhookDispatcher, index: number) => {
        for (;;) {
          const { attempted } = await dispatcher.runOnce();
          if (attempted === 0) return;
          attemptedBy[index] = (attemptedBy[index] ?? 0) + attempted;
        }
      };
      const pending = () =>
        database.db.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').execute();
      for (let round = 0; round < 10 && (await pending()).length > 0; round++) {
        await Promise.all(dispatchers.map(drain));
        clock.advance(5_000);
      }

      const total = ENDPOINTS * EVENTS;
      assert.ok(
        attemptedBy.every((count) => count > 0),
        `both dispatchers sent: ${attemptedBy.join(', ')}`,
      );
      assert.deepEqual(await pending(), []);
      assert.equal(receiver.received.length, total * 2, 'two attempts per delivery, no more');
      const hits = new Map<string, number>();
      for (const request of receiver.received) {
        const key = `${request.path} ${request.webhookId}`;
        hits.set(key, (hits.get(key) ?? 0) + 1);
      }
      assert.equal(hits.size, total);
      assert.ok([...hits.values()].every((count) => count === 2));
      const attempts = await database.db
        .selectFrom('webhook_attempts')
        .select(['delivery_id', (eb) => eb.fn.countAll<string>().as('n')])
        .groupBy('delivery_id')
        .execute();
      assert.equal(attempts.length, total);
      assert.ok(attempts.every((row) => Number(row.n) === 2));
      const deliveries = await database.db
        .selectFrom('webhook_deliveries')
        .select(['status', 'attempt_count', 'claimed_until'])
        .execute();
      assert.ok(
        deliveries.every(
          (d) => d.status === 'succeeded' && d.attempt_count === 2 && d.claimed_until === null,
        ),
      );
      for (let i = 0; i < ENDPOINTS; i++) {
        assert.ok(
          receiver.maxInFlight(`/e${i}`) <= PER_ENDPOINT,
          `endpoint ${i}: ${receiver.maxInFlight(`/e${i}`)}`,
        );
      }
      assert.deepEqual(receiver.unverified(), []);
    } finally {
      await receiver.close();
      await Promise.all(dispatcherPools.map((pool) => pool.close()));
      await database.dispose();
    }
  });
});
