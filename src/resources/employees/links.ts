import { sql } from 'kysely';
import type { Db } from '../../db/tables.js';

/**
 * A many-to-many link table read from one side: `owner` is the column of the object whose API shape lists the
 * links, `other` the column of the ids it lists.
 */
export interface LinkSide {
  readonly table: 'employee_locations' | 'employee_groups' | 'geofence_employees';
  readonly owner: string;
  readonly other: string;
}

export const EMPLOYEE_LOCATIONS: LinkSide = {
  table: 'employee_locations',
  owner: 'employee_id',
  other: 'location_id',
};
export const EMPLOYEE_GROUPS: LinkSide = {
  table: 'employee_groups',
  owner: 'employee_id',
  other: 'group_id',
};
export const GROUP_MEMBERS: LinkSide = { table: 'employee_groups', owner: 'group_id', other: 'employee_id' };
export const EMPLOYEE_GEOFENCES: LinkSide = {
  table: 'geofence_employees',
  owner: 'employee_id',
  other: 'geofence_id',
};
export const GEOFENCE_EMPLOYEES: LinkSide = {
  table: 'geofence_employees',
  owner: 'geofence_id',
  other: 'employee_id',
};

function selectLinks(db: Db, accountId: string, link: LinkSide, ownerIds: readonly string[]) {
  return db
    .selectFrom(link.table)
    .select([
      sql<string>`${sql.ref(link.owner)}`.as('owner'),
      sql<string>`${sql.ref(link.other)}`.as('other'),
    ])
    .where('account_id', '=', accountId)
    .where(sql.ref(link.owner), 'in', [...ownerIds])
    .execute();
}

/**
 * The linked ids of every owner in `ownerIds`, in one query (a list page loads its links this way, never one
 * query per row). Owners without links map to an empty array; ids come sorted, so the order is stable.
 */
export async function linkedIds(
  db: Db,
  accountId: string,
  link: LinkSide,
  ownerIds: readonly string[],
): Promise<Map<string, string[]>> {
  const byOwner = new Map<string, string[]>(ownerIds.map((id) => [id, []]));
  if (ownerIds.length === 0) return byOwner;
  for (const row of await selectLinks(db, accountId, link, ownerIds)) byOwner.get(row.owner)?.push(row.other);
  // Sorted here, not in SQL: an ORDER BY on the other side's id made SQLite read the links through that side's
  // index, i.e. every link of the account (migration 0010).
  for (const ids of byOwner.values()) ids.sort();
  return byOwner;
}

/**
 * Makes the owner's links exactly `ids` and returns what changed, so the caller can move `updatedAt` of objects on
 * the other side whose own list of links changed. Pass a transaction: it reads, then writes.
 */
export async function replaceLinks(
  db: Db,
  accountId: string,
  link: LinkSide,
  ownerId: string,
  ids: readonly string[],
): Promise<{ added: string[]; removed: string[] }> {
  const current = (await linkedIds(db, accountId, link, [ownerId])).get(ownerId) ?? [];
  const wanted = new Set(ids);
  const existing = new Set(current);
  const removed = current.filter((id) => !wanted.has(id));
  const added = [...wanted].filter((id) => !existing.has(id));
  if (removed.length > 0) {
    await db
      .deleteFrom(link.table)
      .where('account_id', '=', accountId)
      .where(sql.ref(link.owner), '=', ownerId)
      .where(sql.ref(link.other), 'in', removed)
      .execute();
  }
  if (added.length > 0) {
    // The link's columns are chosen at run time, which Kysely's typed insert cannot express; the values stay bound.
    const rows = added.map((id) => sql`(${accountId}, ${ownerId}, ${id})`);
    await sql`insert into ${sql.table(link.table)} (account_id, ${sql.ref(link.owner)}, ${sql.ref(link.other)})
      values ${sql.join(rows)}`.execute(db);
  }
  return { added, removed };
}

/** Removes every link of the owner (it is being deleted) and returns the ids it was linked to. */
export async function removeAllLinks(
  db: Db,
  accountId: string,
  link: LinkSide,
  ownerId: string,
): Promise<string[]> {
  return (await replaceLinks(db, accountId, link, ownerId, [])).removed;
}
