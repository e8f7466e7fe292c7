import { resourceModule } from '../../platform/http/resource-routes.js';
import { GEOFENCES } from './resource.js';
import { CreateGeofenceBody, GeofenceSchema, ListGeofencesQuery, UpdateGeofenceBody } from './schema.js';
import * as geofences from './service.js';

export const geofenceRoutes = resourceModule(GEOFENCES, (routes, ctx) => {
  routes.list(
    {
      description: 'Newest first, cursor-paginated. Filter by `locationId`, `active` and `updatedSince`.',
      querystring: ListGeofencesQuery,
      item: GeofenceSchema,
    },
    (request, { accountId }, page) => geofences.listGeofences(ctx, accountId, request.query, page),
  );

  routes.create(
    {
      description:
        'Adds a circle (center and radius) and optionally ties it to a location and to employees, which must exist in the account.',
      body: CreateGeofenceBody,
      response: GeofenceSchema,
    },
    (request, { accountId }) => geofences.createGeofence(ctx, accountId, request.body),
  );

  routes.retrieve(
    { description: 'One geofence by id.', response: GeofenceSchema },
    (request, { accountId }) => geofences.getGeofence(ctx, accountId, request.params.id),
  );

  routes.update(
    {
      description:
        'Changes only the fields sent. `employeeIds` replaces the whole set; `locationId: null` unties it from its location.',
      body: UpdateGeofenceBody,
      response: GeofenceSchema,
    },
    (request, { accountId }) => geofences.updateGeofence(ctx, accountId, request.params.id, request.body),
  );

  routes.remove(
    {
      errors: ['in_use'],
      description:
        'Removes a geofence permanently. One that judged punches is in use (409 `in_use`): deactivate it instead.',
    },
    (request, { accountId }) => geofences.deleteGeofence(ctx, accountId, request.params.id),
  );
});
