import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/tables.js';
import { type PageRequest, pageOf } from './keyset.js';

/** One page of a list, as services return it: the objects, whether more follow, and how to count them all. */
export interface Page<T> {
  items: T[];
  hasMore: boolean;
  countTotal: () => Promise<number>;
}

/**
 * A page of API objects from the rows a keyset query returned (one more than the page, to tell whether more follow),
 * with the count of every matching object, made only when someone asks for it.
 */
export async function pageOfObjects<Row, T>(
  rows: Row[],
  page: PageRequest,
  toObjects: (rows: Row[]) => T[] | Promise<T[]>,
  countTotal: () => Promise<number>,
): Promise<Page<T>> {
  const { items, hasMore } = pageOf(rows, page);
  return { items: await toObjects(items), hasMore, countTotal };
}

/**
 * The list operation of a service: a page of the account's rows matching the filters, from the repository's page
 * query, as API objects, with their total counted only when someone asks for it. `checkFilters` runs first, to
 * refuse filters that name no object of the account (404) instead of answering an empty page.
 */
export function listing<Filters, Row, T>(
  list: (db: Db, accountId: string, filters: Filters, page: PageRequest) => Promise<Row[]>,
  count: (db: Db, accountId: string, filters: Filters) => Promise<number>,
  toObjects: (rows: Row[], db: Db, accountId: string) => T[] | Promise<T[]>,
  checkFilters?: (db: Db, accountId: string, filters: Filters) => Promise<void>,
): (
  ctx: { readonly database: { readonly db: Db } },
  accountId: string,
  filters: Filters,
  page: PageRequest,
) => Promise<Page<T>> {
  return async (ctx, accountId, filters, page) => {
    const { db } = ctx.database;
    if (checkFilters) await checkFilters(db, accountId, filters);
    return pageOfObjects(
      await list(db, accountId, filters, page),
      page,
      (rows) => toObjects(rows, db, accountId),
      () => count(db, accountId, filters),
    );
  };
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
