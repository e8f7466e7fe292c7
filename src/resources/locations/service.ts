import type { Db, LocationRow } from '../../db/tables.js';
import { createWithinPlanCap } from '../../platform/accounts/plan-caps.js';
import { findAccount } from '../../platform/accounts/repository.js';
import type { ServiceContext } from '../../platform/context.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import { listing } from '../../platform/pagination/respond.js';
import { createdEvent, deletedEvent, updatedEvent } from '../../platform/webhooks/change-events.js';
import { recordChange } from '../../platform/webhooks/outbox.js';
import { newId } from '../../shared/ids.js';
import { assertNotReferenced, type Reference } from '../references.js';
import * as repo from './repository.js';
import { LOCATIONS } from './resource.js';
import { type CreateLocationInput, type Location, toLocation, type UpdateLocationInput } from './schema.js';
import { assertTimeZone } from './time-zone.js';

/** Rows that name a location: while one exists, deleting the location would orphan it. */
const LOCATION_REFERENCES: readonly Reference[] = [
  { table: 'employee_locations', column: 'location_id', label: 'employees' },
  { table: 'geofences', column: 'location_id', label: 'geofences' },
  { table: 'punches', column: 'location_id', label: 'punches' },
  { table: 'time_entries', column: 'location_id', label: 'time entries' },
  { table: 'shifts', column: 'location_id', label: 'shifts' },
  // A manager whose only managed location went would manage the whole team: the deletion must not widen anyone.
  { table: 'user_locations', column: 'location_id', label: 'users (managers who manage it)' },
];

/** A point needs both coordinates; half of one is refused, naming the half that is missing. */
function assertCoordinatePair(latitude: number | null, longitude: number | null): void {
  if ((latitude === null) === (longitude === null)) return;
  throw new ApiError(
    'parameter_invalid',
    'latitude and longitude go together: set both, or clear both with null.',
    { param: latitude === null ? 'latitude' : 'longitude' },
  );
}

async function load(db: Db, accountId: string, id: string): Promise<LocationRow> {
  const row = await repo.findLocation(db, accountId, id);
  if (!row) throw notFound('Location', id);
  return row;
}

export async function getLocation(ctx: ServiceContext, accountId: string, id: string): Promise<Location> {
  return toLocation(await load(ctx.database.db, accountId, id));
}

/** The locations among `ids`, as the API returns them: what the portal's Team page names employees' places by. */
export async function readLocations(
  ctx: ServiceContext,
  accountId: string,
  ids: readonly string[],
): Promise<Location[]> {
  return (await repo.findLocations(ctx.database.db, accountId, ids)).map(toLocation);
}

/** The account's locations matching the filters, newest first. */
export const listLocations = listing(repo.listLocations, repo.countLocations, (rows) => rows.map(toLocation));

/** The account's own zone, the default of a location created without one. */
async function accountTimeZone(db: Db, accountId: string): Promise<string> {
  const account = await findAccount(db, accountId);
  if (!account) throw notFound('Account', accountId, 'account');
  return account.timezone;
}

export async function createLocation(
  ctx: ServiceContext,
  accountId: string,
  input: CreateLocationInput,
): Promise<Location> {
  assertTimeZone(input.timezone);
  const latitude = input.latitude ?? null;
  const longitude = input.longitude ?? null;
  assertCoordinatePair(latitude, longitude);
  const db = ctx.database.db;
  const now = ctx.clock.now().toISOString();
  const row: LocationRow = {
    id: newId(LOCATIONS),
    account_id: accountId,
    name: input.name.trim(),
    address: input.address ?? null,
    timezone: input.timezone ?? (await accountTimeZone(db, accountId)),
    latitude,
    longitude,
    capacity: input.capacity ?? null,
    geofence_mode: input.geofenceMode ?? 'off',
    created_at: now,
    updated_at: now,
  };
  return createWithinPlanCap(
    db,
    accountId,
    'maxLocations',
    (trx) => repo.countLocations(trx, accountId, {}),
    // Under a cap this joins the cap's transaction; otherwise it opens one.
    (trx) =>
      recordChange(trx, ctx, accountId, async (changeTrx) => {
        await repo.insertLocation(changeTrx, row);
        const location = toLocation(row);
        return { result: location, events: [createdEvent(location)] };
      }),
  );
}

export async function updateLocation(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  input: UpdateLocationInput,
): Promise<Location> {
  assertTimeZone(input.timezone);
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const current = await load(trx, accountId, id);
    assertCoordinatePair(
      input.latitude === undefined ? current.latitude : input.latitude,
      input.longitude === undefined ? current.longitude : input.longitude,
    );
    const changes: repo.LocationUpdate = { updated_at: ctx.clock.now().toISOString() };
    if (input.name !== undefined) changes.name = input.name.trim();
    if (input.address !== undefined) changes.address = input.address;
    if (input.timezone !== undefined) changes.timezone = input.timezone;
    if (input.latitude !== undefined) changes.latitude = input.latitude;
    if (input.longitude !== undefined) changes.longitude = input.longitude;
    if (input.capacity !== undefined) changes.capacity = input.capacity;
    if (input.geofenceMode !== undefined) changes.geofence_mode = input.geofenceMode;
    await repo.updateLocation(trx, accountId, id, changes);
    const location = toLocation(await load(trx, accountId, id));
    return { result: location, events: [updatedEvent(toLocation(current), location)] };
  });
}

export async function deleteLocation(ctx: ServiceContext, accountId: string, id: string): Promise<void> {
  await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const location = toLocation(await load(trx, accountId, id));
    await assertNotReferenced(trx, accountId, LOCATION_REFERENCES, {
      noun: 'Location',
      id,
      advice: 'move or remove what uses it first.',
    });
    await repo.deleteLocation(trx, accountId, id);
    return { result: undefined, events: [deletedEvent(location)] };
  });
}
