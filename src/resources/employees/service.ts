import { toDbBoolean } from '../../db/columns.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { EmployeeRow, EmployeeUpdate } from '../../db/tables.js';
import { createWithinPlanCap } from '../../platform/accounts/plan-caps.js';
import type { ServiceContext } from '../../platform/context.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import type { PageRequest } from '../../platform/pagination/keyset.js';
import { pageOf } from '../../platform/pagination/keyset.js';
import { newId } from '../../shared/ids.js';
import { isValidTimeZone } from '../../shared/timezones.js';
import * as repo from './repository.js';
import type { CreateEmployeeInput, Employee, UpdateEmployeeInput } from './schema.js';
import { toEmployee } from './schema.js';

function checkTimezone(timezone: string | null | undefined): void {
  if (timezone && !isValidTimeZone(timezone)) {
    throw new ApiError(
      'invalid_timezone',
      `"${timezone}" is not an IANA time zone (for example "America/Chicago").`,
      {
        param: 'timezone',
      },
    );
  }
}

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

async function load(ctx: ServiceContext, accountId: string, id: string): Promise<EmployeeRow> {
  const row = await repo.findEmployee(ctx.database.db, accountId, id);
  if (!row) throw notFound('Employee', id);
  return row;
}

export async function getEmployee(ctx: ServiceContext, accountId: string, id: string): Promise<Employee> {
  return toEmployee(await load(ctx, accountId, id));
}

export async function listEmployees(
  ctx: ServiceContext,
  accountId: string,
  filters: repo.EmployeeFilters,
  page: PageRequest,
): Promise<{ items: Employee[]; hasMore: boolean; countTotal: () => Promise<number> }> {
  const rows = await repo.listEmployees(ctx.database.db, accountId, filters, page);
  const { items, hasMore } = pageOf(rows, page);
  return {
    items: items.map(toEmployee),
    hasMore,
    countTotal: () => repo.countEmployees(ctx.database.db, accountId, filters),
  };
}

export async function createEmployee(
  ctx: ServiceContext,
  accountId: string,
  input: CreateEmployeeInput,
): Promise<Employee> {
  checkTimezone(input.timezone);
  const now = ctx.clock.now().toISOString();
  const row: EmployeeRow = {
    department_code_id: null,
    position_id: null,
    clock_status: 'out',
    id: newId('employee'),
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
    created_at: now,
    updated_at: now,
  };
  await guardRefConflict(() =>
    createWithinPlanCap(
      ctx.database.db,
      accountId,
      'maxEmployees',
      (db) => repo.countEmployees(db, accountId, {}),
      (db) => repo.insertEmployee(db, row),
    ),
  );
  return toEmployee(row);
}

export async function updateEmployee(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  input: UpdateEmployeeInput,
): Promise<Employee> {
  await load(ctx, accountId, id);
  checkTimezone(input.timezone);
  const changes: EmployeeUpdate = { updated_at: ctx.clock.now().toISOString() };
  if (input.firstName !== undefined) changes.first_name = input.firstName.trim();
  if (input.lastName !== undefined) changes.last_name = input.lastName.trim();
  if (input.email !== undefined) changes.email = input.email;
  if (input.employeeRef !== undefined) changes.employee_ref = input.employeeRef;
  if (input.phone !== undefined) changes.phone = input.phone;
  if (input.active !== undefined) changes.active = toDbBoolean(input.active);
  if (input.role !== undefined) changes.role = input.role;
  if (input.payRate !== undefined) changes.pay_rate_cents = toCents(input.payRate) ?? null;
  if (input.timezone !== undefined) changes.timezone = input.timezone;
  await guardRefConflict(() => repo.updateEmployee(ctx.database.db, accountId, id, changes));
  return getEmployee(ctx, accountId, id);
}

export async function deleteEmployee(ctx: ServiceContext, accountId: string, id: string): Promise<void> {
  if (!(await repo.deleteEmployee(ctx.database.db, accountId, id))) throw notFound('Employee', id);
}
