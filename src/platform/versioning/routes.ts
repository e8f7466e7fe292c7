import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { operation } from '../http/route-schema.js';
import { API_VERSIONS, LATEST_API_VERSION } from './versions.js';

const VersionList = Type.Object(
  {
    object: Type.Literal('list'),
    latest: Type.String({
      format: 'date',
      description: 'The newest version.',
      examples: [LATEST_API_VERSION],
    }),
    data: Type.Array(
      Type.Object({
        object: Type.Literal('api_version'),
        version: Type.String({
          format: 'date',
          description: 'Send as `X-Api-Version`.',
          examples: ['2026-11-01'],
        }),
        releasedOn: Type.String({ format: 'date', examples: ['2026-11-01'] }),
        summary: Type.String({ examples: ['Lists count on request.'] }),
        changes: Type.Array(
          Type.Object({
            id: Type.String({ examples: ['list_total_count_opt_in'] }),
            summary: Type.String({
              examples: [
                'List responses include `totalCount` only when asked for with `include=totalCount`.',
              ],
            }),
            details: Type.String({ examples: ['Counting every matching row is costly on large tables.'] }),
          }),
          { description: 'What changed from the previous version.' },
        ),
      }),
      { description: 'Supported versions, newest first.' },
    ),
  },
  { description: 'The API versions this server supports.' },
);

export function versionRoutes(app: FastifyInstance): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/versions',
    {
      config: { auth: 'none' },
      schema: operation(
        {
          operationId: 'listApiVersions',
          summary: 'List API versions',
          description: 'Every supported version, newest first, with the changes it introduced. Needs no key.',
          tags: ['Versions'],
        },
        { response: { 200: VersionList } },
        { public: true },
      ),
    },
    async () => ({
      object: 'list' as const,
      latest: LATEST_API_VERSION,
      data: API_VERSIONS.map((v) => ({
        object: 'api_version' as const,
        version: v.version,
        releasedOn: v.releasedOn,
        summary: v.summary,
        changes: v.changes.map(({ id, summary, details }) => ({ id, summary, details })),
      })),
    }),
  );
}
