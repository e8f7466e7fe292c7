import type { SelectQueryBuilder } from 'kysely';
import { toCount } from '../../db/columns.js';
import type { Database, Db, EventRow } from '../../db/tables.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';

export interface EventFilters {
  /** Any of these types; undefined for every type. */
  types?: readonly string[] | undefined;
  /** Strictly after this stored instant. */
  createdAfter?: string | undefined;
}

/** `ping` goes to one endpoint as a test and is never part of the feed. */
const NOT_IN_FEED = 'ping';

function filtered<O>(
  query: SelectQueryBuilder<Database, 'events', O>,
  accountId: string,
  filters: EventFilters,
): SelectQueryBuilder<Database, 'events', O> {
  let q = query.where('account_id', '=', accountId).where('type', '!=', NOT_IN_FEED);
  if (filters.types) q = q.where('type', 'in', filters.types);
  if (filters.createdAfter) q = q.where('created_at', '>', filters.createdAfter);
  return q;
}

export async function findEvent(db: Db, accountId: string, id: string): Promise<EventRow | undefined> {
  return filtered(db.selectFrom('events').selectAll(), accountId, {}).where('id', '=', id).executeTakeFirst();
}

export async function listEvents(
  db: Db,
  accountId: string,
  filters: EventFilters,
  page: PageRequest,
): Promise<EventRow[]> {
  return keysetPage(filtered(db.selectFrom('events').selectAll(), accountId, filters), page, 'id').execute();
}

export async function countEvents(db: Db, accountId: string, filters: EventFilters): Promise<number> {
  const row = await filtered(
    db.selectFrom('events').select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}
