import { type Static, Type } from '@sinclair/typebox';
import { fromDbBoolean } from '../../db/columns.js';
import type { ShiftRow } from '../../db/tables.js';
import { objectSchema, writeBodies } from '../../platform/descriptors/object-schema.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { EMPLOYEES } from '../employees/resource.js';
import { LOCATIONS } from '../locations/resource.js';
import { POSITIONS } from '../positions/resource.js';
import { SHIFTS } from './resource.js';

/** Longest shift that can be scheduled: a double shift, not a multi-day assignment. */
export const MAX_SHIFT_HOURS = 24;

const SHIFT_ID_EXAMPLE = exampleId(SHIFTS);

const employeeId = Type.Union([Type.String({ pattern: idPattern(EMPLOYEES) }), Type.Null()], {
  description: 'The employee who works the shift; `null` for an open shift anyone may pick up.',
  examples: [exampleId(EMPLOYEES)],
});
const locationId = Type.Union([Type.String({ pattern: idPattern(LOCATIONS) }), Type.Null()], {
  description: 'Where the shift is worked.',
  examples: [exampleId(LOCATIONS)],
});
const positionId = Type.Union([Type.String({ pattern: idPattern(POSITIONS) }), Type.Null()], {
  description: 'The position (role on the floor) the shift is for.',
  examples: [exampleId(POSITIONS)],
});
const start = Type.String({
  format: 'date-time',
  description: 'When the shift starts (ISO-8601; returned in UTC).',
  examples: ['2026-11-02T14:00:00.000Z'],
});
const end = Type.String({
  format: 'date-time',
  description: `When the shift ends: after \`start\`, at most ${MAX_SHIFT_HOURS} hours later.`,
  examples: ['2026-11-02T22:30:00.000Z'],
});
const breakMinutes = Type.Integer({
  minimum: 0,
  maximum: MAX_SHIFT_HOURS * 60 - 1,
  description: 'Scheduled unpaid break, in minutes; shorter than the shift.',
  examples: [30],
});
const published = Type.Boolean({
  description: 'Whether the shift is visible to employees. Drafts (`false`) are for managers only.',
  examples: [true],
});
const notes = Type.Union([Type.String({ minLength: 1, maxLength: 1000 }), Type.Null()], {
  description: 'Free-form instructions for whoever works the shift.',
  examples: ['Open the front counter.'],
});

/** The fields a create or an update may set: the object lists them, and the bodies are made of them. */
const WRITABLE = { employeeId, locationId, positionId, start, end, breakMinutes, published, notes };

export const ShiftSchema = objectSchema(
  SHIFTS,
  {
    id: Type.String({ pattern: idPattern(SHIFTS), examples: [SHIFT_ID_EXAMPLE] }),
    object: Type.Literal('shift'),
    ...WRITABLE,
    createdAt: Type.String({ format: 'date-time', examples: ['2026-11-01T09:12:44.120Z'] }),
    updatedAt: Type.String({ format: 'date-time', examples: ['2026-11-01T09:12:44.120Z'] }),
  },
  { description: 'Scheduled work: who (or nobody yet), where, as what, and when.' },
);
export type Shift = Static<typeof ShiftSchema>;

const bodies = writeBodies(WRITABLE, {
  required: ['start', 'end'],
  defaults: { breakMinutes: 0, published: false },
  createExamples: [
    {
      start: '2026-11-02T14:00:00Z',
      end: '2026-11-02T22:30:00Z',
      breakMinutes: 30,
      published: true,
      notes: 'Open shift: first to claim it works it.',
    },
  ],
  updateExamples: [{ published: true }],
});
export const CreateShiftBody = bodies.create;
export type CreateShiftInput = Static<typeof CreateShiftBody>;
export const UpdateShiftBody = bodies.update;
export type UpdateShiftInput = Static<typeof UpdateShiftBody>;

export const ListShiftsQuery = listQuerySchema(SHIFTS, {
  from: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Only shifts that end after this instant (with `to`: shifts that intersect the range).',
      examples: ['2026-11-02T00:00:00Z'],
    }),
  ),
  to: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Only shifts that start before this instant.',
      examples: ['2026-11-09T00:00:00Z'],
    }),
  ),
  employeeId: Type.Optional(
    Type.String({
      pattern: idPattern(EMPLOYEES),
      description: "Only this employee's shifts.",
      examples: [exampleId(EMPLOYEES)],
    }),
  ),
  open: Type.Optional(
    Type.Boolean({ description: 'Only open shifts (`true`) or only assigned ones (`false`).' }),
  ),
  locationId: Type.Optional(
    Type.String({
      pattern: idPattern(LOCATIONS),
      description: 'Only shifts at this location.',
      examples: [exampleId(LOCATIONS)],
    }),
  ),
  published: Type.Optional(
    Type.Boolean({ description: 'Only published (`true`) or only draft (`false`) shifts.' }),
  ),
});
export type ListShiftsQueryInput = Static<typeof ListShiftsQuery>;

export function toShift(row: ShiftRow): Shift {
  return {
    id: row.id,
    object: 'shift',
    employeeId: row.employee_id,
    locationId: row.location_id,
    positionId: row.position_id,
    start: row.start_at,
    end: row.end_at,
    breakMinutes: row.break_minutes,
    published: fromDbBoolean(row.published),
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
