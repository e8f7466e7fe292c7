import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { parseTimeRange } from '../../platform/http/instants.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import {
  CreateTimeEntryBody,
  DeletedTimeEntrySchema,
  ListTimeEntriesQuery,
  TimeEntryIdParams,
  TimeEntrySchema,
  UpdateTimeEntryBody,
} from './schema.js';
import * as timeEntries from './service.js';

const tags = ['Time entries'];

export function timeEntryRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/time-entries',
    {
      config: { scope: 'timeentries:read', resource: 'timeentries' },
      schema: operation(
        {
          operationId: 'listTimeEntries',
          summary: 'List time entries',
          description:
            'Newest first, cursor-paginated. Filter by `employeeId`, `locationId`, `status`, `updatedSince`, and by ' +
            '`from` / `to`: entries that share time with that range (open entries extend to now and beyond).',
          tags,
        },
        {
          querystring: ListTimeEntriesQuery,
          response: { 200: listEnvelopeSchema(TimeEntrySchema, '/v1/time-entries') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { employeeId, locationId, status, updatedSince } = request.query;
      const range = parseTimeRange(request.query);
      const page = await timeEntries.listTimeEntries(
        ctx,
        accountId,
        { employeeId, locationId, status, updatedSince, ...range },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.post(
    '/time-entries',
    {
      config: { scope: 'timeentries:write', resource: 'timeentries' },
      schema: operation(
        {
          operationId: 'createTimeEntry',
          summary: 'Create a time entry',
          description:
            'Records worked time directly, as a manager does from a paper sheet (`source: "manual"`). Without ' +
            '`end` the entry is open and puts the employee on the clock, which is refused while they already are. ' +
            'Entries of one employee never overlap, and time inside a locked pay period cannot be added.',
          tags,
        },
        { body: CreateTimeEntryBody, response: { 201: TimeEntrySchema } },
      ),
    },
    async (request, reply) => {
      const entry = await timeEntries.createTimeEntry(ctx, principalOf(request).accountId, request.body);
      return reply.code(201).send(entry);
    },
  );

  api.get(
    '/time-entries/:id',
    {
      config: { scope: 'timeentries:read', resource: 'timeentries' },
      schema: operation(
        {
          operationId: 'getTimeEntry',
          summary: 'Retrieve a time entry',
          description: 'One time entry by id.',
          tags,
        },
        { params: TimeEntryIdParams, response: { 200: TimeEntrySchema } },
      ),
    },
    async (request) => timeEntries.getTimeEntry(ctx, principalOf(request).accountId, request.params.id),
  );

  api.patch(
    '/time-entries/:id',
    {
      config: { scope: 'timeentries:write', resource: 'timeentries' },
      schema: operation(
        {
          operationId: 'updateTimeEntry',
          summary: 'Update a time entry',
          description:
            'Corrects an entry: changes only the fields sent. Setting `end` on an open entry closes it and takes ' +
            'the employee off the clock; a closed entry cannot be reopened. The old and the new time must both ' +
            'lie outside locked pay periods.',
          tags,
        },
        { params: TimeEntryIdParams, body: UpdateTimeEntryBody, response: { 200: TimeEntrySchema } },
      ),
    },
    async (request) =>
      timeEntries.updateTimeEntry(ctx, principalOf(request).accountId, request.params.id, request.body),
  );

  api.delete(
    '/time-entries/:id',
    {
      config: { scope: 'timeentries:write', resource: 'timeentries' },
      schema: operation(
        {
          operationId: 'deleteTimeEntry',
          summary: 'Delete a time entry',
          description:
            'Removes an entry permanently (refused inside a locked pay period). Deleting an open entry takes the ' +
            'employee off the clock. Punches that made the entry stay on record.',
          tags,
        },
        { params: TimeEntryIdParams, response: { 200: DeletedTimeEntrySchema } },
      ),
    },
    async (request) => {
      await timeEntries.deleteTimeEntry(ctx, principalOf(request).accountId, request.params.id);
      return { id: request.params.id, object: 'time_entry' as const, deleted: true as const };
    },
  );
}
