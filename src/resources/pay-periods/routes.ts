import { resourceModule } from '../../platform/http/resource-routes.js';
import { PAY_PERIODS } from './resource.js';
import { ListPayPeriodsQuery, PayPeriodSchema } from './schema.js';
import * as payPeriods from './service.js';

export const payPeriodRoutes = resourceModule(PAY_PERIODS, (routes, ctx) => {
  routes.list(
    {
      description:
        'Newest first, cursor-paginated. Periods follow the pay schedule and exist from its anchor (at most about a year back) up to the period after the current one; listing creates any that are due. Filter by `date` (the period containing it) and `updatedSince`.',
      querystring: ListPayPeriodsQuery,
      item: PayPeriodSchema,
    },
    (request, { accountId }, page) => payPeriods.listPayPeriods(ctx, accountId, request.query, page),
  );

  routes.retrieve(
    { description: 'One pay period by id.', response: PayPeriodSchema },
    (request, { accountId }) => payPeriods.getPayPeriod(ctx, accountId, request.params.id),
  );

  routes.action(
    'lock',
    {
      access: 'write',
      description:
        'Freezes the time inside the period: punches, time entries and time off touching its dates are refused with 409 `pay_period_locked` until it is unlocked. Locking a locked period changes nothing.',
      response: PayPeriodSchema,
    },
    (request, { accountId }) => payPeriods.setPayPeriodLocked(ctx, accountId, request.params.id, true),
  );

  routes.action(
    'unlock',
    {
      access: 'write',
      description:
        'Allows changes of time inside the period again. Unlocking an unlocked period changes nothing.',
      response: PayPeriodSchema,
    },
    (request, { accountId }) => payPeriods.setPayPeriodLocked(ctx, accountId, request.params.id, false),
  );
});
