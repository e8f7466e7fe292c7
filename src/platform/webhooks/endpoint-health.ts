import type { Db, WebhookEndpointRow } from '../../db/tables.js';
import { domainEvent, updatedEvent } from './change-events.js';
import { failPendingDeliveries } from './delivery-repository.js';
import { lockEndpointAgainstDeliveries, updateEndpointHealth } from './endpoint-repository.js';
import { WEBHOOK_ENDPOINTS } from './endpoints/resource.js';
import { toWebhookEndpoint } from './endpoints/schema.js';
import { emitEvents, type OutboxContext } from './outbox.js';

/** An endpoint whose deliveries have all failed for this long is disabled (DESIGN §3.10). */
export const FAILING_DISABLE_AFTER_MS = 5 * 24 * 60 * 60 * 1000;

/** What one attempt says about its endpoint. */
export type AttemptVerdict = 'succeeded' | 'failed' | 'gone';

/**
 * Applies an attempt's verdict to its endpoint, in the transaction that records the attempt, with `endpoint` read
 * (and on PostgreSQL locked) in it: a success ends a run of failures; the first failure starts one; a failure
 * five days into a run, or a `410 Gone`, disables the endpoint and fails everything still pending for it.
 *
 * `failingSince` is the endpoint's health, moved by deliveries as an API key's `lastUsedAt` is moved by requests:
 * not a change of the endpoint, so it neither touches `updatedAt` nor makes an event (an endpoint subscribed to
 * everything would otherwise be sent news of its own failures, which fail in turn). Disabling is a change: a
 * `webhook_endpoint.updated` event and a `webhook_endpoint.disabled` one.
 */
export async function applyAttemptVerdict(
  trx: Db,
  outbox: OutboxContext,
  endpoint: WebhookEndpointRow,
  verdict: AttemptVerdict,
): Promise<void> {
  const now = outbox.clock.now();
  const nowIso = now.toISOString();
  if (verdict === 'succeeded') {
    if (endpoint.failing_since !== null) await updateEndpointHealth(trx, endpoint, { failing_since: null });
    return;
  }
  // A disabled endpoint's late answers (to a claim taken before it was disabled) change nothing more.
  if (endpoint.status !== 'enabled') return;
  if (verdict === 'gone') return disable(trx, outbox, endpoint, 'gone');
  if (endpoint.failing_since === null) {
    await updateEndpointHealth(trx, endpoint, { failing_since: nowIso });
  } else if (now.getTime() - Date.parse(endpoint.failing_since) >= FAILING_DISABLE_AFTER_MS) {
    await disable(trx, outbox, endpoint, 'failing');
  }
}

async function disable(
  trx: Db,
  outbox: OutboxContext,
  endpoint: WebhookEndpointRow,
  reason: 'gone' | 'failing',
): Promise<void> {
  const now = outbox.clock.now().toISOString();
  const change = { status: 'disabled', disabled_reason: reason, updated_at: now } as const;
  await updateEndpointHealth(trx, endpoint, change);
  // Waits for the transactions writing deliveries to it, so theirs fail too; later ones leave it out.
  await lockEndpointAgainstDeliveries(trx, endpoint.account_id, endpoint.id);
  await failPendingDeliveries(
    trx,
    endpoint.account_id,
    endpoint.id,
    reason === 'gone'
      ? 'The endpoint was disabled: it answered 410 Gone.'
      : 'The endpoint was disabled: its deliveries failed for five days.',
    now,
  );
  const after = toWebhookEndpoint({ ...endpoint, ...change });
  await emitEvents(trx, outbox, endpoint.account_id, [
    updatedEvent(toWebhookEndpoint(endpoint), after),
    domainEvent(WEBHOOK_ENDPOINTS, 'disabled', after),
  ]);
}
