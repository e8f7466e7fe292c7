import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import { ListPayPeriodsQuery, PayPeriodIdParams, PayPeriodSchema } from './schema.js';
import * as payPeriods from './service.js';

const tags = ['Pay periods'];

export function payPeriodRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/pay-periods',
    {
      config: { scope: 'payperiods:read', resource: 'payperiods' },
      schema: operation(
        {
          operationId: 'listPayPeriods',
          summary: 'List pay periods',
          description:
            'Newest first, cursor-paginated. Periods follow the pay schedule and exist from its anchor (at most about a year back) up to the period after the current one; listing creates any that are due. Filter by `date` (the period containing it) and `updatedSince`.',
          tags,
        },
        {
          querystring: ListPayPeriodsQuery,
          response: { 200: listEnvelopeSchema(PayPeriodSchema, '/v1/pay-periods') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { date, updatedSince } = request.query;
      const page = await payPeriods.listPayPeriods(
        ctx,
        accountId,
        { date, updatedSince },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.get(
    '/pay-periods/:id',
    {
      config: { scope: 'payperiods:read', resource: 'payperiods' },
      schema: operation(
        {
          operationId: 'getPayPeriod',
          summary: 'Retrieve a pay period',
          description: 'One pay period by id.',
          tags,
        },
        { params: PayPeriodIdParams, response: { 200: PayPeriodSchema } },
      ),
    },
    async (request) => payPeriods.getPayPeriod(ctx, principalOf(request).accountId, request.params.id),
  );

  api.post(
    '/pay-periods/:id/lock',
    {
      config: { scope: 'payperiods:write', resource: 'payperiods' },
      schema: operation(
        {
          operationId: 'lockPayPeriod',
          summary: 'Lock a pay period',
          description:
            'Freezes the time inside the period: punches, time entries and time off touching its dates are refused with 409 `pay_period_locked` until it is unlocked. Locking a locked period changes nothing.',
          tags,
        },
        { params: PayPeriodIdParams, response: { 200: PayPeriodSchema } },
      ),
    },
    async (request) =>
      payPeriods.setPayPeriodLocked(ctx, principalOf(request).accountId, request.params.id, true),
  );

  api.post(
    '/pay-periods/:id/unlock',
    {
      config: { scope: 'payperiods:write', resource: 'payperiods' },
      schema: operation(
        {
          operationId: 'unlockPayPeriod',
          summary: 'Unlock a pay period',
          description:
            'Allows changes of time inside the period again. Unlocking an unlocked period changes nothing.',
          tags,
        },
        { params: PayPeriodIdParams, response: { 200: PayPeriodSchema } },
      ),
    },
    async (request) =>
      payPeriods.setPayPeriodLocked(ctx, principalOf(request).accountId, request.params.id, false),
  );
}
