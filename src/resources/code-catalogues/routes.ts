import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import type { CodeCatalogue } from './definition.js';
import { catalogueSchemas } from './schema.js';
import * as entries from './service.js';

/** The five routes of one code catalogue (list, create, retrieve, update, delete). */
export function catalogueRoutes(app: FastifyInstance, ctx: AppContext, catalogue: CodeCatalogue): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const schemas = catalogueSchemas(catalogue);
  const { path, noun, plural, operationNoun } = catalogue;
  const tags = [catalogue.tag];
  const read = { scope: `${catalogue.scope}:read` as const, resource: catalogue.scope };
  const write = { scope: `${catalogue.scope}:write` as const, resource: catalogue.scope };
  const lowerNoun = noun.toLowerCase();
  const membersNote = catalogue.hasMembers ? ' `employeeIds` sets the members.' : '';

  api.get(
    path,
    {
      config: read,
      schema: operation(
        {
          operationId: `list${operationNoun.many}`,
          summary: `List ${plural}`,
          description: 'Newest first, cursor-paginated. Filter by `active`, `search` and `updatedSince`.',
          tags,
        },
        { querystring: schemas.list, response: { 200: listEnvelopeSchema(schemas.object, `/v1${path}`) } },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { active, search, updatedSince } = request.query;
      const page = await entries.listEntries(
        ctx,
        catalogue,
        accountId,
        { active, search, updatedSince },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.post(
    path,
    {
      config: write,
      schema: operation(
        {
          operationId: `create${operationNoun.one}`,
          summary: `Create a ${lowerNoun}`,
          description: `Adds a ${lowerNoun}; its code must be unique in the account.${membersNote}`,
          tags,
        },
        { body: schemas.create, response: { 201: schemas.object } },
      ),
    },
    async (request, reply) => {
      const entry = await entries.createEntry(ctx, catalogue, principalOf(request).accountId, request.body);
      return reply.code(201).send(entry);
    },
  );

  api.get(
    `${path}/:id`,
    {
      config: read,
      schema: operation(
        {
          operationId: `get${operationNoun.one}`,
          summary: `Retrieve a ${lowerNoun}`,
          description: `One ${lowerNoun} by id.`,
          tags,
        },
        { params: schemas.params, response: { 200: schemas.object } },
      ),
    },
    async (request) => entries.getEntry(ctx, catalogue, principalOf(request).accountId, request.params.id),
  );

  api.patch(
    `${path}/:id`,
    {
      config: write,
      schema: operation(
        {
          operationId: `update${operationNoun.one}`,
          summary: `Update a ${lowerNoun}`,
          description: `Changes only the fields sent. Send \`null\` to clear the description.${membersNote}`,
          tags,
        },
        { params: schemas.params, body: schemas.update, response: { 200: schemas.object } },
      ),
    },
    async (request) =>
      entries.updateEntry(ctx, catalogue, principalOf(request).accountId, request.params.id, request.body),
  );

  api.delete(
    `${path}/:id`,
    {
      config: write,
      schema: operation(
        {
          operationId: `delete${operationNoun.one}`,
          summary: `Delete a ${lowerNoun}`,
          description: `Removes a ${lowerNoun} permanently. One that is in use (409 \`in_use\`) should be deactivated instead.`,
          tags,
        },
        { params: schemas.params, response: { 200: schemas.deleted } },
      ),
    },
    async (request) => {
      await entries.deleteEntry(ctx, catalogue, principalOf(request).accountId, request.params.id);
      return { id: request.params.id, object: catalogue.object, deleted: true as const };
    },
  );
}
