import { defineResource } from '../../platform/descriptors/descriptor.js';
import { PAY_PERIODS } from '../pay-periods/resource.js';

/**
 * The account's one pay schedule. It is read and written with the pay periods' scope (it makes them), so a field
 * restriction on `payperiods` may name the fields of either; its id is the account's.
 */
export const PAY_SCHEDULE = defineResource({
  scope: PAY_PERIODS.scope,
  object: 'pay_schedule',
  idPrefix: null,
  path: '/pay-schedule',
  names: { one: 'pay schedule', many: 'pay schedules' },
  tag: {
    name: 'Pay schedule',
    description:
      'How pay periods repeat, how worked hours split into regular, overtime and double time, and how punch times are rounded.',
  },
  fields: [
    'frequency',
    'anchorDate',
    'workweekStartsOn',
    'overtimeRule',
    'rounding',
    'createdAt',
    'updatedAt',
  ],
  restrictable: true,
  events: { changes: true, domain: {} },
});
