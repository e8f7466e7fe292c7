import { type TProperties, type TSchema, Type } from '@sinclair/typebox';
import { exampleId, type IdKind, idPattern } from '../../shared/ids.js';

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;

/** Query parameters every list accepts (DESIGN §3.4), plus the resource's own filters. */
export function listQuerySchema<F extends TProperties>(kind: IdKind, filters: F) {
  const cursor = (description: string) =>
    Type.Optional(
      Type.String({
        pattern: idPattern(kind),
        description,
        examples: [exampleId(kind)],
      }),
    );
  return Type.Object(
    {
      limit: Type.Integer({
        minimum: 1,
        maximum: MAX_LIMIT,
        default: DEFAULT_LIMIT,
        description: `How many objects to return, 1–${MAX_LIMIT}.`,
      }),
      startingAfter: cursor(
        'Cursor: return objects after (older than) this id. Use the last id of the previous page.',
      ),
      endingBefore: cursor(
        'Cursor: return objects before (newer than) this id. Use the first id of the current page.',
      ),
      updatedSince: Type.Optional(
        Type.String({
          format: 'date-time',
          description: 'Only objects changed at or after this time (ISO-8601): for incremental sync.',
          examples: ['2026-11-01T00:00:00Z'],
        }),
      ),
      include: Type.Optional(
        Type.Literal('totalCount', {
          description:
            'Set to `totalCount` to include the number of matching objects (from version 2026-11-01 on).',
        }),
      ),
      ...filters,
    },
    { additionalProperties: false },
  );
}

/** The list envelope: `{ object: "list", data, hasMore, totalCount?, url }`. */
export function listEnvelopeSchema(item: TSchema, url: string) {
  return Type.Object(
    {
      object: Type.Literal('list'),
      data: Type.Array(item),
      hasMore: Type.Boolean({
        description: 'Whether more objects exist beyond this page in the direction of travel.',
      }),
      totalCount: Type.Optional(
        Type.Integer({
          description:
            'Number of objects matching the filters (with include=totalCount, or always in 2025-03-01).',
        }),
      ),
      url: Type.String({ examples: [url] }),
    },
    { description: 'A page of objects, newest first.' },
  );
}
