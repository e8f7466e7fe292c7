import { type SelectQueryBuilder, sql } from 'kysely';
import { ApiError } from '../errors/api-error.js';

export interface PageRequest {
  readonly limit: number;
  readonly startingAfter?: string | undefined;
  readonly endingBefore?: string | undefined;
}

export function pageRequest(query: {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
}): PageRequest {
  if (query.startingAfter && query.endingBefore) {
    throw new ApiError('parameter_invalid', 'Use startingAfter or endingBefore, not both.', {
      param: 'endingBefore',
    });
  }
  return { limit: query.limit, startingAfter: query.startingAfter, endingBefore: query.endingBefore };
}

/**
 * Keyset pagination on the time-ordered id: newest first, one row more than asked to know `hasMore`.
 * Cost does not grow with depth: each page is an index range scan from the cursor.
 */
export function keysetPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: PageRequest,
  idColumn: string,
): SelectQueryBuilder<DB, TB, O> {
  const id = sql.ref(idColumn);
  if (page.endingBefore) {
    return query
      .where(id, '>', page.endingBefore)
      .orderBy(id, 'asc')
      .limit(page.limit + 1);
  }
  const after = page.startingAfter ? query.where(id, '<', page.startingAfter) : query;
  return after.orderBy(id, 'desc').limit(page.limit + 1);
}

/** Trims the extra row and restores newest-first order for `endingBefore` pages. */
export function pageOf<T>(rows: T[], page: PageRequest): { items: T[]; hasMore: boolean } {
  const hasMore = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  if (page.endingBefore) items.reverse();
  return { items, hasMore };
}
