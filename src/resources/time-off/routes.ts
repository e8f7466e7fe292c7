import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { TimeOffStatus } from '../../db/tables.js';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import { CreateTimeOffBody, ListTimeOffQuery, TimeOffIdParams, TimeOffSchema } from './schema.js';
import * as timeOff from './service.js';

const tags = ['Time off'];

/** The three decisions a requested request can receive: `POST /v1/time-off/{id}/<verb>`. */
const DECISIONS: readonly {
  verb: 'approve' | 'deny' | 'cancel';
  status: Exclude<TimeOffStatus, 'requested'>;
  operationId: string;
  summary: string;
  description: string;
}[] = [
  {
    verb: 'approve',
    status: 'approved',
    operationId: 'approveTimeOff',
    summary: 'Approve a time-off request',
    description:
      'Approves a requested request: its paid hours then count in time cards. 409 `not_pending` unless it is requested; 409 `pay_period_locked` when its dates touch a locked pay period.',
  },
  {
    verb: 'deny',
    status: 'denied',
    operationId: 'denyTimeOff',
    summary: 'Deny a time-off request',
    description: 'Denies a requested request. 409 `not_pending` unless it is requested.',
  },
  {
    verb: 'cancel',
    status: 'canceled',
    operationId: 'cancelTimeOff',
    summary: 'Cancel a time-off request',
    description: 'Withdraws a requested request. 409 `not_pending` unless it is requested.',
  },
];

export function timeOffRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/time-off',
    {
      config: { scope: 'pto:read', resource: 'pto' },
      schema: operation(
        {
          operationId: 'listTimeOff',
          summary: 'List time-off requests',
          description:
            'Newest first, cursor-paginated. Filter by `employeeId`, `status`, a date range (`from`/`to`: requests overlapping it) and `updatedSince`.',
          tags,
        },
        {
          querystring: ListTimeOffQuery,
          response: { 200: listEnvelopeSchema(TimeOffSchema, '/v1/time-off') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { employeeId, status, from, to, updatedSince } = request.query;
      const page = await timeOff.listTimeOff(
        ctx,
        accountId,
        { employeeId, status, from, to, updatedSince },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.post(
    '/time-off',
    {
      config: { scope: 'pto:write', resource: 'pto' },
      schema: operation(
        {
          operationId: 'requestTimeOff',
          summary: 'Request time off',
          description:
            'Records a request in status `requested`. 404 when the employee does not exist; 409 `pay_period_locked` when the dates touch a locked pay period.',
          tags,
        },
        { body: CreateTimeOffBody, response: { 201: TimeOffSchema } },
      ),
    },
    async (request, reply) => {
      const created = await timeOff.requestTimeOff(ctx, principalOf(request).accountId, request.body);
      return reply.code(201).send(created);
    },
  );

  api.get(
    '/time-off/:id',
    {
      config: { scope: 'pto:read', resource: 'pto' },
      schema: operation(
        {
          operationId: 'getTimeOff',
          summary: 'Retrieve a time-off request',
          description: 'One time-off request by id.',
          tags,
        },
        { params: TimeOffIdParams, response: { 200: TimeOffSchema } },
      ),
    },
    async (request) => timeOff.getTimeOff(ctx, principalOf(request).accountId, request.params.id),
  );

  for (const decision of DECISIONS) {
    api.post(
      `/time-off/:id/${decision.verb}`,
      {
        config: { scope: 'pto:write', resource: 'pto' },
        schema: operation(
          {
            operationId: decision.operationId,
            summary: decision.summary,
            description: decision.description,
            tags,
          },
          { params: TimeOffIdParams, response: { 200: TimeOffSchema } },
        ),
      },
      async (request) =>
        timeOff.decideTimeOff(ctx, principalOf(request).accountId, request.params.id, decision.status),
    );
  }
}
