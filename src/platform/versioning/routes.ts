import { Type } from '@sinclair/typebox';
import { resourceModule } from '../http/resource-routes.js';
import { VERSIONS } from './resource.js';
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

/** GET /v1/versions: the versions this server supports, for anyone. */
export const versionRoutes = resourceModule(VERSIONS, (routes) => {
  routes.publicRoute(
    {
      method: 'GET',
      url: '/versions',
      access: 'public',
      operationId: 'listApiVersions',
      summary: 'List API versions',
      description: 'Every supported version, newest first, with the changes it introduced. Needs no key.',
      response: { 200: VersionList },
    },
    () => ({
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
});
