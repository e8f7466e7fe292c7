import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { parseOptionalInstant } from '../../platform/http/instants.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import { LATEST_API_VERSION } from '../../platform/versioning/versions.js';
import { EventIdParams, EventSchema, ListEventsQuery } from './schema.js';
import * as events from './service.js';

const tags = ['Events'];
const config = { scope: 'events:read', resource: 'events' } as const;

/** Events render in the request's version, through the key's field restrictions on the objects they carry. */
function readerOf(request: FastifyRequest): events.EventReader {
  return {
    version: request.apiVersion ?? LATEST_API_VERSION,
    fieldRestrictions: principalOf(request).fieldRestrictions,
  };
}

export function eventRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/events',
    {
      config,
      schema: operation(
        {
          operationId: 'listEvents',
          summary: 'List events',
          description:
            "The account's change feed, newest first and cursor-paginated: every create, update and delete of every resource, deletions included, plus domain events such as `punch.clock_in` (the same events webhooks deliver; test pings excepted). Filter by `type` (`employee.updated`, or `employee.*`) and `createdAfter`. To follow the feed, keep the id of the newest event you have and ask for `endingBefore=<that id>`: you get the events that happened after it, oldest of them last on the page, and `hasMore` tells you to ask again with the first id of the page. Objects are rendered in the request's API version.",
          tags,
        },
        {
          querystring: ListEventsQuery,
          response: { 200: listEnvelopeSchema(EventSchema, '/v1/events') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const page = await events.listEvents(
        ctx,
        accountId,
        {
          types: events.eventTypesOf(request.query.type),
          createdAfter: parseOptionalInstant(request.query.createdAfter, 'createdAfter'),
        },
        pageRequest(request.query),
        readerOf(request),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.get(
    '/events/:id',
    {
      config,
      schema: operation(
        {
          operationId: 'getEvent',
          summary: 'Retrieve an event',
          description: "One event by id, its object rendered in the request's API version.",
          tags,
        },
        { params: EventIdParams, response: { 200: EventSchema } },
      ),
    },
    async (request) =>
      events.getEvent(ctx, principalOf(request).accountId, request.params.id, readerOf(request)),
  );
}
