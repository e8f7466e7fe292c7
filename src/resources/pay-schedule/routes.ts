import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { operation } from '../../platform/http/route-schema.js';
import { PayScheduleSchema, UpdatePayScheduleBody } from './schema.js';
import * as paySchedule from './service.js';

const tags = ['Pay schedule'];

export function payScheduleRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/pay-schedule',
    {
      config: { scope: 'payperiods:read', resource: 'payperiods' },
      schema: operation(
        {
          operationId: 'getPaySchedule',
          summary: 'Retrieve the pay schedule',
          description:
            'The account’s pay schedule and overtime rule. Until changed: `biweekly`, anchored on Monday 2024-01-01 (workweeks start on Monday), overtime rule `weekly40`.',
          tags,
        },
        { response: { 200: PayScheduleSchema } },
      ),
    },
    async (request) => paySchedule.getPaySchedule(ctx, principalOf(request).accountId),
  );

  api.patch(
    '/pay-schedule',
    {
      config: { scope: 'payperiods:write', resource: 'payperiods' },
      schema: operation(
        {
          operationId: 'updatePaySchedule',
          summary: 'Update the pay schedule',
          description:
            'Changes only the fields sent; `overtimeRule` is replaced as a whole. A new `frequency` or `anchorDate` replaces the pay periods that are not over yet (the current and future ones, with their time cards and approvals) while periods that have ended keep their dates; the first new period starts the day after the last ended one, shortened if the new schedule would start it earlier. If a period that would be replaced is locked, the change is refused with 409 `pay_period_locked`.',
          tags,
        },
        { body: UpdatePayScheduleBody, response: { 200: PayScheduleSchema } },
      ),
    },
    async (request) => paySchedule.updatePaySchedule(ctx, principalOf(request).accountId, request.body),
  );
}
