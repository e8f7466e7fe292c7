import type { SelectQueryBuilder } from 'kysely';
import { toCount } from '../../db/columns.js';
import type { Database, Db, PunchRow } from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';

export interface PunchFilters {
  employeeId?: string | undefined;
  locationId?: string | undefined;
  /** On the punch time: from inclusive, to exclusive. */
  from?: string | undefined;
  to?: string | undefined;
  updatedSince?: string | undefined;
}

/** The account filter and the list filters, shared by the page query and the count. */
function filtered<O>(
  query: SelectQueryBuilder<Database, 'punches', O>,
  accountId: string,
  filters: PunchFilters,
): SelectQueryBuilder<Database, 'punches', O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.employeeId) q = q.where('employee_id', '=', filters.employeeId);
  if (filters.locationId) q = q.where('location_id', '=', filters.locationId);
  if (filters.from) q = q.where('punched_at', '>=', filters.from);
  if (filters.to) q = q.where('punched_at', '<', filters.to);
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  return q;
}

export async function insertPunch(db: Db, row: PunchRow): Promise<void> {
  await db.insertInto('punches').values(row).execute();
}

export async function findPunch(db: Db, accountId: string, id: string): Promise<PunchRow | undefined> {
  return db
    .selectFrom('punches')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The employee's punch with the latest time (the newest of those at one instant), optionally of a kind. */
export async function findLatestPunch(
  db: Db,
  accountId: string,
  employeeId: string,
  only: { type?: PunchRow['type']; timeEntryId?: string } = {},
): Promise<PunchRow | undefined> {
  let q = db
    .selectFrom('punches')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('employee_id', '=', employeeId);
  if (only.type) q = q.where('type', '=', only.type);
  if (only.timeEntryId) q = q.where('time_entry_id', '=', only.timeEntryId);
  return q.orderBy('punched_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/**
 * The break punches of one of the employee's entries at or after `sinceIso` (no later than the entry's first punch),
 * in the order they were made: a range of the (account, employee, punched_at) index from the entry's start.
 */
export async function listBreakPunchesOfEntry(
  db: Db,
  accountId: string,
  employeeId: string,
  timeEntryId: string,
  sinceIso: string,
): Promise<Pick<PunchRow, 'type' | 'punched_at'>[]> {
  return db
    .selectFrom('punches')
    .select(['type', 'punched_at'])
    .where('account_id', '=', accountId)
    .where('employee_id', '=', employeeId)
    .where('punched_at', '>=', sinceIso)
    .where('time_entry_id', '=', timeEntryId)
    .where('type', 'in', ['break_start', 'break_end'])
    .orderBy('punched_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

export async function listPunches(
  db: Db,
  accountId: string,
  filters: PunchFilters,
  page: PageRequest,
): Promise<PunchRow[]> {
  return keysetPage(filtered(db.selectFrom('punches').selectAll(), accountId, filters), page, 'id').execute();
}

export async function countPunches(db: Db, accountId: string, filters: PunchFilters): Promise<number> {
  const row = await filtered(
    db.selectFrom('punches').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}
