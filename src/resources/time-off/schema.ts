import { type Static, Type } from '@sinclair/typebox';
import type { TimeOffRequestRow } from '../../db/tables.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { idPattern } from '../../shared/ids.js';

const TYPES = ['vacation', 'sick', 'holiday', 'personal', 'unpaid'] as const;
const STATUSES = ['requested', 'approved', 'denied', 'canceled'] as const;

const EXAMPLE_ID = 'tof_01JD2X6Y3Z4A5B6C7D8E9F0G1H';
const EXAMPLE_EMPLOYEE = 'emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H';

const employeeId = Type.String({
  pattern: idPattern('employee'),
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

export const TimeOffSchema = Type.Object(
  {
    id: Type.String({ pattern: idPattern('timeOff'), examples: [EXAMPLE_ID] }),
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

export const TIME_OFF_FIELDS: readonly string[] = Object.keys(TimeOffSchema.properties).filter(
  (field) => field !== 'id' && field !== 'object',
);

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

export const TimeOffIdParams = Type.Object({
  id: Type.String({
    pattern: idPattern('timeOff'),
    description: 'The time-off request id.',
    examples: [EXAMPLE_ID],
  }),
});

export const ListTimeOffQuery = listQuerySchema('timeOff', {
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
