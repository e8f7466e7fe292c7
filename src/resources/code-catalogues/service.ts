import { toDbBoolean } from '../../db/columns.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { CodeCatalogueRow, Db } from '../../db/tables.js';
import type { ServiceContext } from '../../platform/context.js';
import { nounOf } from '../../platform/descriptors/descriptor.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import type { PageRequest } from '../../platform/pagination/keyset.js';
import { type Page, pageOfObjects } from '../../platform/pagination/respond.js';
import {
  createdEvent,
  deletedEvent,
  updatedEvent,
  withTouched,
} from '../../platform/webhooks/change-events.js';
import { type EventInput, recordChange } from '../../platform/webhooks/outbox.js';
import { newId } from '../../shared/ids.js';
import { GROUP_MEMBERS, linkedIds, replaceLinks } from '../employees/links.js';
import { readEmployees } from '../employees/objects.js';
import { assertNotReferenced, assertObjectsExist, touchObjects } from '../references.js';
import type { CodeCatalogue } from './definition.js';
import * as repo from './repository.js';
import {
  type CatalogueChanges,
  type CatalogueCreateInput,
  type CatalogueObject,
  toCatalogueObject,
} from './schema.js';

/** Codes are unique per account and catalogue: the database enforces it, this names the conflict. */
async function guardCodeConflict<T>(catalogue: CodeCatalogue, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ApiError('code_taken', `Another ${catalogue.names.one} already has this code.`, {
        param: 'code',
      });
    }
    throw error;
  }
}

/** API objects for rows, with the members of every group among them read in one query. */
async function toObjects(
  db: Db,
  catalogue: CodeCatalogue,
  accountId: string,
  rows: readonly CodeCatalogueRow[],
): Promise<CatalogueObject[]> {
  const members = catalogue.hasMembers
    ? await linkedIds(
        db,
        accountId,
        GROUP_MEMBERS,
        rows.map((row) => row.id),
      )
    : undefined;
  return rows.map((row) => toCatalogueObject(catalogue, row, members?.get(row.id)));
}

/**
 * Sets a group's members to `employeeIds` (when sent) and moves `updatedAt` of every employee who joined or left,
 * since their `groupIds` changed too; returns the `employee.updated` events of those employees.
 */
async function applyMembers(
  db: Db,
  catalogue: CodeCatalogue,
  accountId: string,
  id: string,
  employeeIds: readonly string[] | undefined,
  now: string,
): Promise<readonly EventInput[]> {
  if (!catalogue.hasMembers || employeeIds === undefined) return [];
  await assertObjectsExist(db, accountId, 'employees', employeeIds, {
    noun: 'Employee',
    param: 'employeeIds',
  });
  const current = (await linkedIds(db, accountId, GROUP_MEMBERS, [id])).get(id) ?? [];
  const { events } = await withTouched(
    () => readEmployees(db, accountId, [...current, ...employeeIds]),
    async () => {
      const { added, removed } = await replaceLinks(db, accountId, GROUP_MEMBERS, id, employeeIds);
      await touchObjects(db, accountId, 'employees', [...added, ...removed], now);
    },
  );
  return events;
}

async function load(
  db: Db,
  catalogue: CodeCatalogue,
  accountId: string,
  id: string,
): Promise<CodeCatalogueRow> {
  const row = await repo.findEntry(db, catalogue.table, accountId, id);
  if (!row) throw notFound(nounOf(catalogue), id);
  return row;
}

async function read(
  db: Db,
  catalogue: CodeCatalogue,
  accountId: string,
  id: string,
): Promise<CatalogueObject> {
  const [object] = await toObjects(db, catalogue, accountId, [await load(db, catalogue, accountId, id)]);
  if (!object) throw notFound(nounOf(catalogue), id);
  return object;
}

/** The entries among `ids` as the API returns them: what a change of employees' groups renders for its events. */
export async function readEntries(
  db: Db,
  catalogue: CodeCatalogue,
  accountId: string,
  ids: readonly string[],
): Promise<CatalogueObject[]> {
  return toObjects(db, catalogue, accountId, await repo.findEntries(db, catalogue.table, accountId, ids));
}

export function getEntry(
  ctx: ServiceContext,
  catalogue: CodeCatalogue,
  accountId: string,
  id: string,
): Promise<CatalogueObject> {
  return read(ctx.database.db, catalogue, accountId, id);
}

export async function listEntries(
  ctx: ServiceContext,
  catalogue: CodeCatalogue,
  accountId: string,
  filters: repo.CatalogueFilters,
  page: PageRequest,
): Promise<Page<CatalogueObject>> {
  const db = ctx.database.db;
  return pageOfObjects(
    await repo.listEntries(db, catalogue.table, accountId, filters, page),
    page,
    (rows) => toObjects(db, catalogue, accountId, rows),
    () => repo.countEntries(db, catalogue.table, accountId, filters),
  );
}

export async function createEntry(
  ctx: ServiceContext,
  catalogue: CodeCatalogue,
  accountId: string,
  input: CatalogueCreateInput,
): Promise<CatalogueObject> {
  const now = ctx.clock.now().toISOString();
  const row: CodeCatalogueRow = {
    id: newId(catalogue),
    account_id: accountId,
    code: input.code.trim(),
    name: input.name.trim(),
    description: input.description ?? null,
    active: toDbBoolean(input.active ?? true),
    created_at: now,
    updated_at: now,
  };
  return guardCodeConflict(catalogue, () =>
    recordChange(ctx.database.db, ctx, accountId, async (trx) => {
      await repo.insertEntry(trx, catalogue.table, row);
      const members = await applyMembers(trx, catalogue, accountId, row.id, input.employeeIds, now);
      const entry = await read(trx, catalogue, accountId, row.id);
      return { result: entry, events: [createdEvent(entry), ...members] };
    }),
  );
}

export async function updateEntry(
  ctx: ServiceContext,
  catalogue: CodeCatalogue,
  accountId: string,
  id: string,
  input: CatalogueChanges,
): Promise<CatalogueObject> {
  const now = ctx.clock.now().toISOString();
  return guardCodeConflict(catalogue, () =>
    recordChange(ctx.database.db, ctx, accountId, async (trx) => {
      const before = await read(trx, catalogue, accountId, id);
      const changes: repo.CatalogueUpdate = { updated_at: now };
      if (input.code !== undefined) changes.code = input.code.trim();
      if (input.name !== undefined) changes.name = input.name.trim();
      if (input.description !== undefined) changes.description = input.description;
      if (input.active !== undefined) changes.active = toDbBoolean(input.active);
      await repo.updateEntry(trx, catalogue.table, accountId, id, changes);
      const members = await applyMembers(trx, catalogue, accountId, id, input.employeeIds, now);
      const after = await read(trx, catalogue, accountId, id);
      return { result: after, events: [updatedEvent(before, after), ...members] };
    }),
  );
}

export async function deleteEntry(
  ctx: ServiceContext,
  catalogue: CodeCatalogue,
  accountId: string,
  id: string,
): Promise<void> {
  await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const entry = await read(trx, catalogue, accountId, id);
    await assertNotReferenced(trx, accountId, catalogue.references, {
      noun: nounOf(catalogue),
      id,
      advice: 'deactivate it (`active: false`) instead.',
    });
    await repo.deleteEntry(trx, catalogue.table, accountId, id);
    return { result: undefined, events: [deletedEvent(entry)] };
  });
}
