import type { ClockStatus, Db, EmployeeRow } from '../../db/tables.js';
import { notFound } from '../../platform/errors/api-error.js';
import { withTouched } from '../../platform/webhooks/change-events.js';
import type { EventInput } from '../../platform/webhooks/outbox.js';
import { readEmployees } from '../employees/objects.js';
import { findEmployee, lockEmployeeRow, updateEmployee } from '../employees/repository.js';

/**
 * Takes the employee's row lock for the rest of the transaction and returns the row as it is now (undefined when
 * the employee does not exist). Every change to an employee's time — a punch, a time entry created, changed or
 * deleted — starts here, so such changes run one after another per employee: the clock status read next cannot
 * change before the transaction ends, and an overlap check cannot miss an entry a concurrent request is inserting.
 * Two simultaneous clock-ins therefore open one entry and get one 409. On PostgreSQL the UPDATE row lock makes the
 * second transaction wait, and its next statement sees what the first committed (READ COMMITTED takes a snapshot
 * per statement); SQLite runs one write transaction at a time. The no-op UPDATE is portable where SELECT ... FOR
 * UPDATE is not, and it leaves `updated_at` alone: locking changes nothing visible about the employee.
 */
export async function lockEmployee(
  db: Db,
  accountId: string,
  employeeId: string,
): Promise<EmployeeRow | undefined> {
  if (!(await lockEmployeeRow(db, accountId, employeeId))) return undefined;
  return findEmployee(db, accountId, employeeId);
}

/**
 * The employee a punch or a new entry names, locked for the transaction: 404 with `param` employeeId when the
 * account has no such employee.
 */
export async function lockNamedEmployee(db: Db, accountId: string, employeeId: string): Promise<EmployeeRow> {
  const employee = await lockEmployee(db, accountId, employeeId);
  if (!employee) throw notFound('Employee', employeeId, 'employeeId');
  return employee;
}

/**
 * Only after lockEmployee, in the same transaction. The employee object shows `clockStatus`, so `updated_at` moves
 * with it and incremental sync (`updatedSince`) sees the change; so do webhooks, through the `employee.updated`
 * event returned here for the change to record.
 */
export async function setClockStatus(
  db: Db,
  accountId: string,
  employeeId: string,
  status: ClockStatus,
  now: string,
): Promise<readonly EventInput[]> {
  const { events } = await withTouched(
    () => readEmployees(db, accountId, [employeeId]),
    () => updateEmployee(db, accountId, employeeId, { clock_status: status, updated_at: now }),
  );
  return events;
}
