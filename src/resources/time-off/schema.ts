import { type Static, Type } from '@sinclair/typebox';
import type { TimeOffRequestRow } from '../../db/tables.js';
import { objectSchema } from '../../platform/descriptors/object-schema.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { EMPLOYEES } from '../employees/resource.js';
import { TIME_OFF } from './resource.js';

const TYPES = ['vacation', 'sick', 'holiday', 'personal', 'unpaid'] as const;
const STATUSES = ['requested', 'approved', 'denied', 'canceled'] as const;

const EXAMPLE_ID = exampleId(TIME_OFF);
const EXAMPLE_EMPLOYEE = exampleId(EMPLOYEES);

const employeeId = Type.String({
  pattern: idPattern(EMPLOYEES),
  description: 'The employee taking the time off.',
  examples: [EXAMPLE_EMPLOYEE],
});
const type = Type.Union(
  TYPES.map((value) => Type.Literal(value)),
  {
    description:
      'Kind of time off. Every kind but `unpaid` is paid time off and counts in time cards’ ptoSeconds.',
    examples: ['vacation'],
  },
);
const date = (description: string, example: string) =>
  Type.String({ format: 'date', description, examples: [example] });
const startDate = date('First day off (YYYY-MM-DD, in the account’s time zone).', '2026-12-21');
const endDate = date('Last day off, inclusive; not before startDate.', '2026-12-23');
const hoursPerDay = Type.Number({
  exclusiveMinimum: 0,
  maximum: 24,
  description: 'Hours of time off counted on each day of the range.',
  examples: [8],
});
const note = Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], {
  description: 'Free text from the requester.',
  examples: ['Family visit'],
});
const status = Type.Union(
  STATUSES.map((value) => Type.Literal(value)),
  {
    description: '`requested` until approved, denied or canceled; only a requested one can change.',
    examples: ['requested'],
  },
);
const timestamp = Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] });

export const TimeOffSchema = objectSchema(
  TIME_OFF,
  {
    id: Type.String({ pattern: idPattern(TIME_OFF), examples: [EXAMPLE_ID] }),
    object: Type.Literal('time_off'),
    employeeId,
    type,
    startDate,
    endDate,
    hoursPerDay,
    note,
    status,
    decidedAt: Type.Union([timestamp, Type.Null()], {
      description: 'When it was approved, denied or canceled; null while requested.',
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  { description: 'A request for time off, counted in time cards once approved.' },
);
export type TimeOff = Static<typeof TimeOffSchema>;

export const CreateTimeOffBody = Type.Object(
  {
    employeeId,
    type,
    startDate,
    endDate,
    hoursPerDay: Type.Optional({ ...hoursPerDay, default: 8 }),
    note: Type.Optional(note),
  },
  {
    additionalProperties: false,
    examples: [
      {
        employeeId: EXAMPLE_EMPLOYEE,
        type: 'vacation',
        startDate: '2026-12-21',
        endDate: '2026-12-23',
        hoursPerDay: 8,
        note: 'Family visit',
      },
    ],
  },
);
export type CreateTimeOffInput = Static<typeof CreateTimeOffBody>;

export const ListTimeOffQuery = listQuerySchema(TIME_OFF, {
  employeeId: Type.Optional({ ...employeeId, description: 'Only this employee’s requests.' }),
  status: Type.Optional({ ...status, description: 'Only requests in this status.' }),
  from: Type.Optional(date('Only requests that end on or after this date.', '2026-12-01')),
  to: Type.Optional(date('Only requests that start on or before this date.', '2026-12-31')),
});
export type ListTimeOffQueryInput = Static<typeof ListTimeOffQuery>;

export function toTimeOff(row: TimeOffRequestRow): TimeOff {
  return {
    id: row.id,
    object: 'time_off',
    employeeId: row.employee_id,
    type: row.type,
    startDate: row.start_date,
    endDate: row.end_date,
    hoursPerDay: row.hours_per_day,
    note: row.note,
    status: row.status,
    decidedAt: row.decided_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
