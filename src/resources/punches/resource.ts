import { defineResource } from '../../platform/descriptors/descriptor.js';

export const PUNCHES = defineResource({
  scope: { name: 'punches', label: 'Punches', writable: true },
  object: 'punch',
  idPrefix: 'pun',
  path: '/punches',
  names: { one: 'punch', many: 'punches' },
  tag: {
    name: 'Punches',
    description: 'Clock events (in, out, break start, break end) that move an employee on and off the clock.',
  },
  fields: [
    'employeeId',
    'type',
    'at',
    'countedAt',
    'locationId',
    'departmentCodeId',
    'costCodeId',
    'latitude',
    'longitude',
    'accuracyMeters',
    'source',
    'withinGeofence',
    'distanceMeters',
    'geofenceId',
    'timeEntryId',
    'createdAt',
    'updatedAt',
  ],
  restrictable: true,
  events: {
    changes: true,
    domain: {
      clock_in: 'An employee clocked in (also sent as punch.created).',
      clock_out: 'An employee clocked out (also sent as punch.created).',
      outside_geofence: 'A punch was recorded outside the geofence of a location in `warn` mode.',
    },
  },
  queries: { employeeId: ['employeeId'], locationId: ['locationId'], from: ['at'], to: ['at'] },
});
