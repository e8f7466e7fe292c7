import { textSearch } from '../../platform/descriptors/projection.js';
import { type ResourceModule, resourceModule } from '../../platform/http/resource-routes.js';
import type { CodeCatalogue } from './definition.js';
import { catalogueSchemas } from './schema.js';
import * as entries from './service.js';

/** The five routes of one code catalogue (list, create, retrieve, update, delete). */
export function catalogueRoutes(catalogue: CodeCatalogue): ResourceModule {
  return resourceModule(catalogue, (routes, ctx) => {
    const schemas = catalogueSchemas(catalogue);
    const noun = catalogue.names.one;
    const membersNote = catalogue.hasMembers ? ' `employeeIds` sets the members.' : '';

    routes.list(
      {
        description: 'Newest first, cursor-paginated. Filter by `active`, `search` and `updatedSince`.',
        querystring: schemas.list,
        item: schemas.object,
      },
      (request, principal, page) =>
        entries.listEntries(
          ctx,
          catalogue,
          principal.accountId,
          { ...request.query, search: textSearch(principal, catalogue, request.query.search) },
          page,
        ),
    );

    routes.create(
      {
        errors: ['code_taken'],
        description: `Adds a ${noun}; its code must be unique in the account.${membersNote}`,
        body: schemas.create,
        response: schemas.object,
      },
      (request, { accountId }) => entries.createEntry(ctx, catalogue, accountId, request.body),
    );

    routes.retrieve(
      { description: `One ${noun} by id.`, response: schemas.object },
      (request, { accountId }) => entries.getEntry(ctx, catalogue, accountId, request.params.id),
    );

    routes.update(
      {
        errors: ['code_taken'],
        description: `Changes only the fields sent. Send \`null\` to clear the description.${membersNote}`,
        body: schemas.update,
        response: schemas.object,
      },
      (request, { accountId }) =>
        entries.updateEntry(ctx, catalogue, accountId, request.params.id, request.body),
    );

    routes.remove(
      {
        errors: ['in_use'],
        description: `Removes a ${noun} permanently. One that is in use (409 \`in_use\`) should be deactivated instead.`,
      },
      (request, { accountId }) => entries.deleteEntry(ctx, catalogue, accountId, request.params.id),
    );
  });
}
