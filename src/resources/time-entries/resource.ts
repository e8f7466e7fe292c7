import { defineResource } from '../../platform/descriptors/descriptor.js';

export const TIME_ENTRIES = defineResource({
  scope: { name: 'timeentries', label: 'Time Entries', writable: true },
  object: 'time_entry',
  idPrefix: 'ten',
  path: '/time-entries',
  names: { one: 'time entry', many: 'time entries' },
  tag: {
    name: 'Time entries',
    description: 'Worked intervals, from punches or entered by a manager; corrections are made here.',
  },
  fields: [
    'employeeId',
    'start',
    'end',
    'breakSeconds',
    'durationSeconds',
    'status',
    'source',
    'locationId',
    'departmentCodeId',
    'costCodeId',
    'positionId',
    'notes',
    'createdAt',
    'updatedAt',
  ],
  restrictable: true,
  events: { changes: true, domain: {} },
  queries: {
    employeeId: ['employeeId'],
    locationId: ['locationId'],
    status: ['status'],
    from: ['start'],
    to: ['start'],
  },
});
