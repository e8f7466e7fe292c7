/**
 * Proof that no webhook was lost during a run, read from the database once the dispatcher has settled:
 *
 *   - every delivery of the account reached a final state (`succeeded` or `failed`: the receiver answers 200, and
 *     disabling an endpoint fails its pending deliveries), none is still pending;
 *   - its attempt rows agree with it: as many as its `attempt_count`, and a `succeeded` delivery has a 2xx attempt;
 *   - every event of account A since the audit endpoint subscribed to `*` has exactly one delivery to it, succeeded,
 *     and the receiver got that event, signed with the endpoint's secret (verified with `standardwebhooks`).
 */
import type { Db } from '../../src/db/tables.js';
import { PING } from '../../src/platform/webhooks/catalogue.js';
import { quiesce } from './snapshot.js';
import { AUDIT_PATH, type FuzzTarget } from './target.js';

export interface WebhookAudit {
  readonly events: number;
  readonly deliveries: number;
  readonly attempts: number;
  readonly problems: string[];
}

async function settled(db: Db, accountId: string, timeoutMs: number): Promise<boolean> {
  // First the dispatcher's work (claimed or due); then any retry it scheduled, which must not exist at all.
  if (!(await quiesce(db, [accountId], { horizonMs: 0, timeoutMs }))) return false;
  return quiesce(db, [accountId], { horizonMs: 60_000, timeoutMs: 15_000 });
}

export async function auditWebhooks(target: FuzzTarget, timeoutMs = 120_000): Promise<WebhookAudit> {
  const db = target.t.db.db;
  const accountId = target.a.account.id;
  const problems: string[] = [];
  if (!(await settled(db, accountId, timeoutMs))) {
    problems.push(`the dispatcher still had deliveries pending after ${Math.round(timeoutMs / 1000)} s`);
  }
  const deliveries = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('account_id', '=', accountId)
    .execute();
  const attempts = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('account_id', '=', accountId)
    .execute();
  const events = await db
    .selectFrom('events')
    .select(['id', 'type'])
    .where('account_id', '=', accountId)
    .where('id', '>', target.audit.eventsAfter)
    .orderBy('id')
    .execute();

  const attemptsOf = new Map<string, typeof attempts>();
  for (const attempt of attempts) {
    attemptsOf.set(attempt.delivery_id, [...(attemptsOf.get(attempt.delivery_id) ?? []), attempt]);
  }
  const deliveryIds = new Set(deliveries.map((delivery) => delivery.id));
  const orphans = attempts.filter((attempt) => !deliveryIds.has(attempt.delivery_id));
  if (orphans.length > 0) problems.push(`${orphans.length} attempt rows name no delivery`);

  const endpoints = new Map(
    (
      await db
        .selectFrom('webhook_endpoints')
        .select(['id', 'status'])
        .where('account_id', '=', accountId)
        .execute()
    ).map((endpoint) => [endpoint.id, endpoint.status]),
  );
  for (const delivery of deliveries) {
    const mine = (attemptsOf.get(delivery.id) ?? []).sort((x, y) =>
      x.attempted_at.localeCompare(y.attempted_at),
    );
    const label = `delivery ${delivery.id} (event ${delivery.event_id}, endpoint ${delivery.endpoint_id})`;
    const endpoint = endpoints.get(delivery.endpoint_id);
    if (endpoint === undefined) {
      // Deleting an endpoint deletes its deliveries and attempts, and a change racing the deletion writes none to it
      // (the foreign key of 0008 makes one impossible): a delivery that outlives its endpoint is a defect.
      problems.push(
        `${label} is ${delivery.status}, but its endpoint was deleted: an orphan that can never settle`,
      );
    } else if (delivery.status !== 'succeeded' && delivery.status !== 'failed') {
      problems.push(
        `${label} is ${delivery.status} after ${delivery.attempt_count} attempts (endpoint ${endpoint}): ${delivery.last_error}`,
      );
    }
    if (mine.length !== delivery.attempt_count) {
      problems.push(`${label} counts ${delivery.attempt_count} attempts but has ${mine.length} attempt rows`);
    }
    if (delivery.status === 'succeeded') {
      // Not necessarily the last attempt: one that began before a replay and answered after it was counted, but
      // the replay's outcome is the one that settled the delivery.
      const ok = (code: number | null) => code !== null && code >= 200 && code < 300;
      if (!mine.some((attempt) => ok(attempt.status_code)) || !ok(delivery.last_status_code)) {
        problems.push(
          `${label} is succeeded without a 2xx attempt (last ${mine.at(-1)?.status_code ?? 'none'})`,
        );
      }
    }
  }

  const toAudit = new Map<string, typeof deliveries>();
  for (const delivery of deliveries.filter((d) => d.endpoint_id === target.audit.id)) {
    toAudit.set(delivery.event_id, [...(toAudit.get(delivery.event_id) ?? []), delivery]);
  }
  const received = target.receiver.at(AUDIT_PATH);
  const receivedIds = new Set(received.map((request) => request.webhookId));
  let missing = 0;
  for (const event of events.filter((e) => e.type !== PING)) {
    const found = toAudit.get(event.id) ?? [];
    if (found.length !== 1 || found[0]?.status !== 'succeeded' || !receivedIds.has(event.id)) {
      missing++;
      if (missing <= 10) {
        problems.push(
          `event ${event.id} (${event.type}): ${found.length} deliveries to the audit endpoint (${found
            .map((d) => d.status)
            .join(', ')}), ${receivedIds.has(event.id) ? '' : 'never '}received`,
        );
      }
    }
  }
  if (missing > 10) problems.push(`... ${missing - 10} more events without their audit delivery`);
  const registeredAt = target.audit.receivedBefore;
  const unverified = target.receiver.received
    .slice(registeredAt)
    .filter((request) => request.path === AUDIT_PATH && request.verifiedWith.length === 0);
  if (unverified.length > 0) {
    problems.push(
      `${unverified.length} audit webhooks failed signature verification: ${[...(unverified[0]?.verificationErrors.values() ?? [])].join('; ')}`,
    );
  }
  return { events: events.length, deliveries: deliveries.length, attempts: attempts.length, problems };
}
