import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.js';
import { parseOptionalInstant } from '../../http/instants.js';
import { resourceModule } from '../../http/resource-routes.js';
import { LATEST_API_VERSION } from '../../versioning/versions.js';
import { EVENTS } from './resource.js';
import { EventSchema, ListEventsQuery } from './schema.js';
import * as events from './service.js';

/** Events render in the request's version, through the key's permissions on the objects they carry. */
function readerOf(request: FastifyRequest, principal: Principal): events.EventReader {
  return { version: request.apiVersion ?? LATEST_API_VERSION, permissions: principal };
}

export const eventRoutes = resourceModule(EVENTS, (routes, ctx) => {
  routes.list(
    {
      description:
        "The account's change feed, newest first and cursor-paginated: every create, update and delete of every resource, deletions included, plus domain events such as `punch.clock_in` (the same events webhooks deliver; test pings excepted). Filter by `type` (`employee.updated`, or `employee.*`) and `createdAfter`. To follow the feed, keep the id of the newest event you have and ask for `endingBefore=<that id>`: you get the events that happened after it, oldest of them last on the page, and `hasMore` tells you to ask again with the first id of the page. Objects are rendered in the request's API version. A key finds here only the events of resources it may read (`{resource}:read` besides `events:read`), projected through its field restrictions; filtering by the events of a resource it may not read gets 403 `missing_scope`.",
      querystring: ListEventsQuery,
      item: EventSchema,
    },
    (request, principal, page) =>
      events.listEvents(
        ctx,
        principal.accountId,
        {
          types: events.eventTypesOf(ctx.resources, request.query.type, principal),
          createdAfter: parseOptionalInstant(request.query.createdAfter, 'createdAfter'),
        },
        page,
        readerOf(request, principal),
      ),
  );

  routes.retrieve(
    {
      description:
        "One event by id, its object rendered in the request's API version and projected through the key's permissions. An event of a resource the key may not read is not found (404).",
      response: EventSchema,
    },
    (request, principal) =>
      events.getEvent(ctx, principal.accountId, request.params.id, readerOf(request, principal)),
  );
});
