/**
 * Replay and recover end to end: deliveries that exhausted the retry schedule are sent again through the API's
 * `POST /v1/webhook-deliveries/{id}/retry` and `POST /v1/webhook-endpoints/{id}/recover`, and the receiver verifies
 * every one with standardwebhooks. The clock is the test's; the dispatcher is driven with runOnce().
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_ATTEMPTS, noJitter, RETRY_DELAYS_MS } from '../../../src/platform/webhooks/retry-schedule.js';
import { call, createTestAccount, createTestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { deliveriesOf, emitTestEvents, insertEndpoint } from '../../helpers/webhooks.js';

for (const dialect of DIALECTS) {
  describe(`replay and recover (${dialect})`, () => {
    test('failed deliveries are sent again by retry and by recover, and then succeed', async () => {
      const t = await createTestApp(dialect, {
        env: { PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true' },
        webhooks: { jitter: noJitter },
      });
      const receiver = await WebhookReceiver.start({ clock: t.clock });
      try {
        const account = await createTestAccount(t);
        const endpoint = await insertEndpoint(t.db.db, t.clock, account.account.id, {
          url: `${receiver.url}/hooks`,
        });
        receiver.endpoint('/hooks', endpoint.secret);
        const dispatcher = t.app.context.webhooks;

        // Three events fail through the whole schedule.
        receiver.answer = () => ({ status: 503, body: 'down' });
        const since = t.clock.now().toISOString();
        const eventIds = await emitTestEvents(t.db.db, t.clock, account.account.id, 3);
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          await dispatcher.runOnce();
          t.clock.advance(RETRY_DELAYS_MS[attempt - 1] ?? 0);
        }
        const failed = await deliveriesOf(t.db.db, endpoint.id);
        assert.deepEqual(
          failed.map((d) => d.status),
          ['failed', 'failed', 'failed'],
        );
        assert.equal(receiver.at('/hooks').length, 3 * MAX_ATTEMPTS);

        // The receiver is back. Replay the first delivery alone.
        receiver.answer = () => ({ status: 200, body: 'ok' });
        const [first, second, third] = failed;
        assert.ok(first && second && third);
        const retried = await call<{ id: string; status: string }>(
          t,
          'POST',
          `/v1/webhook-deliveries/${first.id}/retry`,
          { key: account.key },
        );
        assert.equal(retried.status, 200, retried.raw);
        assert.equal((await dispatcher.runOnce()).attempted, 1);
        let rows = await deliveriesOf(t.db.db, endpoint.id);
        assert.deepEqual(
          rows.map((d) => d.status),
          ['succeeded', 'failed', 'failed'],
        );

        // Recover re-sends every failed delivery since the events were made: the other two.
        const recovered = await call<{ requeued: number }>(
          t,
          'POST',
          `/v1/webhook-endpoints/${endpoint.id}/recover`,
          { key: account.key, body: { since } },
        );
        assert.equal(recovered.status, 200, recovered.raw);
        assert.equal(recovered.body.requeued, 2);
        assert.equal((await dispatcher.runOnce()).attempted, 2);
        rows = await deliveriesOf(t.db.db, endpoint.id);
        assert.deepEqual(
          rows.map((d) => d.status),
          ['succeeded', 'succeeded', 'succeeded'],
        );

        // After the 3 × 8 refused attempts: one replay, then the two recovered deliveries.
        const sent = receiver.at('/hooks');
        assert.equal(sent.length, 3 * MAX_ATTEMPTS + 3);
        assert.deepEqual(
          sent.slice(-3).map((request) => request.webhookId),
          eventIds,
        );
        assert.deepEqual(
          receiver.unverified().map((request) => request.webhookId),
          [],
          'every delivery verifies with standardwebhooks',
        );
      } finally {
        await receiver.close();
        await t.close();
      }
    });
  });
}
