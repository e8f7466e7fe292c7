import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { containsTextInAny, toCount, toDbBoolean } from '../../db/columns.js';
import { isPostgres } from '../../db/database.js';
import type { Database, Db, EmployeeRow, EmployeeUpdate, NewEmployeeRow } from '../../db/tables.js';
import type { TextSearch } from '../../platform/descriptors/projection.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';

export interface EmployeeFilters {
  active?: boolean | undefined;
  search?: TextSearch | undefined;
  /** true: clocked in or on a break; false: clocked out. */
  clockedIn?: boolean | undefined;
  updatedSince?: string | undefined;
  /** Only employees linked to one of these locations or groups (a manager's team). */
  within?: EmployeeScope | undefined;
}

/** A part of the workforce: the employees linked to any of these locations or groups. */
export interface EmployeeScope {
  readonly locationIds: readonly string[];
  readonly groupIds: readonly string[];
}

/** Employees (of the query's account) linked to a location or group of `scope`; none when the scope is empty. */
function withinScope(accountId: string, scope: EmployeeScope) {
  return (eb: ExpressionBuilder<Database, 'employees'>) => {
    const linked = (
      table: 'employee_locations' | 'employee_groups',
      column: 'location_id' | 'group_id',
      ids: readonly string[],
    ) =>
      eb.exists(
        eb
          .selectFrom(table)
          .select(sql.lit(1).as('one'))
          .where(`${table}.account_id`, '=', accountId)
          .whereRef(`${table}.employee_id`, '=', 'employees.id')
          .where(sql.ref(`${table}.${column}`), 'in', [...ids]),
      );
    const parts = [
      ...(scope.locationIds.length > 0
        ? [linked('employee_locations', 'location_id', scope.locationIds)]
        : []),
      ...(scope.groupIds.length > 0 ? [linked('employee_groups', 'group_id', scope.groupIds)] : []),
    ];
    return parts.length > 0 ? eb.or(parts) : eb.val(false);
  };
}

/** The columns `search` matches, by the field each holds (see EMPLOYEES.queries). */
const SEARCHED = {
  firstName: sql.ref('first_name'),
  lastName: sql.ref('last_name'),
  email: sql.ref('email'),
  employeeRef: sql.ref('employee_ref'),
};

/** With both names readable, "Ada Lovelace" finds Ada Lovelace. */
function searchMatches(search: TextSearch) {
  const bothNames = search.fields.includes('firstName') && search.fields.includes('lastName');
  return containsTextInAny(
    bothNames ? { ...SEARCHED, firstName: sql`first_name || ' ' || last_name` } : SEARCHED,
    search,
  );
}

/** The account filter and the list filters, shared by the page query and the count. */
function filtered<O>(
  query: SelectQueryBuilder<Database, 'employees', O>,
  accountId: string,
  filters: EmployeeFilters,
): SelectQueryBuilder<Database, 'employees', O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.active !== undefined) q = q.where('active', '=', toDbBoolean(filters.active));
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  if (filters.clockedIn !== undefined) {
    q = filters.clockedIn
      ? q.where('clock_status', 'in', ['in', 'on_break'])
      : q.where('clock_status', '=', 'out');
  }
  if (filters.search) q = q.where(searchMatches(filters.search));
  if (filters.within) q = q.where(withinScope(accountId, filters.within));
  return q;
}

/** Whether the employee is in the scope (a manager's team). */
export async function isEmployeeWithin(
  db: Db,
  accountId: string,
  employeeId: string,
  scope: EmployeeScope,
): Promise<boolean> {
  const row = await filtered(db.selectFrom('employees').select('id'), accountId, { within: scope })
    .where('id', '=', employeeId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertEmployee(db: Db, row: NewEmployeeRow): Promise<void> {
  await db.insertInto('employees').values(row).execute();
}

export async function findEmployee(db: Db, accountId: string, id: string): Promise<EmployeeRow | undefined> {
  return db
    .selectFrom('employees')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The employees of the account among `ids` (any order; ids of no such employee are skipped). */
export async function findEmployees(
  db: Db,
  accountId: string,
  ids: readonly string[],
): Promise<EmployeeRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('employees')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

export async function listEmployees(
  db: Db,
  accountId: string,
  filters: EmployeeFilters,
  page: PageRequest,
): Promise<EmployeeRow[]> {
  return keysetPage(
    filtered(db.selectFrom('employees').selectAll(), accountId, filters),
    page,
    'id',
  ).execute();
}

export async function countEmployees(db: Db, accountId: string, filters: EmployeeFilters): Promise<number> {
  const row = await filtered(
    db.selectFrom('employees').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}

export async function updateEmployee(
  db: Db,
  accountId: string,
  id: string,
  changes: EmployeeUpdate,
): Promise<void> {
  await db
    .updateTable('employees')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
}

export async function deleteEmployee(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('employees')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Every employee of the account (or one), with whether they are active: who gets a card. */
export async function listEmployeeStates(
  db: Db,
  accountId: string,
  employeeId?: string,
): Promise<{ id: string; active: number }[]> {
  let query = db.selectFrom('employees').select(['id', 'active']).where('account_id', '=', accountId);
  if (employeeId) query = query.where('id', '=', employeeId);
  return query.execute();
}

/**
 * The employee's row, locked until the transaction ends (undefined when there is no such employee). On PostgreSQL a
 * no-op UPDATE takes the row lock (portable where SELECT ... FOR UPDATE is not, and `updated_at` stays: locking
 * changes nothing visible) and returns the row as it is under the lock. SQLite transactions here begin IMMEDIATE:
 * the transaction holds the database's write lock already, and the no-op UPDATE would only rewrite the row and
 * its clock-status index entry, so a plain read is the same guarantee.
 */
export async function lockEmployeeRow(
  db: Db,
  accountId: string,
  id: string,
): Promise<EmployeeRow | undefined> {
  if (!isPostgres(db)) return findEmployee(db, accountId, id);
  return db
    .updateTable('employees')
    .set({ clock_status: sql`clock_status` })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
