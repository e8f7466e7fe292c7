import { toDbBoolean } from '../../db/columns.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Db, EmployeeRow, EmployeeUpdate } from '../../db/tables.js';
import { createWithinPlanCap } from '../../platform/accounts/plan-caps.js';
import type { ServiceContext } from '../../platform/context.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import { listing } from '../../platform/pagination/respond.js';
import {
  createdEvent,
  deletedEvent,
  updatedEvent,
  withTouched,
} from '../../platform/webhooks/change-events.js';
import { type EventInput, recordChange } from '../../platform/webhooks/outbox.js';
import { newId } from '../../shared/ids.js';
import { readEntries } from '../code-catalogues/service.js';
import { readGeofences } from '../geofences/service.js';
import { GROUPS } from '../groups/resource.js';
import { assertTimeZone } from '../locations/time-zone.js';
import { assertNotReferenced, assertObjectsExist, type Reference, touchObjects } from '../references.js';
import {
  EMPLOYEE_GEOFENCES,
  EMPLOYEE_GROUPS,
  EMPLOYEE_LOCATIONS,
  type LinkSide,
  linkedIds,
  removeAllLinks,
  replaceLinks,
} from './links.js';
import { toEmployees } from './objects.js';
import * as repo from './repository.js';
import { EMPLOYEES } from './resource.js';
import type { CreateEmployeeInput, Employee, UpdateEmployeeInput } from './schema.js';

/**
 * Rows that record an employee's time or plans: once one exists, the employee is deactivated, never deleted, so
 * payroll history keeps naming a real person.
 */
const EMPLOYEE_REFERENCES: readonly Reference[] = [
  { table: 'punches', column: 'employee_id', label: 'punches' },
  { table: 'time_entries', column: 'employee_id', label: 'time entries' },
  { table: 'time_off_requests', column: 'employee_id', label: 'time off requests' },
  { table: 'time_cards', column: 'employee_id', label: 'time cards' },
  { table: 'shifts', column: 'employee_id', label: 'shifts' },
];

/** The links of an employee a create or update may set. */
type LinkInput = Pick<UpdateEmployeeInput, 'locationIds' | 'departmentCodeId' | 'positionId' | 'groupIds'>;

function toCents(payRate: number | null | undefined): number | null | undefined {
  return payRate === null || payRate === undefined ? payRate : Math.round(payRate * 100);
}

/** Unique employeeRef per account: the database enforces it, this names the conflict. */
async function guardRefConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ApiError('employee_ref_taken', 'Another employee already has this employeeRef.', {
        param: 'employeeRef',
      });
    }
    throw error;
  }
}

/** Everything an employee names must be the account's own: 404 resource_not_found naming the field otherwise. */
async function assertLinksExist(db: Db, accountId: string, input: LinkInput): Promise<void> {
  if (input.locationIds) {
    await assertObjectsExist(db, accountId, 'locations', input.locationIds, {
      noun: 'Location',
      param: 'locationIds',
    });
  }
  if (input.departmentCodeId) {
    await assertObjectsExist(db, accountId, 'department_codes', [input.departmentCodeId], {
      noun: 'Department code',
      param: 'departmentCodeId',
    });
  }
  if (input.positionId) {
    await assertObjectsExist(db, accountId, 'positions', [input.positionId], {
      noun: 'Position',
      param: 'positionId',
    });
  }
  if (input.groupIds) {
    await assertObjectsExist(db, accountId, 'groups', input.groupIds, { noun: 'Group', param: 'groupIds' });
  }
}

/** The ids the employee is linked to in `link`, as stored now. */
async function currentLinks(db: Db, accountId: string, link: LinkSide, id: string): Promise<string[]> {
  return (await linkedIds(db, accountId, link, [id])).get(id) ?? [];
}

/**
 * Replaces the link sets that were sent. A group whose membership changed lists its members, so its `updatedAt`
 * moves too (incremental sync of groups must see it) and it gets a `group.updated` event, returned here.
 */
async function applyLinkSets(
  db: Db,
  accountId: string,
  id: string,
  input: LinkInput,
  now: string,
): Promise<readonly EventInput[]> {
  if (input.locationIds) await replaceLinks(db, accountId, EMPLOYEE_LOCATIONS, id, input.locationIds);
  const groupIds = input.groupIds;
  if (!groupIds) return [];
  const current = await currentLinks(db, accountId, EMPLOYEE_GROUPS, id);
  const { events } = await withTouched(
    () => readEntries(db, GROUPS, accountId, [...current, ...groupIds]),
    async () => {
      const { added, removed } = await replaceLinks(db, accountId, EMPLOYEE_GROUPS, id, groupIds);
      await touchObjects(db, accountId, 'groups', [...added, ...removed], now);
    },
  );
  return events;
}

async function load(db: Db, accountId: string, id: string): Promise<EmployeeRow> {
  const row = await repo.findEmployee(db, accountId, id);
  if (!row) throw notFound('Employee', id);
  return row;
}

async function read(db: Db, accountId: string, id: string): Promise<Employee> {
  const [employee] = await toEmployees(db, accountId, [await load(db, accountId, id)]);
  if (!employee) throw notFound('Employee', id);
  return employee;
}

export async function getEmployee(ctx: ServiceContext, accountId: string, id: string): Promise<Employee> {
  return read(ctx.database.db, accountId, id);
}

/** The account's employees matching the filters, newest first. */
export const listEmployees = listing(repo.listEmployees, repo.countEmployees, (rows, db, accountId) =>
  toEmployees(db, accountId, rows),
);

export async function createEmployee(
  ctx: ServiceContext,
  accountId: string,
  input: CreateEmployeeInput,
): Promise<Employee> {
  assertTimeZone(input.timezone);
  const now = ctx.clock.now().toISOString();
  const row: EmployeeRow = {
    id: newId(EMPLOYEES),
    account_id: accountId,
    first_name: input.firstName.trim(),
    last_name: input.lastName.trim(),
    email: input.email ?? null,
    employee_ref: input.employeeRef ?? null,
    phone: input.phone ?? null,
    active: toDbBoolean(input.active ?? true),
    role: input.role ?? 'employee',
    pay_rate_cents: toCents(input.payRate) ?? null,
    timezone: input.timezone ?? null,
    department_code_id: input.departmentCodeId ?? null,
    position_id: input.positionId ?? null,
    clock_status: 'out',
    created_at: now,
    updated_at: now,
  };
  return guardRefConflict(() =>
    createWithinPlanCap(
      ctx.database.db,
      accountId,
      'maxEmployees',
      (db) => repo.countEmployees(db, accountId, {}),
      // Under a cap this joins the cap's transaction; otherwise it opens one.
      (db) =>
        recordChange(db, ctx, accountId, async (trx) => {
          await assertLinksExist(trx, accountId, input);
          await repo.insertEmployee(trx, row);
          const groups = await applyLinkSets(trx, accountId, row.id, input, now);
          const employee = await read(trx, accountId, row.id);
          return { result: employee, events: [createdEvent(employee), ...groups] };
        }),
    ),
  );
}

export async function updateEmployee(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  input: UpdateEmployeeInput,
): Promise<Employee> {
  assertTimeZone(input.timezone);
  const now = ctx.clock.now().toISOString();
  return guardRefConflict(() =>
    recordChange(ctx.database.db, ctx, accountId, async (trx) => {
      const before = await read(trx, accountId, id);
      await assertLinksExist(trx, accountId, input);
      const changes: EmployeeUpdate = { updated_at: now };
      if (input.firstName !== undefined) changes.first_name = input.firstName.trim();
      if (input.lastName !== undefined) changes.last_name = input.lastName.trim();
      if (input.email !== undefined) changes.email = input.email;
      if (input.employeeRef !== undefined) changes.employee_ref = input.employeeRef;
      if (input.phone !== undefined) changes.phone = input.phone;
      if (input.active !== undefined) changes.active = toDbBoolean(input.active);
      if (input.role !== undefined) changes.role = input.role;
      if (input.payRate !== undefined) changes.pay_rate_cents = toCents(input.payRate) ?? null;
      if (input.timezone !== undefined) changes.timezone = input.timezone;
      if (input.departmentCodeId !== undefined) changes.department_code_id = input.departmentCodeId;
      if (input.positionId !== undefined) changes.position_id = input.positionId;
      await repo.updateEmployee(trx, accountId, id, changes);
      const groups = await applyLinkSets(trx, accountId, id, input, now);
      const after = await read(trx, accountId, id);
      return { result: after, events: [updatedEvent(before, after), ...groups] };
    }),
  );
}

export async function deleteEmployee(ctx: ServiceContext, accountId: string, id: string): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const employee = await read(trx, accountId, id);
    await assertNotReferenced(trx, accountId, EMPLOYEE_REFERENCES, {
      noun: 'Employee',
      id,
      advice: 'deactivate the employee (`active: false`) instead.',
    });
    const groupIds = employee.groupIds;
    const geofenceIds = await currentLinks(trx, accountId, EMPLOYEE_GEOFENCES, id);
    // Groups and geofences list their employees: their shape changed, which their `.updated` events say.
    const { events } = await withTouched(
      async () => [
        ...(await readEntries(trx, GROUPS, accountId, groupIds)),
        ...(await readGeofences(trx, accountId, geofenceIds)),
      ],
      async () => {
        await removeAllLinks(trx, accountId, EMPLOYEE_LOCATIONS, id);
        const groups = await removeAllLinks(trx, accountId, EMPLOYEE_GROUPS, id);
        const geofences = await removeAllLinks(trx, accountId, EMPLOYEE_GEOFENCES, id);
        await touchObjects(trx, accountId, 'groups', groups, now);
        await touchObjects(trx, accountId, 'geofences', geofences, now);
        await repo.deleteEmployee(trx, accountId, id);
      },
    );
    return { result: undefined, events: [deletedEvent(employee), ...events] };
  });
}
