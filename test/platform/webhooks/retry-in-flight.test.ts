/**
 * `POST /v1/webhook-deliveries/{id}/retry` while an attempt of that delivery is on the wire (found by the fuzzer):
 * the attempt really happened, so it is recorded and counted (`attemptCount` always equals the attempt rows), and the
 * replay asked for meanwhile still happens: the late outcome does not settle the delivery the replay re-queued.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WebhookDeliveryRow } from '../../../src/db/tables.js';
import { noJitter } from '../../../src/platform/webhooks/retry-schedule.js';
import { call, createTestAccount, createTestApp, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { deliveriesOf, emitTestEvents, insertEndpoint } from '../../helpers/webhooks.js';

interface Setup {
  t: TestApp;
  key: string;
  receiver: WebhookReceiver;
  delivery: WebhookDeliveryRow;
  /** Lets the receiver answer the first request, which it holds until then. */
  answerFirst(): void;
  close(): Promise<void>;
}

/** One delivery to an endpoint whose receiver holds its first request until told, and answers the others at once. */
async function setup(dialect: (typeof DIALECTS)[number], firstStatus: number): Promise<Setup> {
  const t = await createTestApp(dialect, {
    env: { PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true' },
    webhooks: { jitter: noJitter },
  });
  const receiver = await WebhookReceiver.start({ clock: t.clock });
  const account = await createTestAccount(t);
  const endpoint = await insertEndpoint(t.db.db, t.clock, account.account.id, {
    url: `${receiver.url}/hooks`,
  });
  receiver.endpoint('/hooks', endpoint.secret);
  let answerFirst: () => void = () => undefined;
  const firstAnswered = new Promise<void>((resolve) => {
    answerFirst = resolve;
  });
  receiver.answer = () =>
    receiver.received.length === 1
      ? { status: firstStatus, body: 'first', after: firstAnswered }
      : { status: 200, body: 'ok' };
  await emitTestEvents(t.db.db, t.clock, account.account.id);
  const [delivery] = await deliveriesOf(t.db.db, endpoint.id);
  assert.ok(delivery);
  return {
    t,
    key: account.key,
    receiver,
    delivery,
    answerFirst,
    close: async () => {
      assert.deepEqual(receiver.unverified(), [], 'every delivery verifies with standardwebhooks');
      await receiver.close();
      await t.close();
    },
  };
}

async function reload(t: TestApp, id: string) {
  const delivery = await t.db.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const attempts = await t.db.db
    .selectFrom('webhook_attempts')
    .select(['status_code'])
    .where('delivery_id', '=', id)
    .orderBy('id')
    .execute();
  return { delivery, attempts: attempts.map((attempt) => attempt.status_code) };
}

async function retry(s: Setup): Promise<void> {
  const retried = await call(s.t, 'POST', `/v1/webhook-deliveries/${s.delivery.id}/retry`, { key: s.key });
  assert.equal(retried.status, 200, retried.raw);
}

for (const dialect of DIALECTS) {
  describe(`a delivery retried while an attempt is in flight (${dialect})`, () => {
    test('the late attempt is recorded and counted, and the delivery stays queued for the replay', async () => {
      const s = await setup(dialect, 200);
      try {
        const dispatcher = s.t.app.context.webhooks;
        const pass = dispatcher.runOnce();
        await s.receiver.waitFor(1);
        await retry(s);
        const requeuedAt = s.t.clock.now().toISOString();
        s.answerFirst();
        assert.deepEqual(await pass, { attempted: 1, succeeded: 1 });

        let { delivery, attempts } = await reload(s.t, s.delivery.id);
        assert.deepEqual(attempts, [200], 'the attempt that happened is in the log');
        assert.equal(delivery.attempt_count, 1, 'and counted');
        // The replay asked for after that attempt began is still to come.
        assert.equal(delivery.status, 'pending');
        assert.equal(delivery.next_attempt_at, requeuedAt);
        assert.equal(delivery.claimed_until, null);

        assert.deepEqual(await dispatcher.runOnce(), { attempted: 1, succeeded: 1 });
        ({ delivery, attempts } = await reload(s.t, s.delivery.id));
        assert.deepEqual(attempts, [200, 200]);
        assert.equal(delivery.attempt_count, 2);
        assert.equal(delivery.status, 'succeeded');
        assert.equal(s.receiver.at('/hooks').length, 2);
      } finally {
        await s.close();
      }
    });

    test('when the replay is sent and settled before the late attempt answers, both attempts count', async () => {
      const s = await setup(dialect, 503);
      try {
        const dispatcher = s.t.app.context.webhooks;
        const late = dispatcher.runOnce();
        await s.receiver.waitFor(1);
        await retry(s);
        // The replay's claim is a new one (claims are told apart by their expiry).
        s.t.clock.advance(1);
        assert.deepEqual(await dispatcher.runOnce(), { attempted: 1, succeeded: 1 });
        s.answerFirst();
        assert.deepEqual(await late, { attempted: 1, succeeded: 0 });

        const { delivery, attempts } = await reload(s.t, s.delivery.id);
        assert.deepEqual(attempts.sort(), [200, 503]);
        assert.equal(delivery.attempt_count, 2);
        // The late failure does not undo the replay's success, nor schedule a retry of it.
        assert.equal(delivery.status, 'succeeded');
        assert.equal(delivery.next_attempt_at, null);
        assert.equal(delivery.last_status_code, 200);
      } finally {
        await s.close();
      }
    });
  });
}
