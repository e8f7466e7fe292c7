import { defineResource } from '../../platform/descriptors/descriptor.js';

export const LOCATIONS = defineResource({
  scope: { name: 'locations', label: 'Locations', writable: true },
  object: 'location',
  idPrefix: 'loc',
  path: '/locations',
  names: { one: 'location', many: 'locations' },
  tag: {
    name: 'Locations',
    description:
      'Sites where employees work: address, time zone, coordinates and how geofences are enforced.',
  },
  fields: [
    'name',
    'address',
    'timezone',
    'latitude',
    'longitude',
    'capacity',
    'geofenceMode',
    'createdAt',
    'updatedAt',
  ],
  restrictable: true,
  events: { changes: true, domain: {} },
  queries: { search: ['name'] },
});
