import { defineResource } from '../../platform/descriptors/descriptor.js';

export const SHIFTS = defineResource({
  scope: { name: 'shifts', label: 'Shifts', writable: true },
  object: 'shift',
  idPrefix: 'shf',
  path: '/shifts',
  names: { one: 'shift', many: 'shifts' },
  tag: { name: 'Shifts', description: 'The schedule: planned work, assigned to an employee or open.' },
  fields: [
    'employeeId',
    'locationId',
    'positionId',
    'start',
    'end',
    'breakMinutes',
    'published',
    'notes',
    'createdAt',
    'updatedAt',
  ],
  restrictable: true,
  events: {
    changes: true,
    domain: {
      published: 'A shift was published to its employee (also sent as shift.created or shift.updated).',
    },
  },
  queries: {
    from: ['start', 'end'],
    to: ['start', 'end'],
    employeeId: ['employeeId'],
    open: ['employeeId'],
    locationId: ['locationId'],
    published: ['published'],
  },
});
