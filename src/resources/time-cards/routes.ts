import { resourceModule } from '../../platform/http/resource-routes.js';
import { TIME_CARDS } from './resource.js';
import { ListTimeCardsQuery, TimeCardSchema } from './schema.js';
import * as timeCards from './service.js';

export const timeCardRoutes = resourceModule(TIME_CARDS, (routes, ctx) => {
  routes.list(
    {
      description:
        'The cards of one pay period (`payPeriodId`; default: the current period), one per active employee and per employee with time in the period, newest first and cursor-paginated. Narrow with `employeeId` and `updatedSince` (a card changes when it is approved or unapproved, or when its time entries or approved time off change).',
      querystring: ListTimeCardsQuery,
      item: TimeCardSchema,
    },
    (request, { accountId }, page) => timeCards.listTimeCards(ctx, accountId, request.query, page),
  );

  routes.retrieve(
    { description: 'One time card by id, computed now.', response: TimeCardSchema },
    (request, { accountId }) => timeCards.getTimeCard(ctx, accountId, request.params.id),
  );

  routes.action(
    'approve',
    {
      access: 'write',
      description: 'Marks the card approved. Approving an approved card changes nothing.',
      response: TimeCardSchema,
    },
    (request, { accountId }) => timeCards.setTimeCardApproved(ctx, accountId, request.params.id, true),
  );

  routes.action(
    'unapprove',
    {
      access: 'write',
      errors: ['pay_period_locked'],
      description:
        'Withdraws the approval. Refused with 409 `pay_period_locked` while its pay period is locked. Unapproving an unapproved card changes nothing.',
      response: TimeCardSchema,
    },
    (request, { accountId }) => timeCards.setTimeCardApproved(ctx, accountId, request.params.id, false),
  );
});
