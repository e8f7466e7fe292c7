import type { Updateable } from 'kysely';
import { toCount } from '../../db/columns.js';
import { isPostgres } from '../../db/database.js';
import type {
  Db,
  EventRow,
  WebhookAttemptRow,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookDeliveryRow,
  WebhookDeliveryStatus,
  WebhookEndpointRow,
} from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../pagination/keyset.js';
import { lockEnabledEndpointUnlessLocked, lockEndpointsForDeliveries } from './endpoint-repository.js';

/**
 * The webhook_deliveries and webhook_attempts tables: the dispatcher's queries, and the deliveries API's.
 *
 * A delivery is due when it is pending, its next attempt is not in the future, and no live
 * claim holds it (`claimed_until` null or past: a past claim was abandoned by a process that died). Every query is
 * filtered by account, except `endpointsWithDueDeliveries`: the dispatcher serves all accounts, and that query only
 * finds which endpoints to look at next.
 */

export interface DueEndpoint {
  readonly accountId: string;
  readonly endpointId: string;
}

/** Enabled endpoints that have due deliveries, the one whose oldest due event is oldest first. */
export async function endpointsWithDueDeliveries(db: Db, now: string, limit: number): Promise<DueEndpoint[]> {
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', (join) =>
      join.onRef('e.id', '=', 'd.endpoint_id').onRef('e.account_id', '=', 'd.account_id'),
    )
    .select(['d.account_id', 'd.endpoint_id', (eb) => eb.fn.min('d.event_id').as('first_event_id')])
    .where('e.status', '=', 'enabled')
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('d.claimed_until', 'is', null), eb('d.claimed_until', '<', now)]))
    .groupBy(['d.account_id', 'd.endpoint_id'])
    .orderBy('first_event_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ accountId: row.account_id, endpointId: row.endpoint_id }));
}

export interface ClaimWindow {
  readonly now: string;
  /** What the claimed rows' `claimed_until` becomes; it also identifies this claim when its outcome is written. */
  readonly claimUntil: string;
  /** The most deliveries of the endpoint in flight at once, this claim's included. */
  readonly perEndpoint: number;
  /** The most deliveries this claim may take. */
  readonly limit: number;
}

/**
 * Claims the endpoint's oldest due deliveries, as many as its bound on deliveries in flight leaves room for. Runs in
 * a transaction. On PostgreSQL the endpoint's row is locked first (`FOR UPDATE SKIP LOCKED`), so two dispatchers
 * never claim for one endpoint at the same moment — one skips it — and the in-flight count it reads stays true
 * until its claim commits. SQLite runs one write transaction at a time, which gives the same guarantee.
 */
export async function claimDueDeliveries(
  trx: Db,
  endpoint: DueEndpoint,
  window: ClaimWindow,
): Promise<string[]> {
  if (!(await lockEnabledEndpointUnlessLocked(trx, endpoint.accountId, endpoint.endpointId))) return [];

  const inFlight = await trx
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('account_id', '=', endpoint.accountId)
    .where('endpoint_id', '=', endpoint.endpointId)
    .where('status', '=', 'pending')
    .where('claimed_until', '>=', window.now)
    .executeTakeFirst();
  const room = Math.min(window.perEndpoint - Number(inFlight?.n ?? 0), window.limit);
  if (room <= 0) return [];

  const due = await trx
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('account_id', '=', endpoint.accountId)
    .where('endpoint_id', '=', endpoint.endpointId)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', window.now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', window.now)]))
    // Event ids are time-ordered: the endpoint receives its events in the order they happened.
    .orderBy('event_id')
    .orderBy('id')
    .limit(room)
    .$if(isPostgres(trx), (qb) => qb.forUpdate().skipLocked())
    .execute();
  const ids = due.map((row) => row.id);
  if (ids.length === 0) return [];
  await trx
    .updateTable('webhook_deliveries')
    .set({ claimed_until: window.claimUntil })
    .where('account_id', '=', endpoint.accountId)
    .where('id', 'in', ids)
    .execute();
  return ids;
}

export type DeliveryEndpoint = Pick<
  WebhookEndpointRow,
  'id' | 'url' | 'api_version' | 'secret' | 'previous_secret' | 'previous_secret_expires_at' | 'permissions'
>;

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly accountId: string;
  readonly attemptCount: number;
  /** The claim's `claimed_until`: outcomes are written only while the delivery is still under this claim. */
  readonly claimUntil: string;
  readonly event: EventRow;
  readonly endpoint: DeliveryEndpoint;
}

export async function loadClaimedDeliveries(
  db: Db,
  accountId: string,
  ids: readonly string[],
  claimUntil: string,
): Promise<ClaimedDelivery[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as ev', (join) =>
      join.onRef('ev.id', '=', 'd.event_id').onRef('ev.account_id', '=', 'd.account_id'),
    )
    .innerJoin('webhook_endpoints as e', (join) =>
      join.onRef('e.id', '=', 'd.endpoint_id').onRef('e.account_id', '=', 'd.account_id'),
    )
    .select([
      'd.id',
      'd.attempt_count',
      'ev.id as event_id',
      'ev.account_id as event_account_id',
      'ev.type as event_type',
      'ev.api_version as event_api_version',
      'ev.data as event_data',
      'ev.created_at as event_created_at',
      'e.id as endpoint_id',
      'e.url',
      'e.api_version',
      'e.secret',
      'e.previous_secret',
      'e.previous_secret_expires_at',
      'e.permissions',
    ])
    .where('d.account_id', '=', accountId)
    .where('d.id', 'in', ids)
    .orderBy('d.event_id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    accountId,
    attemptCount: row.attempt_count,
    claimUntil,
    event: {
      id: row.event_id,
      account_id: row.event_account_id,
      type: row.event_type,
      api_version: row.event_api_version,
      data: row.event_data,
      created_at: row.event_created_at,
    },
    endpoint: {
      id: row.endpoint_id,
      url: row.url,
      api_version: row.api_version,
      secret: row.secret,
      previous_secret: row.previous_secret,
      previous_secret_expires_at: row.previous_secret_expires_at,
      permissions: row.permissions,
    },
  }));
}

export async function insertAttempt(db: Db, row: WebhookAttemptsTable): Promise<void> {
  await db.insertInto('webhook_attempts').values(row).execute();
}

/** Where an attempt leaves its delivery: done, failed for good, or pending again at its next retry. */
export type DeliveryOutcome = Pick<
  WebhookDeliveriesTable,
  'status' | 'next_attempt_at' | 'last_status_code' | 'last_error'
>;

/** A delivery whose attempt is being recorded, as it is now. */
export interface AttemptedDelivery {
  readonly attemptCount: number;
  /** Whether the delivery is still under the claim the attempt was made on. */
  readonly claimHeld: boolean;
}

/**
 * The delivery whose attempt is being recorded, locked on PostgreSQL until the transaction ends (SQLite runs one
 * write transaction at a time): what it reads — the count, the claim — stays true until the attempt is written.
 * Locked after its endpoint (lockEndpointRow), the order of every transaction that locks both. Undefined when the
 * delivery is gone.
 */
export async function lockAttemptedDelivery(
  trx: Db,
  delivery: Pick<ClaimedDelivery, 'accountId' | 'id' | 'claimUntil'>,
): Promise<AttemptedDelivery | undefined> {
  const row = await trx
    .selectFrom('webhook_deliveries')
    .select(['attempt_count', 'claimed_until'])
    .where('account_id', '=', delivery.accountId)
    .where('id', '=', delivery.id)
    .$if(isPostgres(trx), (qb) => qb.forNoKeyUpdate())
    .executeTakeFirst();
  return row && { attemptCount: row.attempt_count, claimHeld: row.claimed_until === delivery.claimUntil };
}

/**
 * Counts one more attempt of the delivery — every attempt that was made is counted, as it has its attempt row — and,
 * when `outcome` is given, writes it and releases the claim. The dispatcher gives it only while the delivery is still
 * under the attempt's claim: when the API replayed the delivery meanwhile (or its endpoint was disabled), what
 * happened since wins, and the replay still goes out. Runs after lockAttemptedDelivery, in its transaction.
 */
export async function settleDelivery(
  trx: Db,
  delivery: Pick<ClaimedDelivery, 'accountId' | 'id'>,
  attemptCount: number,
  outcome: DeliveryOutcome | null,
  now: string,
): Promise<void> {
  await trx
    .updateTable('webhook_deliveries')
    .set({
      attempt_count: attemptCount,
      updated_at: now,
      ...(outcome ? { ...outcome, claimed_until: null } : {}),
    })
    .where('account_id', '=', delivery.accountId)
    .where('id', '=', delivery.id)
    .execute();
}

/** A disabled endpoint receives nothing more: what was still pending for it fails, claimed or not. */
export async function failPendingDeliveries(
  db: Db,
  accountId: string,
  endpointId: string,
  reason: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: 'failed',
      next_attempt_at: null,
      claimed_until: null,
      last_error: reason,
      updated_at: now,
    })
    .where('account_id', '=', accountId)
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
}

export interface WebhookDeliveryFilters {
  status?: WebhookDeliveryStatus | undefined;
  updatedSince?: string | undefined;
}

/** A delivery with the type of its event, as the API shows it. */
export type DeliveryWithEvent = WebhookDeliveryRow & { event_type: string };

export async function insertDeliveries(db: Db, rows: readonly WebhookDeliveryRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('webhook_deliveries').values(rows).execute();
}

/**
 * The endpoint's deliveries and their attempts: nothing can reach them once the endpoint is gone. Runs after
 * lockEndpointAgainstDeliveries, which waited for every transaction writing deliveries to it, so theirs are deleted too.
 */
export async function deleteDeliveriesOfEndpoint(
  db: Db,
  accountId: string,
  endpointId: string,
): Promise<void> {
  await db
    .deleteFrom('webhook_attempts')
    .where('account_id', '=', accountId)
    .where('delivery_id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('account_id', '=', accountId)
        .where('endpoint_id', '=', endpointId),
    )
    .execute();
  await db
    .deleteFrom('webhook_deliveries')
    .where('account_id', '=', accountId)
    .where('endpoint_id', '=', endpointId)
    .execute();
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

/**
 * Inserts one delivery, unless its endpoint is gone or being deleted (see lockEndpointsForDeliveries, which the
 * outbox's deliveries go through too); returns whether it did. Runs in a transaction.
 */
export async function insertDelivery(trx: Db, row: WebhookDeliveryRow): Promise<boolean> {
  const [open] = await lockEndpointsForDeliveries(trx, row.account_id, [row.endpoint_id]);
  if (open === undefined) return false;
  await trx.insertInto('webhook_deliveries').values(row).execute();
  return true;
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
