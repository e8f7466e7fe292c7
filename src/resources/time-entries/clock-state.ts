import type { ClockStatus, Db, EmployeeRow } from '../../db/tables.js';
import { notFound } from '../../platform/errors/api-error.js';
import { touchedEvents } from '../../platform/webhooks/change-events.js';
import type { EventInput } from '../../platform/webhooks/outbox.js';
import { toEmployees } from '../employees/objects.js';
import { lockEmployeeRow, updateEmployee } from '../employees/repository.js';
import { toEmployee } from '../employees/schema.js';

/**
 * Takes the employee's row lock for the rest of the transaction and returns the row as it is now (undefined when
 * the employee does not exist). Every change to an employee's time — a punch, a time entry created, changed or
 * deleted — starts here, so such changes run one after another per employee: the clock status read next cannot
 * change before the transaction ends, and an overlap check cannot miss an entry a concurrent request is inserting.
 * Two simultaneous clock-ins therefore open one entry and get one 409. On PostgreSQL the UPDATE row lock makes the
 * second transaction wait, and its next statement sees what the first committed (READ COMMITTED takes a snapshot
 * per statement); SQLite runs one write transaction at a time (see lockEmployeeRow).
 */
export async function lockEmployee(
  db: Db,
  accountId: string,
  employeeId: string,
): Promise<EmployeeRow | undefined> {
  return lockEmployeeRow(db, accountId, employeeId);
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
 * Only after lockEmployee, in the same transaction, with the row it returned: the lock keeps that row current. The
 * employee object shows `clockStatus`, so `updated_at` moves with it and incremental sync (`updatedSince`) sees the
 * change; so do webhooks, through the `employee.updated` event returned here for the change to record. The object
 * after the change is the one before with the two columns set, not a second reading: only they changed.
 */
export async function setClockStatus(
  db: Db,
  accountId: string,
  employee: EmployeeRow,
  status: ClockStatus,
  now: string,
): Promise<readonly EventInput[]> {
  const changes = { clock_status: status, updated_at: now };
  const [before] = await toEmployees(db, accountId, [employee]);
  await updateEmployee(db, accountId, employee.id, changes);
  if (!before) return [];
  const after = toEmployee({ ...employee, ...changes }, before);
  return touchedEvents([before], [after]);
}
