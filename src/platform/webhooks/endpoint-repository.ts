import type { SelectQueryBuilder, Updateable } from 'kysely';
import { fromDbJson, toCount, toDbJson } from '../../db/columns.js';
import { isPostgres } from '../../db/database.js';
import type {
  Database,
  Db,
  WebhookEndpointRow,
  WebhookEndpointStatus,
  WebhookEndpointsTable,
} from '../../db/tables.js';
import type { Permissions } from '../descriptors/permissions.js';
import { keysetPage, type PageRequest } from '../pagination/keyset.js';

/** The webhook_endpoints table: the endpoints API, the outbox (who is subscribed) and the dispatcher (health). */

/** The read permissions the endpoint recorded (its `permissions` column). */
export function endpointPermissions(row: Pick<WebhookEndpointRow, 'permissions'>): Permissions {
  return fromDbJson<Permissions>(row.permissions);
}

/** Permissions as the `permissions` column holds them: only what decides what may be read. */
export function toDbPermissions(permissions: Permissions): string {
  return toDbJson({ scopes: permissions.scopes, fieldRestrictions: permissions.fieldRestrictions });
}

export interface WebhookEndpointFilters {
  status?: WebhookEndpointStatus | undefined;
  updatedSince?: string | undefined;
}

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

/**
 * Deletes the endpoint row; its deliveries and their attempts go first (deleteDeliveriesOfEndpoint), and the foreign
 * key takes any other delivery of it. Runs after lockEndpointForDeletion.
 */
export async function deleteEndpoint(db: Db, accountId: string, id: string): Promise<void> {
  await db.deleteFrom('webhook_endpoints').where('account_id', '=', accountId).where('id', '=', id).execute();
}

/**
 * The account's enabled endpoints, with what they subscribe to: who gets a delivery of a new event. Read by the
 * outbox once it holds the account's event lock, then narrowed by lockEndpointsForDeliveries.
 */
export async function listEnabledEndpoints(
  db: Db,
  accountId: string,
): Promise<Pick<WebhookEndpointRow, 'id' | 'enabled_events' | 'permissions'>[]> {
  return db
    .selectFrom('webhook_endpoints')
    .select(['id', 'enabled_events', 'permissions'])
    .where('account_id', '=', accountId)
    .where('status', '=', 'enabled')
    .execute();
}

/**
 * Of these endpoints, those a delivery may still be written for (enabled, as they are now: one disabled since the
 * writer listed it is left out), returned in the given order; on PostgreSQL each is locked `FOR KEY SHARE` until
 * the transaction ends. An endpoint being deleted or disabled holds its row `FOR UPDATE` (see
 * lockEndpointAgainstDeliveries): it is skipped, not waited for, as its deletion or disabling would take the delivery
 * with it — and the writer here holds the account's event lock, which the change needs to record its own event, so
 * waiting could only deadlock. Once locked here, an endpoint's deletion or disabling waits for this transaction and
 * then deletes or fails what it wrote.
 * `FOR KEY SHARE` does not conflict with the `FOR NO KEY UPDATE` of claims, attempts and changes (lockEndpointRow).
 * SQLite runs one write transaction at a time: there, this only leaves out endpoints that no longer exist.
 */
export async function lockEndpointsForDeliveries(
  trx: Db,
  accountId: string,
  endpointIds: readonly string[],
): Promise<string[]> {
  if (endpointIds.length === 0) return [];
  const locked = await trx
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', 'in', [...new Set(endpointIds)])
    .where('status', '=', 'enabled')
    .$if(isPostgres(trx), (qb) => qb.forKeyShare().skipLocked())
    .execute();
  const ids = new Set(locked.map((row) => row.id));
  return endpointIds.filter((id) => ids.has(id));
}

/**
 * Locks the enabled endpoint for a dispatcher's claim, on PostgreSQL `FOR NO KEY UPDATE SKIP LOCKED`: true when this
 * transaction holds it, false when it is disabled, gone, being deleted, or locked by another dispatcher claiming for
 * it or recording an attempt, or by a change of it, right now.
 */
export async function lockEnabledEndpointUnlessLocked(
  trx: Db,
  accountId: string,
  endpointId: string,
): Promise<boolean> {
  const locked = await trx
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', endpointId)
    .where('status', '=', 'enabled')
    .$if(isPostgres(trx), (qb) => qb.forNoKeyUpdate().skipLocked())
    .executeTakeFirst();
  return locked !== undefined;
}

/**
 * The endpoint of a delivery whose outcome is being written, or of a change, locked on PostgreSQL until the
 * transaction ends: the outcomes of its concurrent deliveries then judge its health one after another. Locked before
 * any delivery row, the order the claim takes too, so the two never deadlock. `FOR NO KEY UPDATE`, not `FOR UPDATE`:
 * it waits for none of the transactions writing deliveries to the endpoint, and they wait for none of these.
 */
export function lockEndpointRow(
  trx: Db,
  accountId: string,
  endpointId: string,
): Promise<WebhookEndpointRow | undefined> {
  return selectLocked(trx, accountId, endpointId, 'no key update');
}

/**
 * The endpoint about to be deleted or disabled, locked on PostgreSQL `FOR UPDATE` until the transaction ends: this
 * waits for the transactions that are writing deliveries to it (lockEndpointsForDeliveries) to commit, so that
 * deleting or failing its pending deliveries next takes theirs too, and makes those that come later leave it out.
 */
export function lockEndpointAgainstDeliveries(
  trx: Db,
  accountId: string,
  endpointId: string,
): Promise<WebhookEndpointRow | undefined> {
  return selectLocked(trx, accountId, endpointId, 'update');
}

/** The endpoint's row, with the row lock on PostgreSQL (SQLite's write transaction already holds the database). */
function selectLocked(
  trx: Db,
  accountId: string,
  endpointId: string,
  lock: 'no key update' | 'update',
): Promise<WebhookEndpointRow | undefined> {
  return trx
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', endpointId)
    .$if(isPostgres(trx), (qb) => (lock === 'update' ? qb.forUpdate() : qb.forNoKeyUpdate()))
    .executeTakeFirst();
}

export type EndpointHealthChange = Partial<
  Pick<WebhookEndpointRow, 'status' | 'disabled_reason' | 'failing_since' | 'updated_at'>
>;

export async function updateEndpointHealth(
  trx: Db,
  endpoint: Pick<WebhookEndpointRow, 'account_id' | 'id'>,
  changes: EndpointHealthChange,
): Promise<void> {
  await trx
    .updateTable('webhook_endpoints')
    .set(changes)
    .where('account_id', '=', endpoint.account_id)
    .where('id', '=', endpoint.id)
    .execute();
}
