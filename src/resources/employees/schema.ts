import { type Static, Type } from '@sinclair/typebox';
import { fromDbBoolean } from '../../db/columns.js';
import type { ClockStatus, EmployeeRow } from '../../db/tables.js';
import { objectSchema, writeBodies } from '../../platform/descriptors/object-schema.js';
import { NOT_BLANK } from '../../platform/http/text.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, type IdKind, idPattern } from '../../shared/ids.js';
import { DEPARTMENT_CODES } from '../department-codes/resource.js';
import { GROUPS } from '../groups/resource.js';
import { LOCATIONS } from '../locations/resource.js';
import { POSITIONS } from '../positions/resource.js';
import { EMPLOYEES } from './resource.js';

const ROLES = ['administrator', 'manager', 'employee'] as const;
const CLOCK_STATUSES: readonly ClockStatus[] = ['in', 'out', 'on_break'];

const firstName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: NOT_BLANK,
  description: 'Given name.',
  examples: ['Maria'],
});
const lastName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: NOT_BLANK,
  description: 'Family name.',
  examples: ['Lopez'],
});
const email = Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()], {
  description: 'Work email address.',
  examples: ['maria.lopez@example.com'],
});
const employeeRef = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
  description: 'Your own identifier for the employee (payroll or HR id); unique within the account.',
  examples: ['HR-1042'],
});
const phone = Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Null()], {
  description: 'Phone number, free form.',
  examples: ['+1 312 555 0142'],
});
const active = Type.Boolean({
  description: 'Inactive employees cannot clock in; deactivate rather than delete employees who have time.',
  examples: [true],
});
const role = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: 'Role in the workforce.', examples: ['employee'] },
);
const payRate = Type.Union([Type.Number({ minimum: 0, maximum: 100000 }), Type.Null()], {
  description: 'Hourly pay rate in the account currency, to the cent.',
  examples: [24.5],
});
const timezone = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
  description: "IANA time zone overriding the account's, for employees who work elsewhere.",
  examples: ['America/Chicago'],
});

/** Ids of the account's objects of one kind, as a set: no duplicates, order not significant. */
const idSet = (kind: IdKind, description: string) =>
  Type.Array(Type.String({ pattern: idPattern(kind) }), {
    uniqueItems: true,
    maxItems: 100,
    description: `${description} Sending it replaces the whole set.`,
    examples: [[exampleId(kind)]],
  });
const nullableId = (kind: IdKind, description: string) =>
  Type.Union([Type.String({ pattern: idPattern(kind) }), Type.Null()], {
    description,
    examples: [exampleId(kind)],
  });
const locationIds = idSet(LOCATIONS, 'Locations the employee works at.');
const departmentCodeId = nullableId(DEPARTMENT_CODES, 'Home department code of the employee.');
const positionId = nullableId(POSITIONS, 'Position the employee holds.');
const groupIds = idSet(GROUPS, 'Groups the employee belongs to.');
const clockStatus = Type.Union(
  CLOCK_STATUSES.map((status) => Type.Literal(status)),
  {
    description:
      'Read-only: whether the employee is on the clock now (`in`), on a break (`on_break`) or off the clock (`out`), as their punches left it.',
    examples: ['out'],
  },
);

/** The fields a create or an update may set: the object lists them, and the bodies are made of them. */
const WRITABLE = {
  firstName,
  lastName,
  email,
  employeeRef,
  phone,
  active,
  role,
  payRate,
  timezone,
  locationIds,
  departmentCodeId,
  positionId,
  groupIds,
};

export const EmployeeSchema = objectSchema(
  EMPLOYEES,
  {
    id: Type.String({ pattern: idPattern(EMPLOYEES), examples: [exampleId(EMPLOYEES)] }),
    object: Type.Literal('employee'),
    ...WRITABLE,
    clockStatus,
    createdAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
    updatedAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
  },
  { description: 'A person whose time is tracked.' },
);
export type Employee = Static<typeof EmployeeSchema>;

const bodies = writeBodies(WRITABLE, {
  required: ['firstName', 'lastName'],
  defaults: { active: true, role: 'employee' },
  createExamples: [
    { firstName: 'Maria', lastName: 'Lopez', email: 'maria.lopez@example.com', employeeRef: 'HR-1042' },
  ],
  updateExamples: [{ active: false }],
});
export const CreateEmployeeBody = bodies.create;
export type CreateEmployeeInput = Static<typeof CreateEmployeeBody>;
export const UpdateEmployeeBody = bodies.update;
export type UpdateEmployeeInput = Static<typeof UpdateEmployeeBody>;

export const ListEmployeesQuery = listQuerySchema(EMPLOYEES, {
  active: Type.Optional(
    Type.Boolean({ description: 'Only active (`true`) or inactive (`false`) employees.' }),
  ),
  search: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Case-insensitive match on name, email or employeeRef.',
      examples: ['lopez'],
    }),
  ),
  clockedIn: Type.Optional(
    Type.Boolean({
      description:
        'Who is on the clock now: `true` for employees clocked in or on a break, `false` for those clocked out.',
    }),
  ),
});
export type ListEmployeesQueryInput = Static<typeof ListEmployeesQuery>;

/** What an employee is linked to through link tables, read alongside the row. */
export interface EmployeeLinks {
  locationIds: readonly string[];
  groupIds: readonly string[];
}

export function toEmployee(row: EmployeeRow, links: EmployeeLinks): Employee {
  return {
    id: row.id,
    object: 'employee',
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    employeeRef: row.employee_ref,
    phone: row.phone,
    active: fromDbBoolean(row.active),
    role: row.role,
    payRate: row.pay_rate_cents === null ? null : row.pay_rate_cents / 100,
    timezone: row.timezone,
    locationIds: [...links.locationIds],
    departmentCodeId: row.department_code_id,
    positionId: row.position_id,
    groupIds: [...links.groupIds],
    clockStatus: row.clock_status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
