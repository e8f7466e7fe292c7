import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { AppDependencies } from '../../../src/app.js';
import { fromDbJson } from '../../../src/db/columns.js';
import type { Dialect } from '../../../src/db/database.js';
import type { EventRow, WebhookEndpointRow } from '../../../src/db/tables.js';
import { USER_AGENT, WebhookDispatcher } from '../../../src/platform/webhooks/dispatcher.js';
import { FAILING_DISABLE_AFTER_MS } from '../../../src/platform/webhooks/endpoint-health.js';
import { httpSender, RESPONSE_SNIPPET_BYTES } from '../../../src/platform/webhooks/http-sender.js';
import { renderEvent } from '../../../src/platform/webhooks/render.js';
import { MAX_ATTEMPTS, noJitter, RETRY_DELAYS_MS } from '../../../src/platform/webhooks/retry-schedule.js';
import { systemResolver } from '../../../src/platform/webhooks/ssrf.js';
import { createTestAccount, createTestApp, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { deliveriesOf, emitTestEvents, insertEndpoint, newWebhookSecret } from '../../helpers/webhooks.js';

const SECOND = 1000;
const HOUR = 3_600_000;

interface Harness {
  t: TestApp;
  accountId: string;
  receiver: WebhookReceiver;
  /** The app's dispatcher, never started: each test drives it with runOnce(). */
  dispatcher: WebhookDispatcher;
  close(): Promise<void>;
}

/** A fresh app per test (the dispatcher serves every account of its database), with a receiver on its clock. */
async function harness(
  dialect: Dialect,
  options: { allowPrivate?: boolean; webhooks?: AppDependencies['webhooks'] } = {},
): Promise<Harness> {
  const t = await createTestApp(dialect, {
    env: { PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: String(options.allowPrivate ?? true) },
    webhooks: { jitter: noJitter, ...options.webhooks },
  });
  const account = await createTestAccount(t);
  const receiver = await WebhookReceiver.start({ clock: t.clock });
  return {
    t,
    accountId: account.account.id,
    receiver,
    dispatcher: t.app.context.webhooks,
    close: async () => {
      assert.deepEqual(
        receiver.unverified().map((request) => Object.fromEntries(request.verificationErrors)),
        [],
        'every delivery verifies with standardwebhooks',
      );
      await receiver.close();
      await t.close();
    },
  };
}

/** An endpoint at `path` of the receiver, which verifies its deliveries with the endpoint's secret. */
async function receiverEndpoint(
  h: Harness,
  path: string,
  fields: Partial<Omit<WebhookEndpointRow, 'id' | 'account_id'>> = {},
): Promise<WebhookEndpointRow> {
  const endpoint = await insertEndpoint(h.t.db.db, h.t.clock, h.accountId, {
    url: `${h.receiver.url}${path}`,
    ...fields,
  });
  h.receiver.endpoint(path, endpoint.secret);
  return endpoint;
}

async function endpointRow(t: TestApp, id: string) {
  return t.db.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function eventsOfType(t: TestApp, type: string): Promise<EventRow[]> {
  return t.db.db.selectFrom('events').selectAll().where('type', '=', type).orderBy('id').execute();
}

async function attemptsOf(t: TestApp, deliveryId: string) {
  return t.db.db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('id')
    .execute();
}

function at(t: TestApp, offsetMs: number): string {
  return new Date(t.clock.now().getTime() + offsetMs).toISOString();
}

for (const dialect of DIALECTS) {
  describe(`webhook dispatcher (${dialect})`, () => {
    test('delivers each event to each subscribed endpoint, signed as the Standard Webhooks library verifies', async () => {
      const h = await harness(dialect);
      try {
        await receiverEndpoint(h, '/all');
        const some = await receiverEndpoint(h, '/some', {
          enabled_events: JSON.stringify(['location.created']),
        });
        h.receiver.answer = () => ({ status: 200, body: 'x'.repeat(3000) });
        const [employeeEvent] = await emitTestEvents(
          h.t.db.db,
          h.t.clock,
          h.accountId,
          1,
          'employee.created',
        );
        const [locationEvent] = await emitTestEvents(
          h.t.db.db,
          h.t.clock,
          h.accountId,
          1,
          'location.created',
        );

        const round = await h.dispatcher.runOnce();
        assert.deepEqual(round, { attempted: 3, succeeded: 3 });
        assert.deepEqual(
          h.receiver.at('/all').map((r) => r.webhookId),
          [employeeEvent, locationEvent],
          'oldest event first',
        );
        assert.deepEqual(
          h.receiver.at('/some').map((r) => r.webhookId),
          [locationEvent],
        );
        for (const request of h.receiver.received) {
          assert.equal(request.verifiedWith.length, 1);
          assert.equal(request.headers['content-type'], 'application/json');
          assert.equal(request.headers['user-agent'], USER_AGENT);
          assert.equal(request.headers['webhook-timestamp'], String(h.t.clock.now().getTime() / 1000));
          assert.match(String(request.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
          const row = await h.t.db.db
            .selectFrom('events')
            .selectAll()
            .where('id', '=', request.webhookId)
            .executeTakeFirstOrThrow();
          assert.deepEqual(JSON.parse(request.body), await renderEvent(row));
        }

        const [delivery] = await deliveriesOf(h.t.db.db, some.id);
        assert.ok(delivery);
        assert.equal(delivery.status, 'succeeded');
        assert.equal(delivery.attempt_count, 1);
        assert.equal(delivery.next_attempt_at, null);
        assert.equal(delivery.claimed_until, null);
        assert.equal(delivery.last_status_code, 200);
        const [attempt, ...more] = await attemptsOf(h.t, delivery.id);
        assert.equal(more.length, 0);
        assert.equal(attempt?.status_code, 200);
        assert.equal(
          attempt?.response_body,
          'x'.repeat(RESPONSE_SNIPPET_BYTES),
          'the first 1 KiB of the body',
        );
        assert.equal(attempt?.error, null);
        assert.equal(attempt?.attempted_at, h.t.clock.now().toISOString());
        assert.ok((attempt?.duration_ms ?? -1) >= 0);

        assert.deepEqual(
          await h.dispatcher.runOnce(),
          { attempted: 0, succeeded: 0 },
          'nothing is sent twice',
        );
      } finally {
        await h.close();
      }
    });

    test("renders the payload in the endpoint's pinned version, else in the event's", async () => {
      const h = await harness(dialect);
      try {
        await receiverEndpoint(h, '/pinned', { api_version: '2025-03-01' });
        await receiverEndpoint(h, '/unpinned');
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        await h.dispatcher.runOnce();
        const [event] = await eventsOfType(h.t, 'employee.created');
        assert.equal(JSON.parse(h.receiver.at('/pinned')[0]?.body ?? '{}').apiVersion, '2025-03-01');
        assert.equal(JSON.parse(h.receiver.at('/unpinned')[0]?.body ?? '{}').apiVersion, event?.api_version);
        assert.equal(h.receiver.received.length, 2);
      } finally {
        await h.close();
      }
    });

    test('during a secret rotation both secrets sign; once the old one expires only the new one does', async () => {
      const h = await harness(dialect);
      try {
        const oldSecret = newWebhookSecret();
        const endpoint = await receiverEndpoint(h, '/rotating', {
          previous_secret: oldSecret,
          previous_secret_expires_at: at(h.t, 24 * HOUR),
        });
        // A receiver that has switched and one that has not: both accept the delivery.
        h.receiver.endpoint('/rotating', endpoint.secret, oldSecret);
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        await h.dispatcher.runOnce();
        const [during] = h.receiver.received;
        assert.deepEqual(during?.verifiedWith, [endpoint.secret, oldSecret]);
        assert.equal(String(during?.headers['webhook-signature']).split(' ').length, 2);

        h.t.clock.advance(24 * HOUR);
        h.receiver.endpoint('/rotating', endpoint.secret);
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        await h.dispatcher.runOnce();
        const after = h.receiver.received[1];
        assert.ok(after);
        assert.equal(String(after.headers['webhook-signature']).split(' ').length, 1);
        assert.deepEqual(after.verifiedWith, [endpoint.secret]);
        const realNow = Date.now;
        Date.now = () => h.t.clock.now().getTime();
        try {
          assert.throws(
            () => new Webhook(oldSecret).verify(after.body, after.headers as Record<string, string>),
            /No matching signature/,
          );
        } finally {
          Date.now = realNow;
        }
      } finally {
        await h.close();
      }
    });

    test('walks the whole retry schedule, 5 s to 10 h, then fails the delivery for good', async () => {
      const h = await harness(dialect);
      try {
        const endpoint = await receiverEndpoint(h, '/down', {
          enabled_events: JSON.stringify(['employee.created']),
        });
        h.receiver.answer = () => ({ status: 500, body: 'boom' });
        const [eventId] = await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        const deliveryOf = async () => {
          const [delivery] = await deliveriesOf(h.t.db.db, endpoint.id);
          assert.ok(delivery);
          return delivery;
        };
        assert.deepEqual(RETRY_DELAYS_MS, [
          5 * SECOND,
          300 * SECOND,
          1800 * SECOND,
          2 * HOUR,
          5 * HOUR,
          10 * HOUR,
          10 * HOUR,
        ]);

        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          assert.equal((await h.dispatcher.runOnce()).attempted, 1, `attempt ${attempt}`);
          const delivery = await deliveryOf();
          assert.equal(delivery.attempt_count, attempt);
          assert.equal(delivery.last_status_code, 500);
          assert.equal(delivery.claimed_until, null);
          const delay: number | undefined = RETRY_DELAYS_MS[attempt - 1];
          if (delay === undefined) break;
          assert.equal(delivery.status, 'pending');
          assert.equal(delivery.next_attempt_at, at(h.t, delay));
          h.t.clock.advance(delay - 1);
          assert.equal((await h.dispatcher.runOnce()).attempted, 0, 'not before it is due');
          h.t.clock.advance(1);
        }
        const delivery = await deliveryOf();
        assert.equal(delivery.status, 'failed');
        assert.equal(delivery.next_attempt_at, null);
        assert.equal(delivery.attempt_count, 8);
        assert.match(delivery.last_error ?? '', /HTTP 500/);
        const attempts = await attemptsOf(h.t, delivery.id);
        assert.equal(attempts.length, 8);
        assert.ok(attempts.every((a) => a.status_code === 500 && a.response_body === 'boom'));
        const sent = h.receiver.at('/down');
        assert.equal(sent.length, 8);
        assert.ok(
          sent.every((r) => r.webhookId === eventId),
          'webhook-id is the event id on every retry',
        );
        assert.equal(new Set(sent.map((r) => r.headers['webhook-timestamp'])).size, 8);
        h.t.clock.advance(30 * HOUR);
        assert.equal((await h.dispatcher.runOnce()).attempted, 0);
        // About 28 hours of failures: the endpoint is failing, not yet disabled.
        const row = await endpointRow(h.t, endpoint.id);
        assert.equal(row.status, 'enabled');
        assert.ok(row.failing_since);
      } finally {
        await h.close();
      }
    });

    test('applies the jitter to every scheduled retry', async () => {
      const h = await harness(dialect, { webhooks: { jitter: (delayMs) => delayMs * 1.1 } });
      try {
        const endpoint = await receiverEndpoint(h, '/x');
        h.receiver.answer = () => ({ status: 502 });
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        await h.dispatcher.runOnce();
        const [delivery] = await deliveriesOf(h.t.db.db, endpoint.id);
        assert.equal(delivery?.next_attempt_at, at(h.t, 5500));
      } finally {
        await h.close();
      }
    });

    test('honours Retry-After on 429 and 503, in seconds or as a date, capped at 10 h; ignores it otherwise', async () => {
      const h = await harness(dialect);
      try {
        const endpoint = await receiverEndpoint(h, '/busy');
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        const steps: { status: number; retryAfter: () => string; expectedDelay: number }[] = [
          { status: 429, retryAfter: () => '120', expectedDelay: 120 * SECOND },
          {
            status: 503,
            retryAfter: () => new Date(h.t.clock.now().getTime() + HOUR).toUTCString(),
            expectedDelay: HOUR,
          },
          { status: 429, retryAfter: () => '86400', expectedDelay: 10 * HOUR },
          // Not 429/503: the schedule's fourth step.
          { status: 500, retryAfter: () => '120', expectedDelay: RETRY_DELAYS_MS[3] as number },
          // Unreadable, or already past: the schedule's fifth and sixth steps.
          { status: 429, retryAfter: () => 'soon', expectedDelay: RETRY_DELAYS_MS[4] as number },
          {
            status: 503,
            retryAfter: () => new Date(h.t.clock.now().getTime() - HOUR).toUTCString(),
            expectedDelay: RETRY_DELAYS_MS[5] as number,
          },
        ];
        for (const step of steps) {
          h.receiver.answer = () => ({ status: step.status, headers: { 'retry-after': step.retryAfter() } });
          assert.equal((await h.dispatcher.runOnce()).attempted, 1);
          const [delivery] = await deliveriesOf(h.t.db.db, endpoint.id);
          assert.equal(delivery?.next_attempt_at, at(h.t, step.expectedDelay), `after ${step.status}`);
          h.t.clock.advance(step.expectedDelay);
        }
      } finally {
        await h.close();
      }
    });

    test('410 Gone disables the endpoint, fails what was pending for it and records webhook_endpoint.disabled', async () => {
      const h = await harness(dialect, { webhooks: { perEndpointConcurrency: 1 } });
      try {
        const gone = await receiverEndpoint(h, '/gone');
        await receiverEndpoint(h, '/watcher', {
          enabled_events: JSON.stringify(['webhook_endpoint.updated', 'webhook_endpoint.disabled']),
        });
        h.receiver.answer = (request) => ({ status: request.path === '/gone' ? 410 : 200 });
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId, 3);
        h.t.clock.advance(SECOND);

        assert.equal((await h.dispatcher.runOnce()).attempted, 1);
        const row = await endpointRow(h.t, gone.id);
        assert.equal(row.status, 'disabled');
        assert.equal(row.disabled_reason, 'gone');
        assert.equal(row.updated_at, h.t.clock.now().toISOString());
        const deliveries = await deliveriesOf(h.t.db.db, gone.id);
        assert.deepEqual(
          deliveries.map((d) => [d.status, d.attempt_count, d.next_attempt_at, d.claimed_until]),
          [
            ['failed', 1, null, null],
            ['failed', 0, null, null],
            ['failed', 0, null, null],
          ],
        );
        assert.equal(deliveries[0]?.last_status_code, 410);
        assert.match(deliveries[1]?.last_error ?? '', /410 Gone/);

        const [updated] = await eventsOfType(h.t, 'webhook_endpoint.updated');
        const [disabled] = await eventsOfType(h.t, 'webhook_endpoint.disabled');
        assert.ok(updated && disabled);
        const updatedData = fromDbJson<{ object: Record<string, unknown>; previousAttributes: object }>(
          updated.data,
        );
        assert.equal(updatedData.object.status, 'disabled');
        assert.equal(updatedData.object.disabledReason, 'gone');
        assert.equal(updatedData.object.secret, undefined, 'never the secret');
        assert.deepEqual(updatedData.previousAttributes, {
          status: 'enabled',
          disabledReason: null,
          updatedAt: gone.updated_at,
        });
        assert.deepEqual(fromDbJson<{ object: unknown }>(disabled.data).object, updatedData.object);

        // The watcher hears about it; the disabled endpoint hears nothing more, not even of new events.
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        // One at a time (perEndpointConcurrency 1), in the order the events happened.
        assert.equal((await h.dispatcher.runOnce()).attempted, 1);
        assert.equal((await h.dispatcher.runOnce()).attempted, 1);
        assert.equal((await h.dispatcher.runOnce()).attempted, 0);
        assert.deepEqual(
          h.receiver.at('/watcher').map((r) => JSON.parse(r.body).type),
          ['webhook_endpoint.updated', 'webhook_endpoint.disabled'],
        );
        assert.equal(h.receiver.at('/gone').length, 1);
        assert.equal((await deliveriesOf(h.t.db.db, gone.id)).length, 3);
      } finally {
        await h.close();
      }
    });

    test('an endpoint failing for five days is disabled; a success before that ends the run of failures', async () => {
      const h = await harness(dialect);
      try {
        const endpoint = await receiverEndpoint(h, '/flaky', {
          enabled_events: JSON.stringify(['employee.created']),
        });
        let healthy = false;
        h.receiver.answer = () => ({ status: healthy ? 204 : 500 });

        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        await h.dispatcher.runOnce();
        const runStart = h.t.clock.now().toISOString();
        assert.equal((await endpointRow(h.t, endpoint.id)).failing_since, runStart);
        // The endpoint's health, not a change of it (as an API key's lastUsedAt): no updatedAt, no event.
        assert.equal((await endpointRow(h.t, endpoint.id)).updated_at, endpoint.updated_at);
        assert.deepEqual(await eventsOfType(h.t, 'webhook_endpoint.updated'), []);

        // Another failure later in the run keeps its start.
        h.t.clock.advance(HOUR);
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        await h.dispatcher.runOnce();
        assert.equal((await endpointRow(h.t, endpoint.id)).failing_since, runStart);

        // A success ends the run.
        healthy = true;
        h.t.clock.advance(HOUR);
        await h.dispatcher.runOnce();
        assert.equal((await endpointRow(h.t, endpoint.id)).failing_since, null);
        assert.deepEqual(await eventsOfType(h.t, 'webhook_endpoint.updated'), []);

        // A new run: failing for just under five days keeps the endpoint; five days disables it.
        healthy = false;
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        await h.dispatcher.runOnce();
        const secondRun = h.t.clock.now().getTime();
        h.t.clock.set(new Date(secondRun + FAILING_DISABLE_AFTER_MS - 1));
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        await h.dispatcher.runOnce();
        assert.equal((await endpointRow(h.t, endpoint.id)).status, 'enabled');
        h.t.clock.advance(1);
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        await h.dispatcher.runOnce();
        const row = await endpointRow(h.t, endpoint.id);
        assert.equal(row.status, 'disabled');
        assert.equal(row.disabled_reason, 'failing');
        assert.equal((await eventsOfType(h.t, 'webhook_endpoint.updated')).length, 1);
        assert.equal((await eventsOfType(h.t, 'webhook_endpoint.disabled')).length, 1);
        const pending = (await deliveriesOf(h.t.db.db, endpoint.id)).filter((d) => d.status === 'pending');
        assert.deepEqual(pending, []);
        h.t.clock.advance(24 * HOUR);
        const before = h.receiver.received.length;
        assert.equal((await h.dispatcher.runOnce()).attempted, 0);
        assert.equal(h.receiver.received.length, before);
      } finally {
        await h.close();
      }
    });

    test('a delivery claimed by a dispatcher that died is sent again once its claim expires', async () => {
      const h = await harness(dialect);
      try {
        const endpoint = await receiverEndpoint(h, '/a');
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        // A second dispatcher claims the delivery and never finishes its attempt: its process "died".
        const dead = new WebhookDispatcher(
          h.t.db.db,
          h.t.app.context,
          { error: () => undefined },
          {
            send: () => new Promise(() => undefined),
            claimTtlMs: 60 * SECOND,
          },
        );
        void dead.runOnce();
        let claimed = await deliveriesOf(h.t.db.db, endpoint.id);
        for (let i = 0; i < 100 && claimed[0]?.claimed_until === null; i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          claimed = await deliveriesOf(h.t.db.db, endpoint.id);
        }
        assert.equal(claimed[0]?.claimed_until, at(h.t, 60 * SECOND));

        assert.equal((await h.dispatcher.runOnce()).attempted, 0, 'a live claim is respected');
        h.t.clock.advance(60 * SECOND);
        assert.equal((await h.dispatcher.runOnce()).attempted, 0, 'still live at its last instant');
        h.t.clock.advance(1);
        assert.deepEqual(await h.dispatcher.runOnce(), { attempted: 1, succeeded: 1 });
        const [delivery] = await deliveriesOf(h.t.db.db, endpoint.id);
        assert.equal(delivery?.status, 'succeeded');
        assert.equal(delivery?.claimed_until, null);
        assert.equal(h.receiver.received.length, 1);
      } finally {
        await h.close();
      }
    });

    test("bounds one endpoint's deliveries in flight and sends them oldest first, without holding up others", async () => {
      const h = await harness(dialect, { webhooks: { perEndpointConcurrency: 2 } });
      try {
        await receiverEndpoint(h, '/slow', {
          enabled_events: JSON.stringify(['employee.created']),
        });
        await receiverEndpoint(h, '/quick', {
          enabled_events: JSON.stringify(['location.created']),
        });
        let release = (): void => undefined;
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        h.receiver.answer = (request) => ({
          status: 200,
          ...(request.path === '/slow' ? { after: released } : {}),
        });
        const events = await emitTestEvents(h.t.db.db, h.t.clock, h.accountId, 5);

        const first = h.dispatcher.runOnce();
        await h.receiver.waitFor(2);
        // Another dispatcher finds no room for the slow endpoint, but sends the other endpoint's event.
        const other = new WebhookDispatcher(
          h.t.db.db,
          h.t.app.context,
          { error: () => undefined },
          {
            send: httpSender({ allowPrivate: true, resolve: systemResolver }),
            claimTtlMs: 60 * SECOND,
            perEndpointConcurrency: 2,
          },
        );
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId, 1, 'location.created');
        assert.deepEqual(await other.runOnce(), { attempted: 1, succeeded: 1 });
        release();
        assert.deepEqual(await first, { attempted: 2, succeeded: 2 });
        assert.deepEqual(await h.dispatcher.runOnce(), { attempted: 2, succeeded: 2 });
        assert.deepEqual(await h.dispatcher.runOnce(), { attempted: 1, succeeded: 1 });
        assert.deepEqual(
          h.receiver.at('/slow').map((r) => r.webhookId),
          events,
        );
        assert.equal(h.receiver.maxInFlight('/slow'), 2);
      } finally {
        await h.close();
      }
    });

    test('a receiver that does not answer in time fails the attempt, which is retried', async () => {
      const h = await harness(dialect, { webhooks: { timeoutMs: 200 } });
      try {
        const endpoint = await receiverEndpoint(h, '/mute');
        h.receiver.answer = () => ({ hang: true });
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        assert.deepEqual(await h.dispatcher.runOnce(), { attempted: 1, succeeded: 0 });
        const [delivery] = await deliveriesOf(h.t.db.db, endpoint.id);
        assert.equal(delivery?.status, 'pending');
        assert.equal(delivery?.next_attempt_at, at(h.t, 5 * SECOND));
        assert.equal(delivery?.last_status_code, null);
        assert.match(delivery?.last_error ?? '', /no response within 200 ms/);
        const [attempt] = await attemptsOf(h.t, delivery?.id ?? '');
        assert.equal(attempt?.status_code, null);
        assert.match(attempt?.error ?? '', /no response within 200 ms/);
        assert.ok((attempt?.duration_ms ?? 0) >= 150);
      } finally {
        await h.close();
      }
    });

    test('refuses, at delivery time, a host that now resolves to a private address, and a refused connection', async () => {
      const h = await harness(dialect, {
        allowPrivate: false,
        webhooks: {
          // The name was public when the endpoint was saved; now it answers with loopback (DNS rebinding).
          resolve: async (host) => (host === 'hooks.example.com' ? ['127.0.0.1'] : []),
        },
      });
      try {
        const rebound = await insertEndpoint(h.t.db.db, h.t.clock, h.accountId, {
          url: `https://hooks.example.com:${h.receiver.port}/rebound`,
        });
        const literal = await insertEndpoint(h.t.db.db, h.t.clock, h.accountId, {
          url: `https://[::1]:${h.receiver.port}/literal`,
        });
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        assert.deepEqual(await h.dispatcher.runOnce(), { attempted: 2, succeeded: 0 });
        assert.equal(h.receiver.received.length, 0, 'nothing reached the loopback receiver');
        const [reboundDelivery] = await deliveriesOf(h.t.db.db, rebound.id);
        assert.match(
          reboundDelivery?.last_error ?? '',
          /resolves to 127\.0\.0\.1, which is not a public address/,
        );
        assert.equal(reboundDelivery?.status, 'pending');
        const [literalDelivery] = await deliveriesOf(h.t.db.db, literal.id);
        assert.match(literalDelivery?.last_error ?? '', /::1 is not a public address/);
      } finally {
        await h.close();
      }
    });

    test('connects to the address it resolved and checked, not to a second resolution', async () => {
      const h = await harness(dialect, {
        webhooks: { resolve: async (host) => (host === 'receiver.test' ? ['127.0.0.1'] : []) },
      });
      try {
        // `.test` names never resolve in DNS: the delivery arrives only through the resolver's answer.
        const endpoint = await insertEndpoint(h.t.db.db, h.t.clock, h.accountId, {
          url: `http://receiver.test:${h.receiver.port}/named`,
        });
        const closed = await insertEndpoint(h.t.db.db, h.t.clock, h.accountId, {
          url: 'http://127.0.0.1:9/closed',
        });
        h.receiver.endpoint('/named', endpoint.secret);
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        assert.deepEqual(await h.dispatcher.runOnce(), { attempted: 2, succeeded: 1 });
        assert.equal(h.receiver.at('/named')[0]?.headers.host, `receiver.test:${h.receiver.port}`);
        const [refused] = await deliveriesOf(h.t.db.db, closed.id);
        assert.match(refused?.last_error ?? '', /ECONNREFUSED/);
      } finally {
        await h.close();
      }
    });

    test('a disabled endpoint receives nothing until it is enabled again', async () => {
      const h = await harness(dialect);
      try {
        const endpoint = await receiverEndpoint(h, '/off');
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        const disable = (status: 'enabled' | 'disabled') =>
          h.t.db.db.updateTable('webhook_endpoints').set({ status }).where('id', '=', endpoint.id).execute();
        await disable('disabled');
        assert.equal((await h.dispatcher.runOnce()).attempted, 0);
        await disable('enabled');
        assert.deepEqual(await h.dispatcher.runOnce(), { attempted: 1, succeeded: 1 });
      } finally {
        await h.close();
      }
    });

    test('the background loop sends when woken, and stop() waits for the attempts in flight', async () => {
      const h = await harness(dialect, { webhooks: { pollIntervalMs: 60_000 } });
      try {
        const endpoint = await receiverEndpoint(h, '/loop');
        assert.equal(h.dispatcher.running, false, 'test apps never start the loop on their own');
        h.dispatcher.start();
        // The loop's first pass found nothing; with a one-minute poll only wake() brings it back now.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        h.dispatcher.wake();
        await h.receiver.waitFor(1);

        let release = (): void => undefined;
        h.receiver.answer = () => ({
          status: 200,
          after: new Promise<void>((resolve) => {
            release = resolve;
          }),
        });
        await emitTestEvents(h.t.db.db, h.t.clock, h.accountId);
        h.dispatcher.wake();
        await h.receiver.waitFor(2);
        const stopped = h.dispatcher.stop();
        setTimeout(() => release(), 50);
        await stopped;
        assert.equal(h.dispatcher.running, false);
        const deliveries = await deliveriesOf(h.t.db.db, endpoint.id);
        assert.deepEqual(
          deliveries.map((d) => [d.status, d.claimed_until]),
          [
            ['succeeded', null],
            ['succeeded', null],
          ],
        );
      } finally {
        await h.close();
      }
    });
  });
}
