import type { SelectQueryBuilder, Updateable } from 'kysely';
import { toCount, toDbBoolean } from '../../db/columns.js';
import type { Database, Db, ShiftRow, ShiftsTable } from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';
import { MAX_SHIFT_HOURS } from './schema.js';

export type ShiftUpdate = Updateable<ShiftsTable>;

/** List filters. The service normalises their instants to the stored form (ISO-8601 UTC with milliseconds). */
export interface ShiftFilters {
  from?: string | undefined;
  to?: string | undefined;
  employeeId?: string | undefined;
  open?: boolean | undefined;
  locationId?: string | undefined;
  published?: boolean | undefined;
  updatedSince?: string | undefined;
}

/** The account filter and the list filters, shared by the page query and the count. */
function filtered<O>(
  query: SelectQueryBuilder<Database, 'shifts', O>,
  accountId: string,
  filters: ShiftFilters,
): SelectQueryBuilder<Database, 'shifts', O> {
  let q = query.where('account_id', '=', accountId);
  // A shift intersects [from, to) when it ends after `from` and starts before `to`.
  if (filters.from) q = q.where('end_at', '>', filters.from);
  if (filters.to) q = q.where('start_at', '<', filters.to);
  if (filters.employeeId) q = q.where('employee_id', '=', filters.employeeId);
  if (filters.open !== undefined) {
    q = q.where('employee_id', filters.open ? 'is' : 'is not', null);
  }
  if (filters.locationId) q = q.where('location_id', '=', filters.locationId);
  if (filters.published !== undefined) q = q.where('published', '=', toDbBoolean(filters.published));
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  return q;
}

export async function insertShift(db: Db, row: ShiftRow): Promise<void> {
  await db.insertInto('shifts').values(row).execute();
}

export async function findShift(db: Db, accountId: string, id: string): Promise<ShiftRow | undefined> {
  return db
    .selectFrom('shifts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listShifts(
  db: Db,
  accountId: string,
  filters: ShiftFilters,
  page: PageRequest,
): Promise<ShiftRow[]> {
  return keysetPage(filtered(db.selectFrom('shifts').selectAll(), accountId, filters), page, 'id').execute();
}

export async function countShifts(db: Db, accountId: string, filters: ShiftFilters): Promise<number> {
  const row = await filtered(
    db.selectFrom('shifts').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}

export async function updateShift(
  db: Db,
  accountId: string,
  id: string,
  changes: ShiftUpdate,
): Promise<void> {
  await db
    .updateTable('shifts')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
}

export async function deleteShift(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('shifts')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * The boundary of the employee's published shifts nearest to a punch inside a grace window (instants, inclusive):
 * the earliest `start` in it, for a clock-in, or the latest `end`, for a clock-out. Open and draft shifts are not the
 * employee's schedule. Ends are looked for among shifts starting at most MAX_SHIFT_HOURS before the window, so both
 * are a short range of the (account_id, start_at) index.
 */
export async function findPublishedShiftBoundary(
  db: Db,
  accountId: string,
  employeeId: string,
  boundary: 'start' | 'end',
  window: { fromIso: string; toIso: string },
): Promise<string | undefined> {
  const published = db
    .selectFrom('shifts')
    .where('account_id', '=', accountId)
    .where('employee_id', '=', employeeId)
    .where('published', '=', toDbBoolean(true));
  if (boundary === 'start') {
    const row = await published
      .select('start_at as at')
      .where('start_at', '>=', window.fromIso)
      .where('start_at', '<=', window.toIso)
      .orderBy('start_at', 'asc')
      .limit(1)
      .executeTakeFirst();
    return row?.at;
  }
  const earliestStart = new Date(Date.parse(window.fromIso) - MAX_SHIFT_HOURS * 3_600_000).toISOString();
  const row = await published
    .select('end_at as at')
    .where('start_at', '>=', earliestStart)
    .where('start_at', '<=', window.toIso)
    .where('end_at', '>=', window.fromIso)
    .where('end_at', '<=', window.toIso)
    .orderBy('end_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.at;
}
