import type { SelectQueryBuilder, Updateable } from 'kysely';
import { toCount } from '../../db/columns.js';
import type {
  Database,
  Db,
  WebhookAttemptRow,
  WebhookDeliveriesTable,
  WebhookDeliveryRow,
  WebhookDeliveryStatus,
  WebhookEndpointRow,
  WebhookEndpointStatus,
  WebhookEndpointsTable,
} from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';

export interface WebhookEndpointFilters {
  status?: WebhookEndpointStatus | undefined;
  updatedSince?: string | undefined;
}

export interface WebhookDeliveryFilters {
  status?: WebhookDeliveryStatus | undefined;
  updatedSince?: string | undefined;
}

/** A delivery with the type of its event, as the API shows it. */
export type DeliveryWithEvent = WebhookDeliveryRow & { event_type: string };

function filteredEndpoints<O>(
  query: SelectQueryBuilder<Database, 'webhook_endpoints', O>,
  accountId: string,
  filters: WebhookEndpointFilters,
): SelectQueryBuilder<Database, 'webhook_endpoints', O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  return q;
}

export async function insertEndpoint(db: Db, row: WebhookEndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

export async function findEndpoint(
  db: Db,
  accountId: string,
  id: string,
): Promise<WebhookEndpointRow | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listEndpoints(
  db: Db,
  accountId: string,
  filters: WebhookEndpointFilters,
  page: PageRequest,
): Promise<WebhookEndpointRow[]> {
  return keysetPage(
    filteredEndpoints(db.selectFrom('webhook_endpoints').selectAll(), accountId, filters),
    page,
    'id',
  ).execute();
}

export async function countEndpoints(
  db: Db,
  accountId: string,
  filters: WebhookEndpointFilters,
): Promise<number> {
  const row = await filteredEndpoints(
    db.selectFrom('webhook_endpoints').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}

export async function updateEndpoint(
  db: Db,
  accountId: string,
  id: string,
  changes: Updateable<WebhookEndpointsTable>,
): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
}

/** The endpoint with its deliveries and their attempts: nothing can reach them once the endpoint is gone. */
export async function deleteEndpoint(db: Db, accountId: string, id: string): Promise<void> {
  await db
    .deleteFrom('webhook_attempts')
    .where('account_id', '=', accountId)
    .where('delivery_id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('account_id', '=', accountId)
        .where('endpoint_id', '=', id),
    )
    .execute();
  await db
    .deleteFrom('webhook_deliveries')
    .where('account_id', '=', accountId)
    .where('endpoint_id', '=', id)
    .execute();
  await db.deleteFrom('webhook_endpoints').where('account_id', '=', accountId).where('id', '=', id).execute();
}

/**
 * The account's deliveries (of one endpoint, with filters) joined to their events, whose type the API shows; the
 * account filter applies to both tables. The page and the count select from the same rows.
 */
function deliveriesOf(db: Db, accountId: string, endpointId?: string, filters: WebhookDeliveryFilters = {}) {
  let q = db
    .selectFrom('webhook_deliveries')
    .innerJoin('events', (join) =>
      join.onRef('events.id', '=', 'webhook_deliveries.event_id').on('events.account_id', '=', accountId),
    )
    .where('webhook_deliveries.account_id', '=', accountId);
  if (endpointId !== undefined) q = q.where('webhook_deliveries.endpoint_id', '=', endpointId);
  if (filters.status) q = q.where('webhook_deliveries.status', '=', filters.status);
  if (filters.updatedSince) q = q.where('webhook_deliveries.updated_at', '>=', filters.updatedSince);
  return q;
}

function withEventType(query: ReturnType<typeof deliveriesOf>) {
  return query.selectAll('webhook_deliveries').select('events.type as event_type');
}

export async function insertDelivery(db: Db, row: WebhookDeliveryRow): Promise<void> {
  await db.insertInto('webhook_deliveries').values(row).execute();
}

export async function findDelivery(
  db: Db,
  accountId: string,
  id: string,
): Promise<DeliveryWithEvent | undefined> {
  return withEventType(deliveriesOf(db, accountId))
    .where('webhook_deliveries.id', '=', id)
    .executeTakeFirst();
}

export async function listDeliveries(
  db: Db,
  accountId: string,
  endpointId: string,
  filters: WebhookDeliveryFilters,
  page: PageRequest,
): Promise<DeliveryWithEvent[]> {
  return keysetPage(
    withEventType(deliveriesOf(db, accountId, endpointId, filters)),
    page,
    'webhook_deliveries.id',
  ).execute();
}

export async function countDeliveries(
  db: Db,
  accountId: string,
  endpointId: string,
  filters: WebhookDeliveryFilters,
): Promise<number> {
  const row = await deliveriesOf(db, accountId, endpointId, filters)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return toCount(row.n);
}

/** The attempts of these deliveries, oldest first, in one query. */
export async function attemptsOf(
  db: Db,
  accountId: string,
  deliveryIds: readonly string[],
): Promise<WebhookAttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('id', 'asc')
    .execute();
}

/** What makes a delivery due now for any dispatcher: pending, due, and not claimed by one. */
export function requeued(now: string): Updateable<WebhookDeliveriesTable> {
  return { status: 'pending', next_attempt_at: now, claimed_until: null, updated_at: now };
}

export async function requeueDelivery(db: Db, accountId: string, id: string, now: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set(requeued(now))
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
}

/** Re-queues the endpoint's failed deliveries created at or after `since`; returns how many. */
export async function requeueFailedDeliveries(
  db: Db,
  accountId: string,
  endpointId: string,
  since: string,
  now: string,
): Promise<number> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set(requeued(now))
    .where('account_id', '=', accountId)
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'failed')
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
