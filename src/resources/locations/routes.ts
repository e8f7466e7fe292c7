import { textSearch } from '../../platform/descriptors/projection.js';
import { resourceModule } from '../../platform/http/resource-routes.js';
import { LOCATIONS } from './resource.js';
import { CreateLocationBody, ListLocationsQuery, LocationSchema, UpdateLocationBody } from './schema.js';
import * as locations from './service.js';

export const locationRoutes = resourceModule(LOCATIONS, (routes, ctx) => {
  routes.list(
    {
      description: 'Newest first, cursor-paginated. Filter by `search` and `updatedSince`.',
      querystring: ListLocationsQuery,
      item: LocationSchema,
    },
    (request, principal, page) =>
      locations.listLocations(
        ctx,
        principal.accountId,
        { ...request.query, search: textSearch(principal, LOCATIONS, request.query.search) },
        page,
      ),
  );

  routes.create(
    {
      errors: ['invalid_timezone', 'plan_limit_reached'],
      description:
        "Adds a site. Without `timezone` it takes the account's zone. Trial accounts hold at most 5 locations (403 `plan_limit_reached`).",
      body: CreateLocationBody,
      response: LocationSchema,
    },
    (request, { accountId }) => locations.createLocation(ctx, accountId, request.body),
  );

  routes.retrieve(
    { description: 'One location by id.', response: LocationSchema },
    (request, { accountId }) => locations.getLocation(ctx, accountId, request.params.id),
  );

  routes.update(
    {
      errors: ['invalid_timezone'],
      description:
        'Changes only the fields sent. Send `null` to clear an optional field; coordinates are set or cleared as a pair.',
      body: UpdateLocationBody,
      response: LocationSchema,
    },
    (request, { accountId }) => locations.updateLocation(ctx, accountId, request.params.id, request.body),
  );

  routes.remove(
    {
      errors: ['in_use'],
      description:
        'Removes a location permanently. One that employees, geofences, punches, time entries or shifts name is in use (409 `in_use`).',
    },
    (request, { accountId }) => locations.deleteLocation(ctx, accountId, request.params.id),
  );
});
