import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import {
  CreateGeofenceBody,
  DeletedGeofenceSchema,
  GeofenceIdParams,
  GeofenceSchema,
  ListGeofencesQuery,
  UpdateGeofenceBody,
} from './schema.js';
import * as geofences from './service.js';

const tags = ['Geofences'];

export function geofenceRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/geofences',
    {
      config: { scope: 'geofences:read', resource: 'geofences' },
      schema: operation(
        {
          operationId: 'listGeofences',
          summary: 'List geofences',
          description: 'Newest first, cursor-paginated. Filter by `locationId`, `active` and `updatedSince`.',
          tags,
        },
        {
          querystring: ListGeofencesQuery,
          response: { 200: listEnvelopeSchema(GeofenceSchema, '/v1/geofences') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { locationId, active, updatedSince } = request.query;
      const page = await geofences.listGeofences(
        ctx,
        accountId,
        { locationId, active, updatedSince },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.post(
    '/geofences',
    {
      config: { scope: 'geofences:write', resource: 'geofences' },
      schema: operation(
        {
          operationId: 'createGeofence',
          summary: 'Create a geofence',
          description:
            'Adds a circle (center and radius) and optionally ties it to a location and to employees, which must exist in the account.',
          tags,
        },
        { body: CreateGeofenceBody, response: { 201: GeofenceSchema } },
      ),
    },
    async (request, reply) => {
      const geofence = await geofences.createGeofence(ctx, principalOf(request).accountId, request.body);
      return reply.code(201).send(geofence);
    },
  );

  api.get(
    '/geofences/:id',
    {
      config: { scope: 'geofences:read', resource: 'geofences' },
      schema: operation(
        {
          operationId: 'getGeofence',
          summary: 'Retrieve a geofence',
          description: 'One geofence by id.',
          tags,
        },
        { params: GeofenceIdParams, response: { 200: GeofenceSchema } },
      ),
    },
    async (request) => geofences.getGeofence(ctx, principalOf(request).accountId, request.params.id),
  );

  api.patch(
    '/geofences/:id',
    {
      config: { scope: 'geofences:write', resource: 'geofences' },
      schema: operation(
        {
          operationId: 'updateGeofence',
          summary: 'Update a geofence',
          description:
            'Changes only the fields sent. `employeeIds` replaces the whole set; `locationId: null` unties it from its location.',
          tags,
        },
        { params: GeofenceIdParams, body: UpdateGeofenceBody, response: { 200: GeofenceSchema } },
      ),
    },
    async (request) =>
      geofences.updateGeofence(ctx, principalOf(request).accountId, request.params.id, request.body),
  );

  api.delete(
    '/geofences/:id',
    {
      config: { scope: 'geofences:write', resource: 'geofences' },
      schema: operation(
        {
          operationId: 'deleteGeofence',
          summary: 'Delete a geofence',
          description:
            'Removes a geofence permanently. One that judged punches is in use (409 `in_use`): deactivate it instead.',
          tags,
        },
        { params: GeofenceIdParams, response: { 200: DeletedGeofenceSchema } },
      ),
    },
    async (request) => {
      await geofences.deleteGeofence(ctx, principalOf(request).accountId, request.params.id);
      return { id: request.params.id, object: 'geofence' as const, deleted: true as const };
    },
  );
}
