import type { Db, EmployeeRow } from '../../db/tables.js';
import { EMPLOYEE_GROUPS, EMPLOYEE_LOCATIONS, linkedIds } from './links.js';
import { findEmployees } from './repository.js';
import type { Employee } from './schema.js';
import { toEmployee } from './schema.js';

/**
 * API objects for rows, with the links of all of them read in one query per link table. Apart from the employees
 * service so that services whose changes touch employees (groups, punches, time entries) can render them for their
 * events without depending on it.
 */
export async function toEmployees(
  db: Db,
  accountId: string,
  rows: readonly EmployeeRow[],
): Promise<Employee[]> {
  const ids = rows.map((row) => row.id);
  const [locations, groups] = await Promise.all([
    linkedIds(db, accountId, EMPLOYEE_LOCATIONS, ids),
    linkedIds(db, accountId, EMPLOYEE_GROUPS, ids),
  ]);
  return rows.map((row) =>
    toEmployee(row, { locationIds: locations.get(row.id) ?? [], groupIds: groups.get(row.id) ?? [] }),
  );
}

/** The employees among `ids` as the API returns them (ids of no such employee are skipped). */
export async function readEmployees(db: Db, accountId: string, ids: readonly string[]): Promise<Employee[]> {
  return toEmployees(db, accountId, await findEmployees(db, accountId, ids));
}
