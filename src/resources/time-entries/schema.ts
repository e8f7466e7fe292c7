import { type Static, Type } from '@sinclair/typebox';
import type { TimeEntryRow } from '../../db/tables.js';
import { objectSchema } from '../../platform/descriptors/object-schema.js';
import { secondsBetween } from '../../platform/http/instants.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, type IdKind, idPattern } from '../../shared/ids.js';
import { COST_CODES } from '../cost-codes/resource.js';
import { DEPARTMENT_CODES } from '../department-codes/resource.js';
import { EMPLOYEES } from '../employees/resource.js';
import { LOCATIONS } from '../locations/resource.js';
import { POSITIONS } from '../positions/resource.js';
import { TIME_ENTRIES } from './resource.js';

/** A cap on obviously wrong input; the real bound is the entry's own span. */
const MAX_BREAK_SECONDS = 86_400;

const timeEntryId = Type.String({
  pattern: idPattern(TIME_ENTRIES),
  description: 'The time entry id.',
  examples: [exampleId(TIME_ENTRIES)],
});
export const employeeIdField = Type.String({
  pattern: idPattern(EMPLOYEES),
  description: 'The employee whose time this is.',
  examples: [exampleId(EMPLOYEES)],
});

/** Optional links to the account's catalogues; `null` clears one on update. */
function reference(kind: IdKind, description: string) {
  return Type.Union([Type.String({ pattern: idPattern(kind) }), Type.Null()], {
    description,
    examples: [exampleId(kind)],
  });
}

export const locationIdField = reference(LOCATIONS, 'The location worked at.');
export const departmentCodeIdField = reference(
  DEPARTMENT_CODES,
  'The department code the time is booked to.',
);
export const costCodeIdField = reference(COST_CODES, 'The cost code the time is booked to.');
const positionIdField = reference(POSITIONS, 'The position worked.');

const start = Type.String({
  format: 'date-time',
  description:
    'When the work started (ISO-8601; stored and returned in UTC). For an entry made by punches, the time counted: the clock-in after the account’s rounding rule (see `punchedStart` for the raw time).',
  examples: ['2026-11-02T14:00:00.000Z'],
});
const end = Type.String({
  format: 'date-time',
  description: 'When the work ended (ISO-8601); after `start`.',
  examples: ['2026-11-02T22:30:00.000Z'],
});
const breakSeconds = Type.Integer({
  minimum: 0,
  maximum: MAX_BREAK_SECONDS,
  description:
    'Unpaid break time inside the entry, in seconds; subtracted from the duration. At most the span.',
  examples: [1800],
});
const notes = Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], {
  description: 'Free-form note, for example why a manager corrected the entry.',
  examples: ['Forgot to clock out; corrected by the shift lead.'],
});

export const TimeEntrySchema = objectSchema(
  TIME_ENTRIES,
  {
    id: timeEntryId,
    object: Type.Literal('time_entry'),
    employeeId: employeeIdField,
    start,
    end: Type.Union([end, Type.Null()], {
      description:
        'When the work ended; `null` while the entry is open (the employee is on the clock). For an entry closed by a clock-out, the time counted after the account’s rounding rule (see `punchedEnd`); never before `start`.',
      examples: ['2026-11-02T22:30:00.000Z'],
    }),
    punchedStart: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description:
        'The raw time of the clock-in that opened the entry, as punched; `start` is the time counted from it. `null` when no punch opened it (an entry created by a manager). A manager’s correction of `start` keeps it.',
      examples: ['2026-11-02T13:53:12.000Z'],
    }),
    punchedEnd: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description:
        'The raw time of the clock-out that closed the entry, as punched; `end` is the time counted from it. `null` while open and when no punch closed it (a manager set `end`).',
      examples: ['2026-11-02T22:34:40.000Z'],
    }),
    breakSeconds,
    durationSeconds: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description:
        'Paid time: end − start − breakSeconds, in seconds, from the counted times; `null` while the entry is open.',
      examples: [28800],
    }),
    status: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      description: '`open` while the employee is on the clock, `closed` once it has an end.',
      examples: ['closed'],
    }),
    source: Type.Union([Type.Literal('punch'), Type.Literal('manual')], {
      description: '`punch` when clock punches made it, `manual` when it was created through this endpoint.',
      examples: ['punch'],
    }),
    locationId: locationIdField,
    departmentCodeId: departmentCodeIdField,
    costCodeId: costCodeIdField,
    positionId: positionIdField,
    notes,
    createdAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:00:00.482Z'] }),
    updatedAt: Type.String({ format: 'date-time', examples: ['2026-11-02T22:30:00.482Z'] }),
  },
  { description: 'A worked interval of one employee.' },
);
export type TimeEntry = Static<typeof TimeEntrySchema>;

export const CreateTimeEntryBody = Type.Object(
  {
    employeeId: employeeIdField,
    start,
    end: Type.Optional({
      ...end,
      description:
        'When the work ended. Omit it to open an entry, which puts the employee on the clock (only when they are not).',
    }),
    breakSeconds: Type.Optional({ ...breakSeconds, default: 0 }),
    locationId: Type.Optional(locationIdField),
    departmentCodeId: Type.Optional(departmentCodeIdField),
    costCodeId: Type.Optional(costCodeIdField),
    positionId: Type.Optional(positionIdField),
    notes: Type.Optional(notes),
  },
  {
    additionalProperties: false,
    examples: [
      {
        employeeId: exampleId(EMPLOYEES),
        start: '2026-11-02T14:00:00Z',
        end: '2026-11-02T22:30:00Z',
        breakSeconds: 1800,
        notes: 'Entered from the paper time sheet.',
      },
    ],
  },
);
export type CreateTimeEntryInput = Static<typeof CreateTimeEntryBody>;

export const UpdateTimeEntryBody = Type.Partial(
  Type.Object({
    start,
    end: Type.Union([end, Type.Null()], {
      description:
        'Sets the end, which closes an open entry (and takes the employee off the clock). A closed entry cannot be reopened: `null` is accepted only on an open entry.',
      examples: ['2026-11-02T22:30:00.000Z'],
    }),
    breakSeconds,
    locationId: locationIdField,
    departmentCodeId: departmentCodeIdField,
    costCodeId: costCodeIdField,
    positionId: positionIdField,
    notes,
  }),
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ breakSeconds: 2700, notes: 'Lunch ran long.' }],
  },
);
export type UpdateTimeEntryInput = Static<typeof UpdateTimeEntryBody>;

/** The `from` / `to` query parameters of a list over time; `to` must not precede `from`. */
export function timeRangeFilters(descriptions: { from: string; to: string }) {
  return {
    from: Type.Optional(
      Type.String({
        format: 'date-time',
        description: descriptions.from,
        examples: ['2026-11-02T00:00:00Z'],
      }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date-time', description: descriptions.to, examples: ['2026-11-09T00:00:00Z'] }),
    ),
  };
}

export const ListTimeEntriesQuery = listQuerySchema(TIME_ENTRIES, {
  employeeId: Type.Optional({ ...employeeIdField, description: 'Only this employee’s entries.' }),
  locationId: Type.Optional(
    Type.String({
      pattern: idPattern(LOCATIONS),
      description: 'Only entries at this location.',
      examples: [exampleId(LOCATIONS)],
    }),
  ),
  status: Type.Optional(
    Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      description: 'Only open or only closed entries.',
    }),
  ),
  ...timeRangeFilters({
    from: 'Only entries with time at or after this instant (ISO-8601): ending after it, or still open. Compared with the counted times (`start`, `end`).',
    to: 'Only entries with time before this instant (ISO-8601): starting before it (the counted `start`).',
  }),
});
export type ListTimeEntriesQueryInput = Static<typeof ListTimeEntriesQuery>;

export function toTimeEntry(row: TimeEntryRow): TimeEntry {
  return {
    id: row.id,
    object: 'time_entry',
    employeeId: row.employee_id,
    start: row.start_at,
    end: row.end_at,
    punchedStart: row.punched_start_at,
    punchedEnd: row.punched_end_at,
    breakSeconds: row.break_seconds,
    durationSeconds:
      row.end_at === null ? null : secondsBetween(row.start_at, row.end_at) - row.break_seconds,
    status: row.status,
    source: row.source,
    locationId: row.location_id,
    departmentCodeId: row.department_code_id,
    costCodeId: row.cost_code_id,
    positionId: row.position_id,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
