import { type Static, Type } from '@sinclair/typebox';
import type { LocationRow } from '../../db/tables.js';
import { objectSchema, writeBodies } from '../../platform/descriptors/object-schema.js';
import { NOT_BLANK } from '../../platform/http/text.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { LOCATIONS } from './resource.js';

const GEOFENCE_MODES = ['off', 'warn', 'block'] as const;
const LOCATION_ID_EXAMPLE = exampleId(LOCATIONS);

/** Decimal degrees (WGS 84); shared with geofences. */
export const latitude = Type.Number({
  minimum: -90,
  maximum: 90,
  description: 'Latitude in decimal degrees (WGS 84), −90 to 90.',
  examples: [41.8781],
});
export const longitude = Type.Number({
  minimum: -180,
  maximum: 180,
  description: 'Longitude in decimal degrees (WGS 84), −180 to 180.',
  examples: [-87.6298],
});
const nullableLatitude = Type.Union([latitude, Type.Null()], {
  description: 'Latitude in decimal degrees (WGS 84), −90 to 90. Set together with `longitude`, or neither.',
  examples: [41.8781],
});
const nullableLongitude = Type.Union([longitude, Type.Null()], {
  description:
    'Longitude in decimal degrees (WGS 84), −180 to 180. Set together with `latitude`, or neither.',
  examples: [-87.6298],
});

const name = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: NOT_BLANK,
  description: 'Display name.',
  examples: ['Chicago warehouse'],
});
const address = Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()], {
  description: 'Postal address, free form.',
  examples: ['1200 W Fulton Market, Chicago, IL 60607'],
});
const timezone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: "IANA time zone of the site; the account's zone when none is given on creation.",
  examples: ['America/Chicago'],
});
const capacity = Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
  description: 'How many people the site holds at once, for planning.',
  examples: [40],
});
const geofenceMode = Type.Union(
  GEOFENCE_MODES.map((mode) => Type.Literal(mode)),
  {
    description:
      'What happens to a punch outside the geofences of this location: `off` ignores them, `warn` records the punch with a flag, `block` refuses it (403 `outside_geofence`).',
    examples: ['warn'],
  },
);

/** The fields a create or an update may set: the object lists them, and the bodies are made of them. */
const WRITABLE = {
  name,
  address,
  timezone,
  latitude: nullableLatitude,
  longitude: nullableLongitude,
  capacity,
  geofenceMode,
};

export const LocationSchema = objectSchema(
  LOCATIONS,
  {
    id: Type.String({ pattern: idPattern(LOCATIONS), examples: [LOCATION_ID_EXAMPLE] }),
    object: Type.Literal('location'),
    ...WRITABLE,
    createdAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
    updatedAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
  },
  { description: 'A site where employees work and punch.' },
);
export type Location = Static<typeof LocationSchema>;

const bodies = writeBodies(WRITABLE, {
  required: ['name'],
  defaults: { geofenceMode: 'off' },
  createExamples: [
    {
      name: 'Chicago warehouse',
      address: '1200 W Fulton Market, Chicago, IL 60607',
      timezone: 'America/Chicago',
      latitude: 41.8868,
      longitude: -87.6598,
      geofenceMode: 'warn',
    },
  ],
  updateExamples: [{ geofenceMode: 'block' }],
});
export const CreateLocationBody = bodies.create;
export type CreateLocationInput = Static<typeof CreateLocationBody>;
export const UpdateLocationBody = bodies.update;
export type UpdateLocationInput = Static<typeof UpdateLocationBody>;

export const ListLocationsQuery = listQuerySchema(LOCATIONS, {
  search: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Case-insensitive match on the name.',
      examples: ['warehouse'],
    }),
  ),
});

export function toLocation(row: LocationRow): Location {
  return {
    id: row.id,
    object: 'location',
    name: row.name,
    address: row.address,
    timezone: row.timezone,
    latitude: row.latitude,
    longitude: row.longitude,
    capacity: row.capacity,
    geofenceMode: row.geofence_mode,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
