import { defineResource } from '../../platform/descriptors/descriptor.js';

export const TIME_OFF = defineResource({
  scope: { name: 'pto', label: 'Time Off', writable: true },
  object: 'time_off',
  idPrefix: 'tof',
  path: '/time-off',
  names: { one: 'time-off request', many: 'time-off requests' },
  tag: { name: 'Time off', description: 'Requests for vacation, sick and other leave, and their approval.' },
  fields: [
    'employeeId',
    'type',
    'startDate',
    'endDate',
    'hoursPerDay',
    'note',
    'status',
    'decidedAt',
    'createdAt',
    'updatedAt',
  ],
  restrictable: true,
  events: {
    changes: true,
    domain: {
      requested: 'A time-off request was made (also sent as time_off.created).',
      approved: 'A time-off request was approved (also sent as time_off.updated).',
      denied: 'A time-off request was denied (also sent as time_off.updated).',
      canceled: 'A time-off request was canceled (also sent as time_off.updated).',
    },
  },
  queries: {
    employeeId: ['employeeId'],
    status: ['status'],
    from: ['startDate', 'endDate'],
    to: ['startDate', 'endDate'],
  },
});
