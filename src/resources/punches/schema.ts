import { type Static, type TNumber, Type } from '@sinclair/typebox';
import { fromDbBoolean } from '../../db/columns.js';
import type { PunchRow } from '../../db/tables.js';
import { objectSchema } from '../../platform/descriptors/object-schema.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { EMPLOYEES } from '../employees/resource.js';
import { GEOFENCES } from '../geofences/resource.js';
import { LOCATIONS } from '../locations/resource.js';
import { TIME_ENTRIES } from '../time-entries/resource.js';
import {
  costCodeIdField,
  departmentCodeIdField,
  employeeIdField,
  locationIdField,
  timeRangeFilters,
} from '../time-entries/schema.js';
import { PUNCHES } from './resource.js';

const PUNCH_TYPES = ['in', 'out', 'break_start', 'break_end'] as const;
const SOURCES = ['api', 'portal', 'kiosk'] as const;

const punchId = Type.String({
  pattern: idPattern(PUNCHES),
  description: 'The punch id.',
  examples: [exampleId(PUNCHES)],
});
const type = Type.Union(
  PUNCH_TYPES.map((t) => Type.Literal(t)),
  {
    description:
      '`in` starts work (opens a time entry), `out` ends it (closes the entry), `break_start` / `break_end` ' +
      'bracket an unpaid break inside it.',
    examples: ['in'],
  },
);
const at = Type.String({
  format: 'date-time',
  description:
    'When the punch happened (ISO-8601; stored and returned in UTC). Defaults to now; at most 60 s ahead of the ' +
    "server's clock, and never before the employee's latest punch.",
  examples: ['2026-11-02T14:00:00.000Z'],
});
const countedAt = Type.String({
  format: 'date-time',
  description:
    'The time the punch counts on time cards: for a clock-in or clock-out, `at` after the account’s rounding rule (`rounding` on the pay schedule) — the start of a published shift when shift grace applies, else rounded to the step — and clamped so the entry stays whole (a clock-out never counts before its entry’s counted start; a clock-in never before the counted end of the employee’s previous entry). Equal to `at` for breaks, with no rounding, and when rounding would move the time into a locked pay period. It is the `start` or `end` of the time entry the punch opened or closed.',
  examples: ['2026-11-02T14:00:00.000Z'],
});
const latitude = Type.Number({
  minimum: -90,
  maximum: 90,
  description: 'Where the punch was made: latitude in decimal degrees (WGS 84). Send with `longitude`.',
  examples: [41.8789],
});
const longitude = Type.Number({
  minimum: -180,
  maximum: 180,
  description: 'Longitude in decimal degrees (WGS 84). Send with `latitude`.',
  examples: [-87.6359],
});
const accuracyMeters = Type.Number({
  minimum: 0,
  maximum: 100_000,
  description: "The device's reported accuracy of the position, in metres.",
  examples: [12],
});
const source = Type.Union(
  SOURCES.map((s) => Type.Literal(s)),
  { description: 'Where the punch was made: an integration, the portal or a kiosk.', examples: ['api'] },
);
const nullable = (schema: TNumber, description: string) =>
  Type.Union([schema, Type.Null()], { description, examples: schema.examples });

export const PunchSchema = objectSchema(
  PUNCHES,
  {
    id: punchId,
    object: Type.Literal('punch'),
    employeeId: employeeIdField,
    type,
    at: {
      ...at,
      description: 'When the punch was made: the raw time, kept as punched (ISO-8601, UTC).',
      examples: ['2026-11-02T13:53:12.000Z'],
    },
    countedAt,
    locationId: locationIdField,
    departmentCodeId: departmentCodeIdField,
    costCodeId: costCodeIdField,
    latitude: nullable(latitude, 'Latitude of the punch, when the device sent one.'),
    longitude: nullable(longitude, 'Longitude of the punch, when the device sent one.'),
    accuracyMeters: nullable(accuracyMeters, "The device's reported accuracy, in metres."),
    source,
    withinGeofence: Type.Union([Type.Boolean(), Type.Null()], {
      description:
        "Whether the punch was inside a geofence of its location (or one assigned to the employee); `null` when no geofence applied: no location, the location's geofence mode is `off`, no coordinates, or no active geofence.",
      examples: [true],
    }),
    distanceMeters: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description:
        'Distance to the nearest applicable geofence centre, in metres (0.1 m); `null` with no verdict.',
      examples: [38.4],
    }),
    geofenceId: Type.Union([Type.String({ pattern: idPattern(GEOFENCES) }), Type.Null()], {
      description:
        'The geofence the verdict rests on: the nearest one containing the punch, else the nearest.',
      examples: [exampleId(GEOFENCES)],
    }),
    timeEntryId: Type.Union([Type.String({ pattern: idPattern(TIME_ENTRIES) }), Type.Null()], {
      description: 'The time entry this punch opened, closed or put a break into.',
      examples: [exampleId(TIME_ENTRIES)],
    }),
    createdAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:00:00.482Z'] }),
    updatedAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:00:00.482Z'] }),
  },
  {
    description:
      'One clock event of an employee, with its raw time (`at`) and the time it counts (`countedAt`). Punches are immutable; correct time on time entries.',
  },
);
export type Punch = Static<typeof PunchSchema>;

export const CreatePunchBody = Type.Object(
  {
    employeeId: { ...employeeIdField, description: 'The employee punching.' },
    type,
    at: Type.Optional(at),
    locationId: Type.Optional(locationIdField),
    departmentCodeId: Type.Optional(departmentCodeIdField),
    costCodeId: Type.Optional(costCodeIdField),
    latitude: Type.Optional(latitude),
    longitude: Type.Optional(longitude),
    accuracyMeters: Type.Optional(accuracyMeters),
    source: Type.Optional({ ...source, default: 'api' }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        employeeId: exampleId(EMPLOYEES),
        type: 'in',
        locationId: exampleId(LOCATIONS),
        latitude: 41.8789,
        longitude: -87.6359,
        accuracyMeters: 12,
      },
    ],
  },
);
export type CreatePunchInput = Static<typeof CreatePunchBody>;

export const ListPunchesQuery = listQuerySchema(PUNCHES, {
  employeeId: Type.Optional({ ...employeeIdField, description: 'Only this employee’s punches.' }),
  locationId: Type.Optional(
    Type.String({
      pattern: idPattern(LOCATIONS),
      description: 'Only punches at this location.',
      examples: [exampleId(LOCATIONS)],
    }),
  ),
  ...timeRangeFilters({
    from: 'Only punches made at or after this instant (ISO-8601), by their raw time `at`.',
    to: 'Only punches made before this instant (ISO-8601), by their raw time `at`.',
  }),
});
export type ListPunchesQueryInput = Static<typeof ListPunchesQuery>;

export function toPunch(row: PunchRow): Punch {
  return {
    id: row.id,
    object: 'punch',
    employeeId: row.employee_id,
    type: row.type,
    at: row.punched_at,
    countedAt: row.counted_at,
    locationId: row.location_id,
    departmentCodeId: row.department_code_id,
    costCodeId: row.cost_code_id,
    latitude: row.latitude,
    longitude: row.longitude,
    accuracyMeters: row.accuracy_meters,
    source: row.source,
    withinGeofence: row.within_geofence === null ? null : fromDbBoolean(row.within_geofence),
    distanceMeters: row.distance_meters,
    geofenceId: row.geofence_id,
    timeEntryId: row.time_entry_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
