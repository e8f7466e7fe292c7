import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import { ListTimeCardsQuery, TimeCardIdParams, TimeCardSchema } from './schema.js';
import * as timeCards from './service.js';

const tags = ['Time cards'];

export function timeCardRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/time-cards',
    {
      config: { scope: 'timecards:read', resource: 'timecards' },
      schema: operation(
        {
          operationId: 'listTimeCards',
          summary: 'List time cards',
          description:
            'The cards of one pay period (`payPeriodId`; default: the current period), one per active employee and per employee with time in the period, newest first and cursor-paginated. Narrow with `employeeId` and `updatedSince` (a card changes when it is approved or unapproved, or when its time entries or approved time off change).',
          tags,
        },
        {
          querystring: ListTimeCardsQuery,
          response: { 200: listEnvelopeSchema(TimeCardSchema, '/v1/time-cards') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { payPeriodId, employeeId, updatedSince } = request.query;
      const page = await timeCards.listTimeCards(
        ctx,
        accountId,
        { payPeriodId, employeeId, updatedSince },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.get(
    '/time-cards/:id',
    {
      config: { scope: 'timecards:read', resource: 'timecards' },
      schema: operation(
        {
          operationId: 'getTimeCard',
          summary: 'Retrieve a time card',
          description: 'One time card by id, computed now.',
          tags,
        },
        { params: TimeCardIdParams, response: { 200: TimeCardSchema } },
      ),
    },
    async (request) => timeCards.getTimeCard(ctx, principalOf(request).accountId, request.params.id),
  );

  api.post(
    '/time-cards/:id/approve',
    {
      config: { scope: 'timecards:write', resource: 'timecards' },
      schema: operation(
        {
          operationId: 'approveTimeCard',
          summary: 'Approve a time card',
          description: 'Marks the card approved. Approving an approved card changes nothing.',
          tags,
        },
        { params: TimeCardIdParams, response: { 200: TimeCardSchema } },
      ),
    },
    async (request) =>
      timeCards.setTimeCardApproved(ctx, principalOf(request).accountId, request.params.id, true),
  );

  api.post(
    '/time-cards/:id/unapprove',
    {
      config: { scope: 'timecards:write', resource: 'timecards' },
      schema: operation(
        {
          operationId: 'unapproveTimeCard',
          summary: 'Unapprove a time card',
          description:
            'Withdraws the approval. Refused with 409 `pay_period_locked` while its pay period is locked. Unapproving an unapproved card changes nothing.',
          tags,
        },
        { params: TimeCardIdParams, response: { 200: TimeCardSchema } },
      ),
    },
    async (request) =>
      timeCards.setTimeCardApproved(ctx, principalOf(request).accountId, request.params.id, false),
  );
}
