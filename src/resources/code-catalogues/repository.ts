import { type SelectQueryBuilder, sql } from 'kysely';
import { containsTextInAny, toCount, toDbBoolean } from '../../db/columns.js';
import type { CodeCatalogueRow, CodeCatalogueTable, Database, Db } from '../../db/tables.js';
import type { TextSearch } from '../../platform/descriptors/projection.js';
import { keysetPage, type PageRequest } from '../../platform/pagination/keyset.js';
import type { CatalogueTable } from './definition.js';

export interface CatalogueFilters {
  active?: boolean | undefined;
  search?: TextSearch | undefined;
  updatedSince?: string | undefined;
}

export type CatalogueUpdate = Partial<Omit<CodeCatalogueTable, 'id' | 'account_id' | 'created_at'>>;

/** The account filter and the list filters, shared by the page query and the count. */
function filtered<O>(
  query: SelectQueryBuilder<Database, CatalogueTable, O>,
  accountId: string,
  filters: CatalogueFilters,
): SelectQueryBuilder<Database, CatalogueTable, O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.active !== undefined) q = q.where('active', '=', toDbBoolean(filters.active));
  if (filters.updatedSince) q = q.where('updated_at', '>=', filters.updatedSince);
  if (filters.search) {
    q = q.where(containsTextInAny({ code: sql.ref('code'), name: sql.ref('name') }, filters.search));
  }
  return q;
}

export async function insertEntry(db: Db, table: CatalogueTable, row: CodeCatalogueRow): Promise<void> {
  await db.insertInto(table).values(row).execute();
}

export async function findEntry(
  db: Db,
  table: CatalogueTable,
  accountId: string,
  id: string,
): Promise<CodeCatalogueRow | undefined> {
  return db
    .selectFrom(table)
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The entries of the account among `ids` (ids of no such entry are skipped). */
export async function findEntries(
  db: Db,
  table: CatalogueTable,
  accountId: string,
  ids: readonly string[],
): Promise<CodeCatalogueRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom(table)
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

export async function listEntries(
  db: Db,
  table: CatalogueTable,
  accountId: string,
  filters: CatalogueFilters,
  page: PageRequest,
): Promise<CodeCatalogueRow[]> {
  return keysetPage(filtered(db.selectFrom(table).selectAll(), accountId, filters), page, 'id').execute();
}

export async function countEntries(
  db: Db,
  table: CatalogueTable,
  accountId: string,
  filters: CatalogueFilters,
): Promise<number> {
  const row = await filtered(
    db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')),
    accountId,
    filters,
  ).executeTakeFirstOrThrow();
  return toCount(row.n);
}

export async function updateEntry(
  db: Db,
  table: CatalogueTable,
  accountId: string,
  id: string,
  changes: CatalogueUpdate,
): Promise<void> {
  await db.updateTable(table).set(changes).where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function deleteEntry(
  db: Db,
  table: CatalogueTable,
  accountId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom(table)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
