import type { SelectQueryBuilder, Updateable } from 'kysely';
import { toCount, toDbBoolean } from '../../db/columns.js';
import type { Database, Db, GeofenceRow, GeofencesTable } from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';

export type GeofenceUpdate = Updateable<GeofencesTable>;

export interface GeofenceFilters {
  locationId?: string | undefined;
  active?: boolean | undefined;
  updatedSince?: string | undefined;
}

/** The account filter and the list filters, shared by the page query and the count. */
function filtered<O>(
  query: SelectQueryBuilder<Database, 'geofences', O>,
  accountId: string,
  filters: GeofenceFilters,
): SelectQueryBuilder<Database, 'geofences', O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.locationId) q = q.where('location_id', '=', filters.locationId);
  if (filters.active !== undefined) q = q.where('active', '=', toDbBoolean(filters.active));
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  return q;
}

export async function insertGeofence(db: Db, row: GeofenceRow): Promise<void> {
  await db.insertInto('geofences').values(row).execute();
}

export async function findGeofence(db: Db, accountId: string, id: string): Promise<GeofenceRow | undefined> {
  return db
    .selectFrom('geofences')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The geofences of the account among `ids` (ids of no such geofence are skipped). */
export async function findGeofences(
  db: Db,
  accountId: string,
  ids: readonly string[],
): Promise<GeofenceRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('geofences')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

export async function listGeofences(
  db: Db,
  accountId: string,
  filters: GeofenceFilters,
  page: PageRequest,
): Promise<GeofenceRow[]> {
  return keysetPage(
    filtered(db.selectFrom('geofences').selectAll(), accountId, filters),
    page,
    'id',
  ).execute();
}

export async function countGeofences(db: Db, accountId: string, filters: GeofenceFilters): Promise<number> {
  const row = await filtered(
    db.selectFrom('geofences').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}

export async function updateGeofence(
  db: Db,
  accountId: string,
  id: string,
  changes: GeofenceUpdate,
): Promise<void> {
  await db
    .updateTable('geofences')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
}

export async function deleteGeofence(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('geofences')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Active geofences that apply to a punch: the location's own, and those assigned to the employee. */
export async function findApplicableGeofences(
  db: Db,
  accountId: string,
  locationId: string,
  employeeId: string,
): Promise<GeofenceRow[]> {
  return db
    .selectFrom('geofences')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('active', '=', toDbBoolean(true))
    .where((eb) =>
      eb.or([
        eb('location_id', '=', locationId),
        eb(
          'id',
          'in',
          eb
            .selectFrom('geofence_employees')
            .select('geofence_id')
            .where('account_id', '=', accountId)
            .where('employee_id', '=', employeeId),
        ),
      ]),
    )
    .orderBy('id')
    .execute();
}
