/**
 * A disabled webhook endpoint has nothing pending, even when deliveries to it were being written while it was
 * disabled (found by the fuzzer on PostgreSQL: an event written during a `PATCH status=disabled`, or a retry that
 * checked `enabled` before the disabling committed, left a pending delivery that would never be sent). On
 * PostgreSQL each test holds one transaction open and starts the other beside it (see interleave); SQLite runs one
 * write transaction at a time, so there the two run one after the other.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { failPendingDeliveries } from '../../../src/platform/webhooks/delivery-repository.js';
import { emitEvents } from '../../../src/platform/webhooks/outbox.js';
import { RESOURCES } from '../../../src/resources/registry.js';
import { call } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { interleave } from '../../helpers/interleave.js';
import { appWithEndpoint, deliveriesOf, employeeCreatedEvent } from '../../helpers/webhooks.js';

for (const dialect of DIALECTS) {
  describe(`disabling a webhook endpoint while deliveries to it are written (${dialect})`, () => {
    test('an event written during the disabling leaves nothing pending', async () => {
      const { t, account, endpoint } = await appWithEndpoint(dialect);
      try {
        const outbox = { clock: t.clock, resources: RESOURCES };
        const { value: disabled } = await interleave(
          t,
          dialect,
          (trx) => emitEvents(trx, outbox, account.account.id, [employeeCreatedEvent(1)]),
          () =>
            call(t, 'PATCH', `/v1/webhook-endpoints/${endpoint.id}`, {
              key: account.key,
              body: { status: 'disabled' },
            }),
        );
        assert.equal(disabled.status, 200, disabled.raw);
        const rows = await deliveriesOf(t.db.db, endpoint.id);
        assert.ok(rows.length > 0, 'the event was delivered to the endpoint before it was disabled');
        assert.deepEqual(
          rows.map((row) => row.status),
          rows.map(() => 'failed'),
          'the disabling failed every delivery written beside it',
        );
      } finally {
        await t.close();
      }
    });

    test('a retry beside the disabling is refused instead of queuing a delivery', async () => {
      const { t, account, endpoint } = await appWithEndpoint(dialect);
      try {
        const outbox = { clock: t.clock, resources: RESOURCES };
        await t.db.db
          .transaction()
          .execute((trx) => emitEvents(trx, outbox, account.account.id, [employeeCreatedEvent(1)]));
        const [delivery] = await deliveriesOf(t.db.db, endpoint.id);
        assert.ok(delivery);
        const now = t.clock.now().toISOString();
        await t.db.db
          .updateTable('webhook_deliveries')
          .set({ status: 'failed', next_attempt_at: null })
          .where('id', '=', delivery.id)
          .execute();
        // The disabling's own writes, held open while the retry runs.
        const { value: retried } = await interleave(
          t,
          dialect,
          async (trx) => {
            await trx
              .updateTable('webhook_endpoints')
              .set({ status: 'disabled', disabled_reason: 'manual', updated_at: now })
              .where('id', '=', endpoint.id)
              .execute();
            await failPendingDeliveries(
              trx,
              account.account.id,
              endpoint.id,
              'The endpoint was disabled.',
              now,
            );
          },
          () => call(t, 'POST', `/v1/webhook-deliveries/${delivery.id}/retry`, { key: account.key }),
        );
        assert.equal(retried.status, 409, retried.raw);
        const rows = await deliveriesOf(t.db.db, endpoint.id);
        assert.deepEqual(
          rows.map((row) => row.status),
          ['failed'],
        );
      } finally {
        await t.close();
      }
    });
  });
}
