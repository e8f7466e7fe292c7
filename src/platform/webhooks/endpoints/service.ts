import { randomBytes } from 'node:crypto';
import type { Updateable } from 'kysely';
import { fromDbJson, toDbJson } from '../../../db/columns.js';
import { afterCommit } from '../../../db/request-transaction.js';
import type { Db, WebhookAttemptRow, WebhookEndpointRow, WebhookEndpointsTable } from '../../../db/tables.js';
import { inTransaction } from '../../../db/transaction.js';
import { newId } from '../../../shared/ids.js';
import { createWithinPlanCap } from '../../accounts/plan-caps.js';
import type { AppContext, ServiceContext } from '../../context.js';
import { type Permissions, scopeString } from '../../descriptors/permissions.js';
import { mayRead } from '../../descriptors/projection.js';
import { ApiError, notFound } from '../../errors/api-error.js';
import { parseInstant } from '../../http/instants.js';
import type { PageRequest } from '../../pagination/keyset.js';
import { listing, type Page, pageOfObjects } from '../../pagination/respond.js';
import { isSubscribable, PING } from '../catalogue.js';
import { createdEvent, deletedEvent, updatedEvent } from '../change-events.js';
import * as deliveries from '../delivery-repository.js';
import * as repo from '../endpoint-repository.js';
import { emitEvents, pendingDelivery, recordChange } from '../outbox.js';
import { checkWebhookUrl } from '../ssrf.js';
import { WEBHOOK_ENDPOINTS } from './resource.js';
import {
  type CreateWebhookEndpointInput,
  toWebhookDelivery,
  toWebhookEndpoint,
  type UpdateWebhookEndpointInput,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
  type WebhookRecovery,
} from './schema.js';

/**
 * What the webhook services need besides the database: the operator's URL policy and host resolution (the SSRF
 * check), and the dispatcher, woken when a delivery is queued to go now.
 */
export type WebhookServiceContext = ServiceContext & Pick<AppContext, 'config' | 'resolveHost' | 'webhooks'>;

/** After a rotation the previous secret keeps signing this long, so receivers can switch without dropping events. */
export const PREVIOUS_SECRET_TTL_MS = 24 * 60 * 60 * 1000;

/** A Standard Webhooks secret: `whsec_` + base64 of 24 random bytes. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * A list of known event types, or `["*"]` alone. 400 parameter_invalid naming `enabledEvents` otherwise: `ping` is
 * not subscribable (only `POST /{id}/test` sends it, to that endpoint alone).
 */
function assertEnabledEvents(ctx: ServiceContext, enabledEvents: readonly string[] | undefined): void {
  if (enabledEvents === undefined) return;
  const invalid = (message: string) => new ApiError('parameter_invalid', message, { param: 'enabledEvents' });
  if (enabledEvents.includes('*')) {
    if (enabledEvents.length > 1) throw invalid('`*` subscribes to every event: send it alone, as ["*"].');
    return;
  }
  for (const type of enabledEvents) {
    if (type === PING) {
      throw invalid('`ping` cannot be subscribed to: POST /v1/webhook-endpoints/{id}/test sends it.');
    }
    if (!isSubscribable(ctx.resources, type)) throw invalid(`Unknown event type "${type}".`);
  }
}

/**
 * Whoever subscribes an endpoint must be able to read what it will receive (403 missing_scope naming the scope):
 * a webhook is one more channel that hands objects out, and reads no more than its creator could. `["*"]` asks for
 * every event its creator may read.
 */
function assertMayRead(
  ctx: ServiceContext,
  enabledEvents: readonly string[],
  permissions: Permissions,
): void {
  for (const type of enabledEvents) {
    const resource = ctx.resources.event(type)?.resource;
    if (!resource?.scope || mayRead(permissions, resource)) continue;
    const needed = scopeString(resource.scope, 'read');
    throw new ApiError(
      'missing_scope',
      `This API key lacks the "${needed}" scope required to receive ${type} events.`,
      { param: 'enabledEvents' },
    );
  }
}

async function assertUrlAllowed(ctx: WebhookServiceContext, url: string | undefined): Promise<void> {
  if (url === undefined) return;
  await checkWebhookUrl(url, { allowPrivate: ctx.config.webhookAllowPrivate, resolve: ctx.resolveHost });
}

async function load(db: Db, accountId: string, id: string): Promise<WebhookEndpointRow> {
  const row = await repo.findEndpoint(db, accountId, id);
  if (!row) throw notFound('Webhook endpoint', id);
  return row;
}

/**
 * The endpoint, locked until the transaction ends on PostgreSQL (as the dispatcher locks it to record its health):
 * a change made here and one the dispatcher makes then happen one after the other, each seeing the other's result.
 * Sending to it (test, retry, recover) takes it too, so a send checks `enabled` against a disabling that commits
 * first, and a disabling that comes later fails what the send queued.
 */
async function loadForChange(trx: Db, accountId: string, id: string): Promise<WebhookEndpointRow> {
  const row = await repo.lockEndpointRow(trx, accountId, id);
  if (!row) throw notFound('Webhook endpoint', id);
  return row;
}

/** Sending to a disabled endpoint is refused: enable it first (409 endpoint_disabled). */
function assertEnabled(row: WebhookEndpointRow): void {
  if (row.status !== 'enabled') {
    throw new ApiError(
      'endpoint_disabled',
      `Webhook endpoint ${row.id} is disabled; enable it (\`status: "enabled"\`) before sending to it.`,
    );
  }
}

export async function getWebhookEndpoint(
  ctx: ServiceContext,
  accountId: string,
  id: string,
): Promise<WebhookEndpoint> {
  return toWebhookEndpoint(await load(ctx.database.db, accountId, id));
}

/** The account's webhook endpoints matching the filters, newest first, without their secrets. */
export const listWebhookEndpoints = listing(repo.listEndpoints, repo.countEndpoints, (rows) =>
  rows.map(toWebhookEndpoint),
);

/**
 * `creator`: the permissions of the key that creates it (an administrator in the portal has them all). The endpoint
 * records them and receives what they may read, projected as they would read it.
 */
export async function createWebhookEndpoint(
  ctx: WebhookServiceContext,
  accountId: string,
  input: CreateWebhookEndpointInput,
  creator: Permissions,
): Promise<WebhookEndpointWithSecret> {
  assertEnabledEvents(ctx, input.enabledEvents);
  assertMayRead(ctx, input.enabledEvents, creator);
  await assertUrlAllowed(ctx, input.url);
  const now = ctx.clock.now().toISOString();
  const row: WebhookEndpointRow = {
    id: newId(WEBHOOK_ENDPOINTS),
    account_id: accountId,
    url: input.url,
    description: input.description ?? null,
    enabled_events: toDbJson(input.enabledEvents),
    api_version: input.apiVersion ?? null,
    status: input.status ?? 'enabled',
    disabled_reason: input.status === 'disabled' ? 'manual' : null,
    secret: newSecret(),
    previous_secret: null,
    previous_secret_expires_at: null,
    failing_since: null,
    permissions: repo.toDbPermissions(creator),
    created_at: now,
    updated_at: now,
  };
  return createWithinPlanCap(
    ctx.database.db,
    accountId,
    'maxWebhookEndpoints',
    (db) => repo.countEndpoints(db, accountId, {}),
    // Under a cap this joins the cap's transaction; otherwise it opens one.
    (db) =>
      recordChange(db, ctx, accountId, async (trx) => {
        await repo.insertEndpoint(trx, row);
        const endpoint = toWebhookEndpoint(row);
        return { result: { ...endpoint, secret: row.secret }, events: [createdEvent(endpoint)] };
      }),
  );
}

/**
 * Applies `changes` to the endpoint and records the `webhook_endpoint.updated` event, in one transaction. An
 * endpoint this disables receives nothing more, as when the dispatcher disables one: its pending deliveries fail
 * (`recover` re-sends them once it is enabled again).
 */
async function changeEndpoint(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  changesOf: (row: WebhookEndpointRow) => Updateable<WebhookEndpointsTable>,
): Promise<WebhookEndpointRow> {
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const now = ctx.clock.now().toISOString();
    const before = await loadForChange(trx, accountId, id);
    await repo.updateEndpoint(trx, accountId, id, { ...changesOf(before), updated_at: now });
    const after = await load(trx, accountId, id);
    if (before.status === 'enabled' && after.status === 'disabled') {
      // Waits for the transactions writing deliveries to it, so theirs fail too; later ones leave it out.
      await repo.lockEndpointAgainstDeliveries(trx, accountId, id);
      await deliveries.failPendingDeliveries(trx, accountId, id, 'The endpoint was disabled.', now);
    }
    return {
      result: after,
      events: [updatedEvent(toWebhookEndpoint(before), toWebhookEndpoint(after))],
    };
  });
}

/**
 * `editor`: the permissions of the key that changes it. Changing where an endpoint sends (`url`) or what it
 * receives (`enabledEvents`) records the editor's permissions in place of the creator's, and the editor must be
 * able to read every event the endpoint then subscribes to: otherwise a key could point another key's endpoint at
 * itself and read through it. Other changes keep the recorded permissions.
 */
export async function updateWebhookEndpoint(
  ctx: WebhookServiceContext,
  accountId: string,
  id: string,
  input: UpdateWebhookEndpointInput,
  editor: Permissions,
): Promise<WebhookEndpoint> {
  assertEnabledEvents(ctx, input.enabledEvents);
  await assertUrlAllowed(ctx, input.url);
  const row = await changeEndpoint(ctx, accountId, id, (before) => {
    const changes: Updateable<WebhookEndpointsTable> = {};
    if (input.url !== undefined || input.enabledEvents !== undefined) {
      assertMayRead(ctx, input.enabledEvents ?? fromDbJson<string[]>(before.enabled_events), editor);
      changes.permissions = repo.toDbPermissions(editor);
    }
    if (input.url !== undefined) changes.url = input.url;
    if (input.description !== undefined) changes.description = input.description;
    if (input.enabledEvents !== undefined) changes.enabled_events = toDbJson(input.enabledEvents);
    if (input.apiVersion !== undefined) changes.api_version = input.apiVersion;
    if (input.status === 'enabled' && before.status === 'disabled') {
      // A fresh start: the dispatcher's five-day rule counts from the next failure, not the old streak.
      changes.status = 'enabled';
      changes.disabled_reason = null;
      changes.failing_since = null;
    } else if (input.status === 'disabled' && before.status === 'enabled') {
      changes.status = 'disabled';
      changes.disabled_reason = 'manual';
    }
    return changes;
  });
  return toWebhookEndpoint(row);
}

/**
 * Deletes the endpoint with its deliveries and their attempts. The endpoint is locked for deletion first (on
 * PostgreSQL): transactions writing deliveries to it commit before its deliveries are deleted, and later ones leave
 * it out, so none outlives it.
 */
export async function deleteWebhookEndpoint(
  ctx: ServiceContext,
  accountId: string,
  id: string,
): Promise<void> {
  await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const row = await repo.lockEndpointAgainstDeliveries(trx, accountId, id);
    if (!row) throw notFound('Webhook endpoint', id);
    await deliveries.deleteDeliveriesOfEndpoint(trx, accountId, id);
    await repo.deleteEndpoint(trx, accountId, id);
    return { result: undefined, events: [deletedEvent(toWebhookEndpoint(row))] };
  });
}

/**
 * A new secret, returned this once. The old one keeps signing (a second signature in `webhook-signature`) for 24
 * hours, so a receiver can deploy the new secret without rejecting deliveries meanwhile. Rotating again within
 * those hours retires the oldest secret at once: only the latest two ever sign.
 */
export async function rotateWebhookSecret(
  ctx: ServiceContext,
  accountId: string,
  id: string,
): Promise<WebhookEndpointWithSecret> {
  const secret = newSecret();
  const expiresAt = new Date(ctx.clock.now().getTime() + PREVIOUS_SECRET_TTL_MS).toISOString();
  const row = await changeEndpoint(ctx, accountId, id, (before) => ({
    secret,
    previous_secret: before.secret,
    previous_secret_expires_at: expiresAt,
  }));
  return { ...toWebhookEndpoint(row), secret };
}

/** A delivery as the API shows it: with its event's type and its attempts. */
async function readDelivery(db: Db, accountId: string, id: string): Promise<WebhookDelivery> {
  const row = await deliveries.findDelivery(db, accountId, id);
  if (!row) throw notFound('Webhook delivery', id);
  return toWebhookDelivery(row, await deliveries.attemptsOf(db, accountId, [id]));
}

/**
 * Sends a `ping` event to this endpoint alone: the event (whose `data.object` is the endpoint) and one pending
 * delivery are written in one transaction. `ping` is not in the events feed and no other endpoint receives it.
 */
export async function sendTestEvent(
  ctx: WebhookServiceContext,
  accountId: string,
  id: string,
): Promise<WebhookDelivery> {
  const delivery = await inTransaction(ctx.database.db, async (trx) => {
    const endpoint = await loadForChange(trx, accountId, id);
    assertEnabled(endpoint);
    const [eventId] = await emitEvents(trx, ctx, accountId, [
      { type: PING, object: toWebhookEndpoint(endpoint) },
    ]);
    if (eventId === undefined) throw new Error('emitEvents returned no id for the ping event');
    const delivery = pendingDelivery(accountId, id, eventId, ctx.clock.now().toISOString());
    await deliveries.insertDelivery(trx, delivery);
    return readDelivery(trx, accountId, delivery.id);
  });
  afterCommit(() => ctx.webhooks.wake());
  return delivery;
}

export async function listWebhookDeliveries(
  ctx: ServiceContext,
  accountId: string,
  endpointId: string,
  filters: deliveries.WebhookDeliveryFilters,
  page: PageRequest,
): Promise<Page<WebhookDelivery>> {
  const db = ctx.database.db;
  await load(db, accountId, endpointId);
  return pageOfObjects(
    await deliveries.listDeliveries(db, accountId, endpointId, filters, page),
    page,
    (rows) => withAttempts(db, accountId, rows),
    () => deliveries.countDeliveries(db, accountId, endpointId, filters),
  );
}

/** Deliveries as the API shows them, each with its attempts: one query for the attempts of all of them. */
async function withAttempts(
  db: Db,
  accountId: string,
  rows: readonly deliveries.DeliveryWithEvent[],
): Promise<WebhookDelivery[]> {
  const attempts = new Map<string, WebhookAttemptRow[]>();
  for (const attempt of await deliveries.attemptsOf(
    db,
    accountId,
    rows.map((row) => row.id),
  )) {
    attempts.set(attempt.delivery_id, [...(attempts.get(attempt.delivery_id) ?? []), attempt]);
  }
  return rows.map((row) => toWebhookDelivery(row, attempts.get(row.id) ?? []));
}

/**
 * Replays a delivery now, whatever its status: it becomes pending, due at once and unclaimed. Its attempt count is
 * kept, so the attempts list stays whole and a delivery that had used up its retry schedule gets this one attempt.
 */
export async function retryWebhookDelivery(
  ctx: WebhookServiceContext,
  accountId: string,
  id: string,
): Promise<WebhookDelivery> {
  const delivery = await inTransaction(ctx.database.db, async (trx) => {
    const delivery = await deliveries.findDelivery(trx, accountId, id);
    if (!delivery) throw notFound('Webhook delivery', id);
    assertEnabled(await loadForChange(trx, accountId, delivery.endpoint_id));
    await deliveries.requeueDelivery(trx, accountId, id, ctx.clock.now().toISOString());
    return readDelivery(trx, accountId, id);
  });
  afterCommit(() => ctx.webhooks.wake());
  return delivery;
}

/** Re-queues every failed delivery of the endpoint created at or after `since` (after an outage, say). */
export async function recoverWebhookEndpoint(
  ctx: WebhookServiceContext,
  accountId: string,
  id: string,
  since: string,
): Promise<WebhookRecovery> {
  const from = parseInstant(since, 'since');
  const recovery = await inTransaction(ctx.database.db, async (trx) => {
    assertEnabled(await loadForChange(trx, accountId, id));
    const requeued = await deliveries.requeueFailedDeliveries(
      trx,
      accountId,
      id,
      from,
      ctx.clock.now().toISOString(),
    );
    return { object: 'webhook_recovery' as const, endpointId: id, since: from, requeued };
  });
  if (recovery.requeued > 0) afterCommit(() => ctx.webhooks.wake());
  return recovery;
}
