import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import {
  CreateShiftBody,
  DeletedShiftSchema,
  ListShiftsQuery,
  ShiftIdParams,
  ShiftSchema,
  UpdateShiftBody,
} from './schema.js';
import * as shifts from './service.js';

const tags = ['Shifts'];

export function shiftRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/shifts',
    {
      config: { scope: 'shifts:read', resource: 'shifts' },
      schema: operation(
        {
          operationId: 'listShifts',
          summary: 'List shifts',
          description:
            'Newest first, cursor-paginated. `from` and `to` return the shifts that intersect that range; filter ' +
            'also by `employeeId`, `open`, `locationId`, `published` and `updatedSince`.',
          tags,
        },
        {
          querystring: ListShiftsQuery,
          response: { 200: listEnvelopeSchema(ShiftSchema, '/v1/shifts') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { from, to, employeeId, open, locationId, published, updatedSince } = request.query;
      const page = await shifts.listShifts(
        ctx,
        accountId,
        { from, to, employeeId, open, locationId, published, updatedSince },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.post(
    '/shifts',
    {
      config: { scope: 'shifts:write', resource: 'shifts' },
      schema: operation(
        {
          operationId: 'createShift',
          summary: 'Schedule a shift',
          description:
            'Schedules work for an employee, or an open shift when `employeeId` is omitted. The employee, location ' +
            'and position must exist in the account. Shifts start as drafts unless `published` is true.',
          tags,
        },
        { body: CreateShiftBody, response: { 201: ShiftSchema } },
      ),
    },
    async (request, reply) => {
      const shift = await shifts.createShift(ctx, principalOf(request).accountId, request.body);
      return reply.code(201).send(shift);
    },
  );

  api.get(
    '/shifts/:id',
    {
      config: { scope: 'shifts:read', resource: 'shifts' },
      schema: operation(
        {
          operationId: 'getShift',
          summary: 'Retrieve a shift',
          description: 'One shift by id.',
          tags,
        },
        { params: ShiftIdParams, response: { 200: ShiftSchema } },
      ),
    },
    async (request) => shifts.getShift(ctx, principalOf(request).accountId, request.params.id),
  );

  api.patch(
    '/shifts/:id',
    {
      config: { scope: 'shifts:write', resource: 'shifts' },
      schema: operation(
        {
          operationId: 'updateShift',
          summary: 'Update a shift',
          description:
            'Changes only the fields sent: reassign it (`employeeId: null` makes it an open shift), move it, ' +
            'publish it. Send `null` to clear an optional field.',
          tags,
        },
        { params: ShiftIdParams, body: UpdateShiftBody, response: { 200: ShiftSchema } },
      ),
    },
    async (request) =>
      shifts.updateShift(ctx, principalOf(request).accountId, request.params.id, request.body),
  );

  api.delete(
    '/shifts/:id',
    {
      config: { scope: 'shifts:write', resource: 'shifts' },
      schema: operation(
        {
          operationId: 'deleteShift',
          summary: 'Delete a shift',
          description:
            'Removes a scheduled shift. Recorded time is unaffected: shifts are the plan, not the work.',
          tags,
        },
        { params: ShiftIdParams, response: { 200: DeletedShiftSchema } },
      ),
    },
    async (request) => {
      await shifts.deleteShift(ctx, principalOf(request).accountId, request.params.id);
      return { id: request.params.id, object: 'shift' as const, deleted: true as const };
    },
  );
}
