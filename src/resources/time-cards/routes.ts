import { resourceModule } from '../../platform/http/resource-routes.js';
import { TIME_CARDS } from './resource.js';
import { ListTimeCardsQuery, TimeCardSchema, UnapproveTimeCardBody } from './schema.js';
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
      description:
        'Marks the card approved, recording the calling key as `approvedBy`. From then on the employee’s time inside the pay period is frozen: creating a punch there, creating, changing or deleting a time entry there, and approving time off there are refused with 409 `time_card_approved` until the card is unapproved. While the employee is on the clock with an entry that runs into the period, the card cannot be approved (409 `time_entry_open`: an open entry counts up to now, so the card would still grow). Approving an approved card changes nothing.',
      errors: ['time_entry_open'],
      response: TimeCardSchema,
    },
    (request, { accountId, keyId }) => timeCards.approveTimeCard(ctx, accountId, request.params.id, keyId),
  );

  routes.action(
    'unapprove',
    {
      access: 'write',
      errors: ['pay_period_locked'],
      description:
        'Withdraws the approval, so the employee’s time inside the pay period can change again. The body is optional; its `reason` is kept on the card (`unapprovalReason`, with `unapprovedBy` and `unapprovedAt`) and sent with the `time_card.unapproved` event. Refused with 409 `pay_period_locked` while its pay period is locked. Unapproving an unapproved card changes nothing (and records no reason).',
      body: UnapproveTimeCardBody,
      bodyOptional: true,
      bodyFields: { reason: 'unapprovalReason' },
      response: TimeCardSchema,
    },
    (request, { accountId, keyId }) =>
      timeCards.unapproveTimeCard(ctx, accountId, request.params.id, keyId, request.body.reason),
  );
});
