import { defineResource } from '../../platform/descriptors/descriptor.js';

export const GEOFENCES = defineResource({
  scope: { name: 'geofences', label: 'Geofences', writable: true },
  object: 'geofence',
  idPrefix: 'geo',
  path: '/geofences',
  names: { one: 'geofence', many: 'geofences' },
  tag: { name: 'Geofences', description: 'Circles on the map that decide whether a punch happened on site.' },
  fields: [
    'name',
    'latitude',
    'longitude',
    'radiusMeters',
    'active',
    'locationId',
    'employeeIds',
    'createdAt',
    'updatedAt',
  ],
  restrictable: true,
  events: { changes: true, domain: {} },
  queries: { locationId: ['locationId'], active: ['active'] },
});
