import type { Insertable, SelectQueryBuilder, Updateable } from 'kysely';
import { toCount } from '../../db/columns.js';
import type { Database, Db, TimeEntriesTable, TimeEntryRow } from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';

export type NewTimeEntryRow = Insertable<TimeEntriesTable>;
export type TimeEntryUpdate = Updateable<TimeEntriesTable>;

export interface TimeEntryFilters {
  employeeId?: string | undefined;
  locationId?: string | undefined;
  status?: TimeEntryRow['status'] | undefined;
  /** Entries intersecting [from, to): ending after `from` (or still open) and starting before `to`. */
  from?: string | undefined;
  to?: string | undefined;
  updatedSince?: string | undefined;
}

/** The account filter and the list filters, shared by the page query and the count. */
function filtered<O>(
  query: SelectQueryBuilder<Database, 'time_entries', O>,
  accountId: string,
  filters: TimeEntryFilters,
): SelectQueryBuilder<Database, 'time_entries', O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.employeeId) q = q.where('employee_id', '=', filters.employeeId);
  if (filters.locationId) q = q.where('location_id', '=', filters.locationId);
  if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.to) q = q.where('start_at', '<', filters.to);
  const from = filters.from;
  if (from) q = q.where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', from)]));
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  return q;
}

export async function insertTimeEntry(db: Db, row: NewTimeEntryRow): Promise<void> {
  await db.insertInto('time_entries').values(row).execute();
}

export async function findTimeEntry(
  db: Db,
  accountId: string,
  id: string,
): Promise<TimeEntryRow | undefined> {
  return db
    .selectFrom('time_entries')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The employee's open entry: the one their clock status refers to. */
export async function findOpenTimeEntry(
  db: Db,
  accountId: string,
  employeeId: string,
): Promise<TimeEntryRow | undefined> {
  return db
    .selectFrom('time_entries')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('employee_id', '=', employeeId)
    .where('end_at', 'is', null)
    .orderBy('start_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * An entry of the employee that shares time with [start, end) — `end` null meaning open, to +∞ — other than
 * `exceptId`. Entries that only touch (one ends when the other starts) do not overlap.
 */
export async function findOverlappingTimeEntry(
  db: Db,
  accountId: string,
  employeeId: string,
  extent: { start: string; end: string | null },
  exceptId?: string,
): Promise<TimeEntryRow | undefined> {
  return earliestEntry(await listEntriesEndingAfter(db, accountId, employeeId, extent, exceptId));
}

/**
 * The employee's entries that are open or end after `extent.start` (and, with `extent.end`, start before it), other
 * than `exceptId`: the ones [start, end) shares time with.
 */
export async function listEntriesEndingAfter(
  db: Db,
  accountId: string,
  employeeId: string,
  extent: { start: string; end: string | null },
  exceptId?: string,
): Promise<TimeEntryRow[]> {
  // The open entry and the closed ones ending after `start`, as two ranges of the (account, employee, end) index:
  // `end_at is null or end_at > ?` in one WHERE made SQLite read every entry of the employee.
  const ending = (end: 'open' | 'closed') => {
    let q = db
      .selectFrom('time_entries')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('employee_id', '=', employeeId)
      .where('end_at', end === 'open' ? 'is' : '>', end === 'open' ? null : extent.start);
    if (extent.end !== null) q = q.where('start_at', '<', extent.end);
    if (exceptId) q = q.where('id', '!=', exceptId);
    return q;
  };
  return ending('open').unionAll(ending('closed')).execute();
}

/** The earliest entry, so an error names the same one whatever order the database returned them in. */
export function earliestEntry(rows: readonly TimeEntryRow[]): TimeEntryRow | undefined {
  return rows.reduce<TimeEntryRow | undefined>(
    (earliest, row) =>
      earliest === undefined ||
      row.start_at < earliest.start_at ||
      (row.start_at === earliest.start_at && row.id < earliest.id)
        ? row
        : earliest,
    undefined,
  );
}

export async function listTimeEntries(
  db: Db,
  accountId: string,
  filters: TimeEntryFilters,
  page: PageRequest,
): Promise<TimeEntryRow[]> {
  return keysetPage(
    filtered(db.selectFrom('time_entries').selectAll(), accountId, filters),
    page,
    'id',
  ).execute();
}

export async function countTimeEntries(
  db: Db,
  accountId: string,
  filters: TimeEntryFilters,
): Promise<number> {
  const row = await filtered(
    db.selectFrom('time_entries').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}

export async function updateTimeEntry(
  db: Db,
  accountId: string,
  id: string,
  changes: TimeEntryUpdate,
): Promise<void> {
  await db
    .updateTable('time_entries')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
}

export async function deleteTimeEntry(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('time_entries')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Time entries overlapping [fromIso, toIso) for every employee (or one). `startedAfterIso` bounds how early an
 * entry may start, which keeps this an index range scan on (account_id, start_at) however long the history.
 */
export async function listEntriesOverlapping(
  db: Db,
  accountId: string,
  range: { fromIso: string; toIso: string; startedAfterIso: string },
  employeeId?: string,
) {
  let query = db
    .selectFrom('time_entries')
    .select(['employee_id', 'start_at', 'end_at', 'break_seconds', 'updated_at'])
    .where('account_id', '=', accountId)
    .where('start_at', '>=', range.startedAfterIso)
    .where('start_at', '<', range.toIso)
    .where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', range.fromIso)]));
  if (employeeId) query = query.where('employee_id', '=', employeeId);
  return query.execute();
}

/**
 * One employee's entries sharing time with [fromIso, toIso), oldest first. `startedAfterIso` bounds how early an entry
 * may start, which keeps this a range of the (account_id, employee_id, start_at) index.
 */
export async function listEmployeeEntriesOverlapping(
  db: Db,
  accountId: string,
  employeeId: string,
  range: { fromIso: string; toIso: string; startedAfterIso: string },
): Promise<TimeEntryRow[]> {
  return db
    .selectFrom('time_entries')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('employee_id', '=', employeeId)
    .where('start_at', '>=', range.startedAfterIso)
    .where('start_at', '<', range.toIso)
    .where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', range.fromIso)]))
    .orderBy('start_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}
