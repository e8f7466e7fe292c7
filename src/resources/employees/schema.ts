import { type Static, Type } from '@sinclair/typebox';
import { fromDbBoolean } from '../../db/columns.js';
import type { EmployeeRow } from '../../db/tables.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { idPattern } from '../../shared/ids.js';

const ROLES = ['administrator', 'manager', 'employee'] as const;

const firstName = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'Given name.',
  examples: ['Maria'],
});
const lastName = Type.String({
  minLength: 1,
  maxLength: 100,
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

export const EmployeeSchema = Type.Object(
  {
    id: Type.String({ pattern: idPattern('employee'), examples: ['emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H'] }),
    object: Type.Literal('employee'),
    firstName,
    lastName,
    email,
    employeeRef,
    phone,
    active,
    role,
    payRate,
    timezone,
    createdAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
    updatedAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
  },
  { description: 'A person whose time is tracked.' },
);
export type Employee = Static<typeof EmployeeSchema>;

/** Fields a key's field restriction may name for employees. */
export const EMPLOYEE_FIELDS: readonly string[] = Object.keys(EmployeeSchema.properties).filter(
  (field) => field !== 'id' && field !== 'object',
);

export const CreateEmployeeBody = Type.Object(
  {
    firstName,
    lastName,
    email: Type.Optional(email),
    employeeRef: Type.Optional(employeeRef),
    phone: Type.Optional(phone),
    active: Type.Optional({ ...active, default: true }),
    role: Type.Optional({ ...role, default: 'employee' }),
    payRate: Type.Optional(payRate),
    timezone: Type.Optional(timezone),
  },
  {
    additionalProperties: false,
    examples: [
      { firstName: 'Maria', lastName: 'Lopez', email: 'maria.lopez@example.com', employeeRef: 'HR-1042' },
    ],
  },
);
export type CreateEmployeeInput = Static<typeof CreateEmployeeBody>;

export const UpdateEmployeeBody = Type.Partial(
  Type.Object({ firstName, lastName, email, employeeRef, phone, active, role, payRate, timezone }),
  { additionalProperties: false, minProperties: 1, examples: [{ active: false }] },
);
export type UpdateEmployeeInput = Static<typeof UpdateEmployeeBody>;

export const EmployeeIdParams = Type.Object({
  id: Type.String({
    pattern: idPattern('employee'),
    description: 'The employee id.',
    examples: ['emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H'],
  }),
});

export const ListEmployeesQuery = listQuerySchema('employee', {
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
});
export type ListEmployeesQueryInput = Static<typeof ListEmployeesQuery>;

export const DeletedEmployeeSchema = Type.Object({
  id: Type.String({ examples: ['emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H'] }),
  object: Type.Literal('employee'),
  deleted: Type.Literal(true),
});

export function toEmployee(row: EmployeeRow): Employee {
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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
