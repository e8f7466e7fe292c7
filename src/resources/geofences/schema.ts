import { type Static, Type } from '@sinclair/typebox';
import { fromDbBoolean } from '../../db/columns.js';
import type { GeofenceRow } from '../../db/tables.js';
import { objectSchema, writeBodies } from '../../platform/descriptors/object-schema.js';
import { NOT_BLANK } from '../../platform/http/text.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { EMPLOYEES } from '../employees/resource.js';
import { LOCATIONS } from '../locations/resource.js';
import { latitude, longitude } from '../locations/schema.js';
import { GEOFENCES } from './resource.js';

const GEOFENCE_ID_EXAMPLE = exampleId(GEOFENCES);
const LOCATION_ID_EXAMPLE = exampleId(LOCATIONS);

const name = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: NOT_BLANK,
  description: 'Display name.',
  examples: ['Warehouse yard'],
});
const radiusMeters = Type.Integer({
  minimum: 50,
  maximum: 5000,
  description: 'Radius of the circle around the center, in metres (50–5000).',
  examples: [150],
});
const active = Type.Boolean({
  description: 'Inactive geofences are ignored when punches are checked.',
  examples: [true],
});
const locationId = Type.Union([Type.String({ pattern: idPattern(LOCATIONS) }), Type.Null()], {
  description: 'The location whose punches this geofence checks; null for one that applies to no location.',
  examples: [LOCATION_ID_EXAMPLE],
});
const employeeIds = Type.Array(Type.String({ pattern: idPattern(EMPLOYEES) }), {
  uniqueItems: true,
  maxItems: 1000,
  description: 'Employees the geofence is assigned to. Sending it replaces the whole set.',
  examples: [[exampleId(EMPLOYEES)]],
});

export const GeofenceSchema = objectSchema(
  GEOFENCES,
  {
    id: Type.String({ pattern: idPattern(GEOFENCES), examples: [GEOFENCE_ID_EXAMPLE] }),
    object: Type.Literal('geofence'),
    name,
    latitude: { ...latitude, description: 'Latitude of the center in decimal degrees (WGS 84).' },
    longitude: { ...longitude, description: 'Longitude of the center in decimal degrees (WGS 84).' },
    radiusMeters,
    active,
    locationId,
    employeeIds,
    createdAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
    updatedAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
  },
  { description: 'A circle on the map inside which punches count as on site.' },
);
export type Geofence = Static<typeof GeofenceSchema>;

const bodies = writeBodies(
  { name, latitude, longitude, radiusMeters, active, locationId, employeeIds },
  {
    required: ['name', 'latitude', 'longitude', 'radiusMeters'],
    defaults: { active: true },
    createExamples: [{ name: 'Warehouse yard', latitude: 41.8868, longitude: -87.6598, radiusMeters: 150 }],
    updateExamples: [{ radiusMeters: 250 }],
  },
);
export const CreateGeofenceBody = bodies.create;
export type CreateGeofenceInput = Static<typeof CreateGeofenceBody>;
export const UpdateGeofenceBody = bodies.update;
export type UpdateGeofenceInput = Static<typeof UpdateGeofenceBody>;

export const ListGeofencesQuery = listQuerySchema(GEOFENCES, {
  locationId: Type.Optional(
    Type.String({
      pattern: idPattern(LOCATIONS),
      description: 'Only geofences of this location.',
      examples: [LOCATION_ID_EXAMPLE],
    }),
  ),
  active: Type.Optional(
    Type.Boolean({ description: 'Only active (`true`) or inactive (`false`) geofences.' }),
  ),
});

export function toGeofence(row: GeofenceRow, employeeIds: readonly string[]): Geofence {
  return {
    id: row.id,
    object: 'geofence',
    name: row.name,
    latitude: row.latitude,
    longitude: row.longitude,
    radiusMeters: row.radius_meters,
    active: fromDbBoolean(row.active),
    locationId: row.location_id,
    employeeIds: [...employeeIds],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
