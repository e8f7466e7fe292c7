import { type SelectQueryBuilder, sql, type Updateable } from 'kysely';
import { containsTextInAny, toCount } from '../../db/columns.js';
import type { Database, Db, LocationRow, LocationsTable } from '../../db/tables.js';
import type { TextSearch } from '../../platform/descriptors/projection.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';

export type LocationUpdate = Updateable<LocationsTable>;

export interface LocationFilters {
  search?: TextSearch | undefined;
  updatedSince?: string | undefined;
}

/** The account filter and the list filters, shared by the page query and the count. */
function filtered<O>(
  query: SelectQueryBuilder<Database, 'locations', O>,
  accountId: string,
  filters: LocationFilters,
): SelectQueryBuilder<Database, 'locations', O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  if (filters.search) q = q.where(containsTextInAny({ name: sql.ref('name') }, filters.search));
  return q;
}

export async function insertLocation(db: Db, row: LocationRow): Promise<void> {
  await db.insertInto('locations').values(row).execute();
}

export async function findLocation(db: Db, accountId: string, id: string): Promise<LocationRow | undefined> {
  return db
    .selectFrom('locations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The account's locations among `ids` (any order; ids of no such location are skipped). */
export async function findLocations(
  db: Db,
  accountId: string,
  ids: readonly string[],
): Promise<LocationRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('locations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

export async function listLocations(
  db: Db,
  accountId: string,
  filters: LocationFilters,
  page: PageRequest,
): Promise<LocationRow[]> {
  return keysetPage(
    filtered(db.selectFrom('locations').selectAll(), accountId, filters),
    page,
    'id',
  ).execute();
}

export async function countLocations(db: Db, accountId: string, filters: LocationFilters): Promise<number> {
  const row = await filtered(
    db.selectFrom('locations').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}

export async function updateLocation(
  db: Db,
  accountId: string,
  id: string,
  changes: LocationUpdate,
): Promise<void> {
  await db
    .updateTable('locations')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
}

export async function deleteLocation(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('locations')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
