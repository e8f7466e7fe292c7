import { type SelectQueryBuilder, sql } from 'kysely';
import { toCount } from '../../db/columns.js';
import type { Database, Db, EventRow } from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../pagination/keyset.js';
import { PING } from './catalogue.js';

/** The events table: the outbox writes it, the feed and the dispatcher read it. */

export interface EventFilters {
  /** Any of these types (none: no event); undefined for every type. */
  types?: readonly string[] | undefined;
  /** Strictly after this stored instant. */
  createdAfter?: string | undefined;
}

export async function insertEvents(db: Db, rows: readonly EventRow[]): Promise<void> {
  await db.insertInto('events').values(rows).execute();
}

/** The account's newest event id, if it has events. */
export async function lastEventId(db: Db, accountId: string): Promise<string | undefined> {
  const last = await db
    .selectFrom('events')
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.id;
}

/** The feed: the account's events but `ping`, which goes to one endpoint as a test and is never part of it. */
function feed<O>(
  query: SelectQueryBuilder<Database, 'events', O>,
  accountId: string,
  filters: EventFilters,
): SelectQueryBuilder<Database, 'events', O> {
  let q = query.where('account_id', '=', accountId).where('type', '!=', PING);
  if (filters.types) {
    q = filters.types.length > 0 ? q.where('type', 'in', filters.types) : q.where(sql<boolean>`1 = 0`);
  }
  if (filters.createdAfter) q = q.where('created_at', '>', filters.createdAfter);
  return q;
}

export async function findFeedEvent(db: Db, accountId: string, id: string): Promise<EventRow | undefined> {
  return feed(db.selectFrom('events').selectAll(), accountId, {}).where('id', '=', id).executeTakeFirst();
}

export async function listFeedEvents(
  db: Db,
  accountId: string,
  filters: EventFilters,
  page: PageRequest,
): Promise<EventRow[]> {
  return keysetPage(feed(db.selectFrom('events').selectAll(), accountId, filters), page, 'id').execute();
}

export async function countFeedEvents(db: Db, accountId: string, filters: EventFilters): Promise<number> {
  const row = await feed(
    db.selectFrom('events').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}
