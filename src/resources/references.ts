import { sql } from 'kysely';
import type { Db } from '../db/tables.js';
import { ApiError, notFound } from '../platform/errors/api-error.js';

/** Tables of API objects that other rows point at by id. */
export type ReferencedTable =
  | 'employees'
  | 'locations'
  | 'department_codes'
  | 'positions'
  | 'groups'
  | 'cost_codes'
  | 'geofences';

/** Tables holding ids of other objects. */
type ReferencingTable =
  | 'employees'
  | 'geofences'
  | 'punches'
  | 'time_entries'
  | 'time_off_requests'
  | 'time_cards'
  | 'shifts'
  | 'employee_locations'
  | 'employee_groups'
  | 'geofence_employees'
  | 'user_locations'
  | 'user_groups';

/** One column that points at an object: a row there makes the object "in use". */
export interface Reference {
  readonly table: ReferencingTable;
  readonly column: string;
  /** How the in_use message names the referencing rows ("punches"). */
  readonly label: string;
}

/**
 * 404 resource_not_found, `param` naming the field, for the first of `ids` that is not an object of the account in
 * `table`. One query whatever the number of ids; run it inside the transaction that stores the link.
 */
export async function assertObjectsExist(
  db: Db,
  accountId: string,
  table: ReferencedTable,
  ids: readonly string[],
  error: { noun: string; param: string },
): Promise<void> {
  if (ids.length === 0) return;
  const found = await db
    .selectFrom(table)
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  const existing = new Set(found.map((row) => row.id));
  const missing = ids.find((id) => !existing.has(id));
  if (missing !== undefined) throw notFound(error.noun, missing, error.param);
}

/** List filters that name an object by id (`?employeeId=`), with the table and noun of their 404. */
const FILTER_OBJECTS = {
  employeeId: { table: 'employees', noun: 'Employee' },
  locationId: { table: 'locations', noun: 'Location' },
} as const satisfies Record<string, { table: ReferencedTable; noun: string }>;

export type ObjectFilter = keyof typeof FILTER_OBJECTS;

/**
 * 404 resource_not_found, `param` naming the filter, for the first list filter (in the order of FILTER_OBJECTS) that
 * names no object of the account: an id of another account answers exactly as one that exists nowhere, and a list
 * filtered on a typo is an error rather than an empty page. One query whatever the number of filters (a UNION ALL of
 * primary-key probes, each with the account filter); none when no filter names an object. Cursors are not filters:
 * they stay positional.
 */
export async function assertFilterObjectsExist(
  db: Db,
  accountId: string,
  filters: Partial<Record<ObjectFilter, string | undefined>>,
): Promise<void> {
  const named = (Object.keys(FILTER_OBJECTS) as ObjectFilter[]).flatMap((param) => {
    const id = filters[param];
    return id ? [{ param, id, ...FILTER_OBJECTS[param] }] : [];
  });
  const [first, ...rest] = named.map(({ table, id }) =>
    db.selectFrom(table).select('id').where('account_id', '=', accountId).where('id', '=', id),
  );
  if (!first) return;
  const found = await rest.reduce((query, probe) => query.unionAll(probe), first).execute();
  const existing = new Set(found.map((row) => row.id));
  const missing = named.find((filter) => !existing.has(filter.id));
  if (missing) throw notFound(missing.noun, missing.id, missing.param);
}

/** The first reference that points at `id` in the account, if any (at most one indexed probe per reference). */
async function firstReferenceTo(
  db: Db,
  accountId: string,
  references: readonly Reference[],
  id: string,
): Promise<Reference | undefined> {
  for (const reference of references) {
    const hit = await db
      .selectFrom(reference.table)
      .select(sql<number>`1`.as('hit'))
      .where('account_id', '=', accountId)
      .where(sql.ref(reference.column), '=', id)
      .limit(1)
      .executeTakeFirst();
    if (hit) return reference;
  }
  return undefined;
}

/**
 * 409 in_use when a row of another table points at the object. Deleting it would leave that row naming an object
 * that no longer exists; `advice` tells the caller what to do instead (deactivate, unassign, ...).
 */
export async function assertNotReferenced(
  db: Db,
  accountId: string,
  references: readonly Reference[],
  object: { noun: string; id: string; advice: string },
): Promise<void> {
  const reference = await firstReferenceTo(db, accountId, references, object.id);
  if (reference) {
    throw new ApiError(
      'in_use',
      `${object.noun} ${object.id} is used by ${reference.label}, so it cannot be deleted; ${object.advice}`,
    );
  }
}

/** Moves `updatedAt` of objects whose API shape changed through a link table (incremental sync must see them). */
export async function touchObjects(
  db: Db,
  accountId: string,
  table: ReferencedTable,
  ids: readonly string[],
  now: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable(table)
    .set({ updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', 'in', [...ids])
    .execute();
}

/** Catalogues a punch, a time entry or a shift may name, with the noun its 404 uses. */
const CATALOGUE_FIELDS = {
  locationId: { table: 'locations', noun: 'Location' },
  departmentCodeId: { table: 'department_codes', noun: 'Department code' },
  costCodeId: { table: 'cost_codes', noun: 'Cost code' },
  positionId: { table: 'positions', noun: 'Position' },
} as const satisfies Record<string, { table: ReferencedTable; noun: string }>;

export type ReferenceField = keyof typeof CATALOGUE_FIELDS;
export type References = Partial<Record<ReferenceField, string | null | undefined>>;

/**
 * 404 resource_not_found, `param` naming the field, for the first named object that does not exist in the account.
 * Run inside the writing transaction so an object deleted meanwhile is not linked.
 */
export async function assertReferencesExist(
  db: Db,
  accountId: string,
  references: References,
): Promise<void> {
  for (const field of Object.keys(CATALOGUE_FIELDS) as ReferenceField[]) {
    const id = references[field];
    if (!id) continue;
    const { table, noun } = CATALOGUE_FIELDS[field];
    await assertObjectsExist(db, accountId, table, [id], { noun, param: field });
  }
}
