import { toDbBoolean } from '../../db/columns.js';
import type { Db, GeofenceRow } from '../../db/tables.js';
import type { ServiceContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors/api-error.js';
import { listing } from '../../platform/pagination/respond.js';
import { createdEvent, deletedEvent, updatedEvent } from '../../platform/webhooks/change-events.js';
import { recordChange } from '../../platform/webhooks/outbox.js';
import { newId } from '../../shared/ids.js';
import { GEOFENCE_EMPLOYEES, linkedIds, removeAllLinks, replaceLinks } from '../employees/links.js';
import { assertFilterObjectsExist, assertNotReferenced, assertObjectsExist } from '../references.js';
import * as repo from './repository.js';
import { GEOFENCES } from './resource.js';
import { type CreateGeofenceInput, type Geofence, toGeofence, type UpdateGeofenceInput } from './schema.js';

async function load(db: Db, accountId: string, id: string): Promise<GeofenceRow> {
  const row = await repo.findGeofence(db, accountId, id);
  if (!row) throw notFound('Geofence', id);
  return row;
}

/** API objects for rows, with the employees of all of them read in one query. */
async function toGeofences(db: Db, accountId: string, rows: readonly GeofenceRow[]): Promise<Geofence[]> {
  const employees = await linkedIds(
    db,
    accountId,
    GEOFENCE_EMPLOYEES,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toGeofence(row, employees.get(row.id) ?? []));
}

async function read(db: Db, accountId: string, id: string): Promise<Geofence> {
  const row = await load(db, accountId, id);
  return toGeofence(row, (await linkedIds(db, accountId, GEOFENCE_EMPLOYEES, [id])).get(id) ?? []);
}

/** The geofences among `ids` as the API returns them: what an employee's deletion renders for its events. */
export async function readGeofences(db: Db, accountId: string, ids: readonly string[]): Promise<Geofence[]> {
  return toGeofences(db, accountId, await repo.findGeofences(db, accountId, ids));
}

/** The location and the employees a geofence names must be the account's own (404 naming the field). */
async function assertLinksExist(
  db: Db,
  accountId: string,
  input: { locationId?: string | null | undefined; employeeIds?: readonly string[] | undefined },
): Promise<void> {
  if (input.locationId) {
    await assertObjectsExist(db, accountId, 'locations', [input.locationId], {
      noun: 'Location',
      param: 'locationId',
    });
  }
  if (input.employeeIds) {
    await assertObjectsExist(db, accountId, 'employees', input.employeeIds, {
      noun: 'Employee',
      param: 'employeeIds',
    });
  }
}

export function getGeofence(ctx: ServiceContext, accountId: string, id: string): Promise<Geofence> {
  return read(ctx.database.db, accountId, id);
}

/** The account's geofences matching the filters, newest first; 404 when `locationId` is no location of the account. */
export const listGeofences = listing(
  repo.listGeofences,
  repo.countGeofences,
  (rows, db, accountId) => toGeofences(db, accountId, rows),
  assertFilterObjectsExist,
);

export async function createGeofence(
  ctx: ServiceContext,
  accountId: string,
  input: CreateGeofenceInput,
): Promise<Geofence> {
  const now = ctx.clock.now().toISOString();
  const row: GeofenceRow = {
    id: newId(GEOFENCES),
    account_id: accountId,
    name: input.name.trim(),
    latitude: input.latitude,
    longitude: input.longitude,
    radius_meters: input.radiusMeters,
    active: toDbBoolean(input.active ?? true),
    location_id: input.locationId ?? null,
    created_at: now,
    updated_at: now,
  };
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    await assertLinksExist(trx, accountId, input);
    await repo.insertGeofence(trx, row);
    await replaceLinks(trx, accountId, GEOFENCE_EMPLOYEES, row.id, input.employeeIds ?? []);
    const geofence = await read(trx, accountId, row.id);
    return { result: geofence, events: [createdEvent(geofence)] };
  });
}

export async function updateGeofence(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  input: UpdateGeofenceInput,
): Promise<Geofence> {
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const before = await read(trx, accountId, id);
    await assertLinksExist(trx, accountId, input);
    const changes: repo.GeofenceUpdate = { updated_at: ctx.clock.now().toISOString() };
    if (input.name !== undefined) changes.name = input.name.trim();
    if (input.latitude !== undefined) changes.latitude = input.latitude;
    if (input.longitude !== undefined) changes.longitude = input.longitude;
    if (input.radiusMeters !== undefined) changes.radius_meters = input.radiusMeters;
    if (input.active !== undefined) changes.active = toDbBoolean(input.active);
    if (input.locationId !== undefined) changes.location_id = input.locationId;
    await repo.updateGeofence(trx, accountId, id, changes);
    if (input.employeeIds !== undefined) {
      await replaceLinks(trx, accountId, GEOFENCE_EMPLOYEES, id, input.employeeIds);
    }
    const after = await read(trx, accountId, id);
    return { result: after, events: [updatedEvent(before, after)] };
  });
}

export async function deleteGeofence(ctx: ServiceContext, accountId: string, id: string): Promise<void> {
  await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const geofence = await read(trx, accountId, id);
    // Punches keep the geofence that judged them; their verdict must stay explainable.
    await assertNotReferenced(
      trx,
      accountId,
      [{ table: 'punches', column: 'geofence_id', label: 'punches' }],
      {
        noun: 'Geofence',
        id,
        advice: 'deactivate it (`active: false`) instead.',
      },
    );
    await removeAllLinks(trx, accountId, GEOFENCE_EMPLOYEES, id);
    await repo.deleteGeofence(trx, accountId, id);
    return { result: undefined, events: [deletedEvent(geofence)] };
  });
}
