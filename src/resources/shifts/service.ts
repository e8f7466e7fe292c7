import { toDbBoolean } from '../../db/columns.js';
import type { Db, ShiftRow } from '../../db/tables.js';
import type { ServiceContext } from '../../platform/context.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import { parseInstant, parseOptionalInstant, parseTimeRange } from '../../platform/http/instants.js';
import type { PageRequest } from '../../platform/pagination/keyset.js';
import { type Page, pageOfObjects } from '../../platform/pagination/respond.js';
import {
  createdEvent,
  deletedEvent,
  domainEvent,
  updatedEvent,
} from '../../platform/webhooks/change-events.js';
import { type EventInput, recordChange } from '../../platform/webhooks/outbox.js';
import { newId } from '../../shared/ids.js';
import { findEmployee } from '../employees/repository.js';
import { assertFilterObjectsExist, assertReferencesExist } from '../references.js';
import * as repo from './repository.js';
import { SHIFTS } from './resource.js';
import {
  type CreateShiftInput,
  MAX_SHIFT_HOURS,
  type Shift,
  toShift,
  type UpdateShiftInput,
} from './schema.js';

const MINUTE_MS = 60_000;
const MAX_SHIFT_MS = MAX_SHIFT_HOURS * 60 * MINUTE_MS;

/** end > start, at most MAX_SHIFT_HOURS apart, and a break shorter than the shift. */
function checkTimes(
  shift: Pick<ShiftRow, 'start_at' | 'end_at' | 'break_minutes'>,
  timeParam: 'start' | 'end',
): void {
  const span = Date.parse(shift.end_at) - Date.parse(shift.start_at);
  if (span <= 0) {
    throw new ApiError('parameter_invalid', 'end must be after start.', { param: timeParam });
  }
  if (span > MAX_SHIFT_MS) {
    throw new ApiError('parameter_invalid', `A shift lasts at most ${MAX_SHIFT_HOURS} hours.`, {
      param: timeParam,
    });
  }
  if (shift.break_minutes * MINUTE_MS >= span) {
    throw new ApiError('parameter_invalid', 'breakMinutes must be shorter than the shift.', {
      param: 'breakMinutes',
    });
  }
}

/** Each id the input names must be an object of the account: 404 with the parameter named otherwise. */
async function checkReferences(
  db: Db,
  accountId: string,
  input: Pick<UpdateShiftInput, 'employeeId' | 'locationId' | 'positionId'>,
): Promise<void> {
  if (input.employeeId && !(await findEmployee(db, accountId, input.employeeId))) {
    throw notFound('Employee', input.employeeId, 'employeeId');
  }
  await assertReferencesExist(db, accountId, { locationId: input.locationId, positionId: input.positionId });
}

async function load(db: Db, accountId: string, id: string): Promise<ShiftRow> {
  const row = await repo.findShift(db, accountId, id);
  if (!row) throw notFound('Shift', id);
  return row;
}

/** `shift.published` when a shift is published by this change: created published, or changed to published. */
function publishedEvents(before: Shift | undefined, after: Shift): EventInput[] {
  return after.published && !before?.published ? [domainEvent(SHIFTS, 'published', after)] : [];
}

export async function getShift(ctx: ServiceContext, accountId: string, id: string): Promise<Shift> {
  return toShift(await load(ctx.database.db, accountId, id));
}

export async function listShifts(
  ctx: ServiceContext,
  accountId: string,
  query: repo.ShiftFilters,
  page: PageRequest,
): Promise<Page<Shift>> {
  const filters: repo.ShiftFilters = {
    ...query,
    ...parseTimeRange(query),
    updatedSince: parseOptionalInstant(query.updatedSince, 'updatedSince'),
  };
  const { employeeId, locationId } = filters;
  await assertFilterObjectsExist(ctx.database.db, accountId, { employeeId, locationId });
  return pageOfObjects(
    await repo.listShifts(ctx.database.db, accountId, filters, page),
    page,
    (rows) => rows.map(toShift),
    () => repo.countShifts(ctx.database.db, accountId, filters),
  );
}

export async function createShift(
  ctx: ServiceContext,
  accountId: string,
  input: CreateShiftInput,
): Promise<Shift> {
  const now = ctx.clock.now().toISOString();
  const row: ShiftRow = {
    id: newId(SHIFTS),
    account_id: accountId,
    employee_id: input.employeeId ?? null,
    location_id: input.locationId ?? null,
    position_id: input.positionId ?? null,
    start_at: parseInstant(input.start, 'start'),
    end_at: parseInstant(input.end, 'end'),
    break_minutes: input.breakMinutes ?? 0,
    published: toDbBoolean(input.published ?? false),
    notes: input.notes ?? null,
    created_at: now,
    updated_at: now,
  };
  checkTimes(row, 'end');
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    await checkReferences(trx, accountId, input);
    await repo.insertShift(trx, row);
    const shift = toShift(row);
    return { result: shift, events: [createdEvent(shift), ...publishedEvents(undefined, shift)] };
  });
}

export async function updateShift(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  input: UpdateShiftInput,
): Promise<Shift> {
  const changes: repo.ShiftUpdate = { updated_at: ctx.clock.now().toISOString() };
  if (input.employeeId !== undefined) changes.employee_id = input.employeeId;
  if (input.locationId !== undefined) changes.location_id = input.locationId;
  if (input.positionId !== undefined) changes.position_id = input.positionId;
  if (input.start !== undefined) changes.start_at = parseInstant(input.start, 'start');
  if (input.end !== undefined) changes.end_at = parseInstant(input.end, 'end');
  if (input.breakMinutes !== undefined) changes.break_minutes = input.breakMinutes;
  if (input.published !== undefined) changes.published = toDbBoolean(input.published);
  if (input.notes !== undefined) changes.notes = input.notes;
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const current = await load(trx, accountId, id);
    const next: ShiftRow = { ...current, ...changes };
    // Name the time the request moved: with only `start` sent, `start` is what made the span invalid.
    checkTimes(next, input.end === undefined && input.start !== undefined ? 'start' : 'end');
    await checkReferences(trx, accountId, input);
    await repo.updateShift(trx, accountId, id, changes);
    const before = toShift(current);
    const after = toShift(next);
    return { result: after, events: [updatedEvent(before, after), ...publishedEvents(before, after)] };
  });
}

export async function deleteShift(ctx: ServiceContext, accountId: string, id: string): Promise<void> {
  await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const shift = toShift(await load(trx, accountId, id));
    await repo.deleteShift(trx, accountId, id);
    return { result: undefined, events: [deletedEvent(shift)] };
  });
}
