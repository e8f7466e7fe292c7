import { defineResource } from '../../platform/descriptors/descriptor.js';

export const PAY_PERIODS = defineResource({
  scope: { name: 'payperiods', label: 'Pay Periods', writable: true },
  object: 'pay_period',
  idPrefix: 'ppd',
  path: '/pay-periods',
  names: { one: 'pay period', many: 'pay periods' },
  tag: {
    name: 'Pay periods',
    description: 'The periods of the pay schedule; locking one freezes the time inside it.',
  },
  fields: ['startDate', 'endDate', 'locked', 'lockedAt', 'createdAt', 'updatedAt'],
  restrictable: true,
  events: {
    changes: true,
    domain: {
      locked: 'A pay period was locked: its time can no longer change (also sent as pay_period.updated).',
    },
  },
  queries: { date: ['startDate', 'endDate'] },
});
