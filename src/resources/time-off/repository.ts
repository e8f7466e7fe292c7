import type { SelectQueryBuilder } from 'kysely';
import { toCount } from '../../db/columns.js';
import type { Database, Db, TimeOffRequestRow, TimeOffStatus } from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';

export interface TimeOffFilters {
  employeeId?: string | undefined;
  status?: TimeOffStatus | undefined;
  /** Requests ending on or after this date. */
  from?: string | undefined;
  /** Requests starting on or before this date. */
  to?: string | undefined;
  updatedSince?: string | undefined;
}

function filtered<O>(
  query: SelectQueryBuilder<Database, 'time_off_requests', O>,
  accountId: string,
  filters: TimeOffFilters,
): SelectQueryBuilder<Database, 'time_off_requests', O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.employeeId) q = q.where('employee_id', '=', filters.employeeId);
  if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.from) q = q.where('end_date', '>=', filters.from);
  if (filters.to) q = q.where('start_date', '<=', filters.to);
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  return q;
}

export async function insertTimeOff(db: Db, row: TimeOffRequestRow): Promise<void> {
  await db.insertInto('time_off_requests').values(row).execute();
}

export async function findTimeOff(
  db: Db,
  accountId: string,
  id: string,
): Promise<TimeOffRequestRow | undefined> {
  return db
    .selectFrom('time_off_requests')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listTimeOff(
  db: Db,
  accountId: string,
  filters: TimeOffFilters,
  page: PageRequest,
): Promise<TimeOffRequestRow[]> {
  return keysetPage(
    filtered(db.selectFrom('time_off_requests').selectAll(), accountId, filters),
    page,
    'id',
  ).execute();
}

export async function countTimeOff(db: Db, accountId: string, filters: TimeOffFilters): Promise<number> {
  const row = await filtered(
    db.selectFrom('time_off_requests').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}

/** Moves a request out of `requested`; false when it was no longer requested (someone decided first). */
export async function decideTimeOff(
  db: Db,
  accountId: string,
  id: string,
  status: Exclude<TimeOffStatus, 'requested'>,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('time_off_requests')
    .set({ status, decided_at: now, updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('status', '=', 'requested')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Approved requests touching the dates (all employees, or one), for time cards. */
export async function listApprovedTimeOff(
  db: Db,
  accountId: string,
  fromDate: string,
  toDate: string,
  employeeId?: string,
): Promise<TimeOffRequestRow[]> {
  return filtered(db.selectFrom('time_off_requests').selectAll(), accountId, {
    employeeId,
    status: 'approved',
    from: fromDate,
    to: toDate,
  }).execute();
}
