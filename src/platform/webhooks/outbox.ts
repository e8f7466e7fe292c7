import { sql } from 'kysely';
import { fromDbJson, toDbJson } from '../../db/columns.js';
import { isPostgres } from '../../db/database.js';
import type { Db, EventRow, WebhookDeliveryRow, WebhookEndpointRow } from '../../db/tables.js';
import { inTransaction } from '../../db/transaction.js';
import type { Clock } from '../../shared/clock.js';
import { newId, newIdAfter } from '../../shared/ids.js';
import { findAccount } from '../accounts/repository.js';
import { mayRead } from '../descriptors/projection.js';
import type { ResourceRegistry } from '../descriptors/registry.js';
import { LATEST_API_VERSION } from '../versioning/versions.js';
import { PING } from './catalogue.js';
import { insertDeliveries } from './delivery-repository.js';
import {
  endpointPermissions,
  listEnabledEndpoints,
  lockEndpointsForDeliveries,
} from './endpoint-repository.js';
import { WEBHOOK_DELIVERIES } from './endpoints/resource.js';
import { insertEvents, lastEventId } from './event-repository.js';
import { EVENTS } from './events/resource.js';

/** An API object as the latest version returns it. */
export type EventPayloadObject = { readonly id: string; readonly object: string } & Readonly<
  Record<string, unknown>
>;

export interface EventInput {
  /** A type of the catalogue (the registry's event types, or `ping`). */
  readonly type: string;
  readonly object: EventPayloadObject;
  /** For updates: the previous values of the attributes that changed (see `previousAttributesOf`). */
  readonly previousAttributes?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * What writing events needs besides the transaction: the time, and the registry, which says whose events an
 * endpoint may receive. The services' context is one.
 */
export interface OutboxContext {
  readonly clock: Clock;
  readonly resources: ResourceRegistry;
}

/** What a change did, and the events that say so. */
export interface Change<T> {
  readonly result: T;
  readonly events: readonly EventInput[];
}

/**
 * Runs a change and writes its events in one transaction (joining the caller's when `db` already is one), so a
 * committed change always has its events and a rolled-back one never does. Every service function that changes
 * data goes through here.
 */
export function recordChange<T>(
  db: Db,
  outbox: OutboxContext,
  accountId: string,
  change: (trx: Db) => Promise<Change<T>>,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    const { result, events } = await change(trx);
    await emitEvents(trx, outbox, accountId, events);
    return result;
  });
}

/**
 * Writes events into the outbox, with one pending delivery per enabled endpoint subscribed to each and allowed to
 * read it (see `receives`), but none to an endpoint being deleted right now (see lockEndpointsForDeliveries). Must
 * run in the transaction of the change itself: a committed change always has its events and deliveries, a
 * rolled-back change never does. Calling it outside a transaction is a programming error and throws.
 */
export async function emitEvents(
  trx: Db,
  outbox: OutboxContext,
  accountId: string,
  events: readonly EventInput[],
): Promise<string[]> {
  if (!trx.isTransaction) throw new Error('emitEvents must run inside the transaction of the change');
  if (events.length === 0) return [];
  const account = await findAccount(trx, accountId);
  const apiVersion = account?.api_version ?? LATEST_API_VERSION;
  const now = outbox.clock.now().toISOString();
  const ids: string[] = [];
  let previousId = await lastEventIdInCommitOrder(trx, accountId);
  for (const _ of events) {
    previousId = newIdAfter(EVENTS, previousId);
    ids.push(previousId);
  }
  const rows: EventRow[] = events.map((event, index) => ({
    id: ids[index] as string,
    account_id: accountId,
    type: event.type,
    api_version: apiVersion,
    data: toDbJson(
      event.previousAttributes
        ? { object: event.object, previousAttributes: event.previousAttributes }
        : { object: event.object },
    ),
    created_at: now,
  }));
  await insertEvents(trx, rows);

  const endpoints = await listEnabledEndpoints(trx, accountId);
  const wanted = rows.flatMap((row, index) =>
    endpoints
      .filter((endpoint) => receives(outbox.resources, endpoint, events[index] as EventInput))
      .map((endpoint) => pendingDelivery(accountId, endpoint.id, row.id, now)),
  );
  // None to an endpoint whose deletion is under way: it may have deleted its deliveries already.
  const open = new Set(
    await lockEndpointsForDeliveries(trx, accountId, [...new Set(wanted.map((d) => d.endpoint_id))]),
  );
  await insertDeliveries(
    trx,
    wanted.filter((delivery) => open.has(delivery.endpoint_id)),
  );
  return rows.map((row) => row.id);
}

/**
 * The feed is read in id order from a cursor, so an account's event ids must grow in commit order: an event that
 * commits after a poller has read past its id would never be seen. On PostgreSQL a transaction-scoped advisory lock
 * per account, taken here at the end of the change and held until it commits, makes the account's event writers
 * take turns; the new ids then follow the newest committed one (see newIdAfter). SQLite runs one write transaction
 * at a time already.
 */
async function lastEventIdInCommitOrder(trx: Db, accountId: string): Promise<string | undefined> {
  if (isPostgres(trx)) {
    await sql`select pg_advisory_xact_lock(hashtext(${`punchclock.events:${accountId}`}))`.execute(trx);
  }
  return lastEventId(trx, accountId);
}

/** A delivery of one event to one endpoint, due at once. */
export function pendingDelivery(
  accountId: string,
  endpointId: string,
  eventId: string,
  now: string,
): WebhookDeliveryRow {
  return {
    id: newId(WEBHOOK_DELIVERIES),
    account_id: accountId,
    endpoint_id: endpointId,
    event_id: eventId,
    status: 'pending',
    attempt_count: 0,
    next_attempt_at: now,
    claimed_until: null,
    last_status_code: null,
    last_error: null,
    created_at: now,
    updated_at: now,
  };
}

/**
 * An endpoint receives the events it subscribes to that the permissions it recorded may read: those of whoever
 * created it or last changed its URL or its events (see endpoints/service.ts). `["*"]` is every event they may read.
 */
function receives(
  resources: ResourceRegistry,
  endpoint: Pick<WebhookEndpointRow, 'enabled_events' | 'permissions'>,
  event: EventInput,
): boolean {
  if (!subscribes(fromDbJson<string[]>(endpoint.enabled_events), event.type)) return false;
  const resource = resources.event(event.type)?.resource;
  return resource === undefined || mayRead(endpointPermissions(endpoint), resource);
}

/** `["*"]` subscribes to every event but `ping`, which only `POST /{id}/test` sends, to that endpoint alone. */
export function subscribes(enabledEvents: readonly string[], type: string): boolean {
  if (type === PING) return false;
  return enabledEvents.includes('*') || enabledEvents.includes(type);
}

/**
 * The previous values of the attributes that differ between two renderings of one object (`updatedAt` included),
 * as Stripe's `previous_attributes`: what a client needs to see what an update changed.
 */
export function previousAttributesOf(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(before)) {
    if (JSON.stringify(value) !== JSON.stringify(after[name])) previous[name] = value;
  }
  return previous;
}
