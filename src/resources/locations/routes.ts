import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import {
  CreateLocationBody,
  DeletedLocationSchema,
  ListLocationsQuery,
  LocationIdParams,
  LocationSchema,
  UpdateLocationBody,
} from './schema.js';
import * as locations from './service.js';

const tags = ['Locations'];

export function locationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/locations',
    {
      config: { scope: 'locations:read', resource: 'locations' },
      schema: operation(
        {
          operationId: 'listLocations',
          summary: 'List locations',
          description: 'Newest first, cursor-paginated. Filter by `search` and `updatedSince`.',
          tags,
        },
        {
          querystring: ListLocationsQuery,
          response: { 200: listEnvelopeSchema(LocationSchema, '/v1/locations') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { search, updatedSince } = request.query;
      const page = await locations.listLocations(
        ctx,
        accountId,
        { search, updatedSince },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.post(
    '/locations',
    {
      config: { scope: 'locations:write', resource: 'locations' },
      schema: operation(
        {
          operationId: 'createLocation',
          summary: 'Create a location',
          description:
            "Adds a site. Without `timezone` it takes the account's zone. Trial accounts hold at most 5 locations (403 `plan_limit_reached`).",
          tags,
        },
        { body: CreateLocationBody, response: { 201: LocationSchema } },
      ),
    },
    async (request, reply) => {
      const location = await locations.createLocation(ctx, principalOf(request).accountId, request.body);
      return reply.code(201).send(location);
    },
  );

  api.get(
    '/locations/:id',
    {
      config: { scope: 'locations:read', resource: 'locations' },
      schema: operation(
        {
          operationId: 'getLocation',
          summary: 'Retrieve a location',
          description: 'One location by id.',
          tags,
        },
        { params: LocationIdParams, response: { 200: LocationSchema } },
      ),
    },
    async (request) => locations.getLocation(ctx, principalOf(request).accountId, request.params.id),
  );

  api.patch(
    '/locations/:id',
    {
      config: { scope: 'locations:write', resource: 'locations' },
      schema: operation(
        {
          operationId: 'updateLocation',
          summary: 'Update a location',
          description:
            'Changes only the fields sent. Send `null` to clear an optional field; coordinates are set or cleared as a pair.',
          tags,
        },
        { params: LocationIdParams, body: UpdateLocationBody, response: { 200: LocationSchema } },
      ),
    },
    async (request) =>
      locations.updateLocation(ctx, principalOf(request).accountId, request.params.id, request.body),
  );

  api.delete(
    '/locations/:id',
    {
      config: { scope: 'locations:write', resource: 'locations' },
      schema: operation(
        {
          operationId: 'deleteLocation',
          summary: 'Delete a location',
          description:
            'Removes a location permanently. One that employees, geofences, punches, time entries or shifts name is in use (409 `in_use`).',
          tags,
        },
        { params: LocationIdParams, response: { 200: DeletedLocationSchema } },
      ),
    },
    async (request) => {
      await locations.deleteLocation(ctx, principalOf(request).accountId, request.params.id);
      return { id: request.params.id, object: 'location' as const, deleted: true as const };
    },
  );
}
