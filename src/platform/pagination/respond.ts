import type { FastifyRequest } from 'fastify';

/** One page of a list, as services return it: the objects, whether more follow, and how to count them all. */
export interface Page<T> {
  items: T[];
  hasMore: boolean;
  countTotal: () => Promise<number>;
}

export interface ListEnvelope<T> {
  object: 'list';
  data: T[];
  hasMore: boolean;
  totalCount?: number;
  url: string;
}

/**
 * Builds the latest-shape list envelope. `totalCount` is computed only when asked for; the version layer may
 * still call `countTotal` for versions that always include it.
 */
export async function listEnvelope<T>(
  request: FastifyRequest,
  page: { items: T[]; hasMore: boolean },
  countTotal: () => Promise<number>,
): Promise<ListEnvelope<T>> {
  const url = (request.url.split('?')[0] ?? '').replace(/\/+$/, '');
  request.versionContext.countTotal = countTotal;
  const wantsCount = (request.query as { include?: string } | undefined)?.include === 'totalCount';
  return {
    object: 'list',
    data: page.items,
    hasMore: page.hasMore,
    ...(wantsCount ? { totalCount: await countTotal() } : {}),
    url,
  };
}
