import { defineResource } from '../../platform/descriptors/descriptor.js';

export const TIME_CARDS = defineResource({
  scope: { name: 'timecards', label: 'Time Cards', writable: true },
  object: 'time_card',
  idPrefix: 'tcd',
  path: '/time-cards',
  names: { one: 'time card', many: 'time cards' },
  tag: {
    name: 'Time cards',
    description:
      'Per employee per pay period: worked, regular, overtime, double-time and PTO seconds, day by day.',
  },
  fields: [
    'employeeId',
    'payPeriodId',
    'periodStart',
    'periodEnd',
    'workedSeconds',
    'regularSeconds',
    'overtimeSeconds',
    'doubleTimeSeconds',
    'ptoSeconds',
    'approved',
    'approvedAt',
    'approvedBy',
    'unapprovedAt',
    'unapprovedBy',
    'unapprovalReason',
    'days',
    'createdAt',
    'updatedAt',
  ],
  restrictable: true,
  events: {
    changes: true,
    domain: {
      approved: 'A time card was approved (also sent as time_card.updated).',
      unapproved:
        'A time card’s approval was withdrawn; `unapprovedBy` and `unapprovalReason` say by whom and why (also sent as time_card.updated).',
    },
  },
  queries: { payPeriodId: ['payPeriodId'], employeeId: ['employeeId'] },
});
