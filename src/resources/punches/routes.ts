import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { parseTimeRange } from '../../platform/http/instants.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import { CreatePunchBody, ListPunchesQuery, PunchIdParams, PunchSchema } from './schema.js';
import * as punches from './service.js';

const tags = ['Punches'];

export function punchRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/punches',
    {
      config: { scope: 'punches:read', resource: 'punches' },
      schema: operation(
        {
          operationId: 'listPunches',
          summary: 'List punches',
          description:
            'Newest first, cursor-paginated. Filter by `employeeId`, `locationId`, `updatedSince`, and by the ' +
            'punch time with `from` (inclusive) and `to` (exclusive).',
          tags,
        },
        {
          querystring: ListPunchesQuery,
          response: { 200: listEnvelopeSchema(PunchSchema, '/v1/punches') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { employeeId, locationId, updatedSince } = request.query;
      const range = parseTimeRange(request.query);
      const page = await punches.listPunches(
        ctx,
        accountId,
        { employeeId, locationId, updatedSince, ...range },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.post(
    '/punches',
    {
      config: { scope: 'punches:write', resource: 'punches' },
      schema: operation(
        {
          operationId: 'createPunch',
          summary: 'Record a punch',
          description:
            'Clocks an employee in or out, or starts or ends a break, and keeps their time entry in step: `in` ' +
            'opens an entry, `out` closes it, breaks are subtracted from its duration. A punch that does not fit ' +
            'the employee’s clock state is refused with 409 (`already_clocked_in`, `not_clocked_in`, ' +
            '`already_on_break`, `not_on_break`), as is one in a locked pay period (`pay_period_locked`). At a ' +
            'location whose geofence mode is `warn` the verdict is recorded; in mode `block` a punch outside its ' +
            'geofences is refused with 403 `outside_geofence` and nothing is stored.',
          tags,
        },
        { body: CreatePunchBody, response: { 201: PunchSchema } },
      ),
    },
    async (request, reply) => {
      const punch = await punches.recordPunch(ctx, principalOf(request).accountId, request.body);
      return reply.code(201).send(punch);
    },
  );

  api.get(
    '/punches/:id',
    {
      config: { scope: 'punches:read', resource: 'punches' },
      schema: operation(
        {
          operationId: 'getPunch',
          summary: 'Retrieve a punch',
          description: 'One punch by id. Punches are immutable; corrections are made on time entries.',
          tags,
        },
        { params: PunchIdParams, response: { 200: PunchSchema } },
      ),
    },
    async (request) => punches.getPunch(ctx, principalOf(request).accountId, request.params.id),
  );
}
