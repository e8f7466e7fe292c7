import type { Db, EmployeeRow, TimeEntryRow } from '../../db/tables.js';
import type { ServiceContext } from '../../platform/context.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import {
  assertNotInFuture,
  parseInstant,
  parseOptionalInstant,
  secondsBetween,
} from '../../platform/http/instants.js';
import { listing } from '../../platform/pagination/respond.js';
import { createdEvent, deletedEvent, updatedEvent } from '../../platform/webhooks/change-events.js';
import { type EventInput, recordChange } from '../../platform/webhooks/outbox.js';
import { newId } from '../../shared/ids.js';
import { assertTimeMayChange } from '../pay-periods/locks.js';
import { assertFilterObjectsExist, assertReferencesExist } from '../references.js';
import { lockEmployee, lockNamedEmployee, setClockStatus } from './clock-state.js';
import * as repo from './repository.js';
import { TIME_ENTRIES } from './resource.js';
import { alreadyClockedIn, assertActive, assertNoOverlap } from './rules.js';
import {
  type CreateTimeEntryInput,
  type TimeEntry,
  toTimeEntry,
  type UpdateTimeEntryInput,
} from './schema.js';

/**
 * The time an entry covers, for locked pay periods and approved time cards: start to end, or to now while it is
 * open (the time it has covered so far; an open entry starting ahead of now covers its start).
 */
function coveredExtent(start: string, end: string | null, now: Date): [string, string] {
  if (end !== null) return [start, end];
  const nowIso = now.toISOString();
  return [start, nowIso > start ? nowIso : start];
}

function assertValidSpan(
  start: string,
  end: string | null,
  breakSeconds: number,
  endParam: 'end' | 'start',
): void {
  if (end === null) return;
  if (end <= start) {
    throw new ApiError('parameter_invalid', `"end" (${end}) must be after "start" (${start}).`, {
      param: endParam,
    });
  }
  const span = secondsBetween(start, end);
  if (breakSeconds > span) {
    throw new ApiError(
      'parameter_invalid',
      `"breakSeconds" (${breakSeconds}) exceeds the entry's span of ${span} seconds.`,
      { param: 'breakSeconds' },
    );
  }
}

async function load(db: Db, accountId: string, id: string): Promise<TimeEntryRow> {
  const row = await repo.findTimeEntry(db, accountId, id);
  if (!row) throw notFound('Time entry', id);
  return row;
}

/** The entry as it is once its employee's time is locked for this transaction (it may be gone by then: 404). */
async function loadLocked(
  db: Db,
  accountId: string,
  id: string,
): Promise<{ row: TimeEntryRow; employee: EmployeeRow | undefined }> {
  const { employee_id } = await load(db, accountId, id);
  const employee = await lockEmployee(db, accountId, employee_id);
  return { row: await load(db, accountId, id), employee };
}

export async function getTimeEntry(ctx: ServiceContext, accountId: string, id: string): Promise<TimeEntry> {
  return toTimeEntry(await load(ctx.database.db, accountId, id));
}

/** The account's time entries matching the filters, newest first; 404 when a filter names no object of the account. */
export const listTimeEntries = listing(
  repo.listTimeEntries,
  repo.countTimeEntries,
  (rows) => rows.map(toTimeEntry),
  assertFilterObjectsExist,
);

/**
 * A manager's entry. Without `end` it is open and puts the employee on the clock, so it is refused while they
 * already are; a later `out` punch (or a PATCH with `end`) closes it.
 */
export async function createTimeEntry(
  ctx: ServiceContext,
  accountId: string,
  input: CreateTimeEntryInput,
): Promise<TimeEntry> {
  const now = ctx.clock.now();
  const start = parseInstant(input.start, 'start');
  const end = parseOptionalInstant(input.end, 'end') ?? null;
  const breakSeconds = input.breakSeconds ?? 0;
  assertValidSpan(start, end, breakSeconds, 'end');
  if (end === null) assertNotInFuture(start, now, 'start');
  const row: TimeEntryRow = {
    id: newId(TIME_ENTRIES),
    account_id: accountId,
    employee_id: input.employeeId,
    start_at: start,
    end_at: end,
    // Typed by a manager: no punch, so no raw times and no rounding.
    punched_start_at: null,
    punched_end_at: null,
    break_seconds: breakSeconds,
    location_id: input.locationId ?? null,
    department_code_id: input.departmentCodeId ?? null,
    cost_code_id: input.costCodeId ?? null,
    position_id: input.positionId ?? null,
    status: end === null ? 'open' : 'closed',
    source: 'manual',
    notes: input.notes ?? null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const employee = await lockNamedEmployee(trx, accountId, input.employeeId);
    await assertReferencesExist(trx, accountId, input);
    let clockEvents: readonly EventInput[] = [];
    if (end === null) {
      assertActive(employee);
      if (employee.clock_status !== 'out') throw alreadyClockedIn(employee.id);
      clockEvents = await setClockStatus(trx, accountId, employee, 'in', now.toISOString());
    }
    await assertNoOverlap(trx, accountId, employee.id, { start, end });
    await assertTimeMayChange(trx, accountId, { employeeId: employee.id }, ...coveredExtent(start, end, now));
    await repo.insertTimeEntry(trx, row);
    const entry = toTimeEntry(row);
    return { result: entry, events: [createdEvent(entry), ...clockEvents] };
  });
}

/** A correction. Setting `end` on an open entry closes it and takes the employee off the clock. */
export async function updateTimeEntry(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  input: UpdateTimeEntryInput,
): Promise<TimeEntry> {
  const now = ctx.clock.now();
  const newStart = parseOptionalInstant(input.start, 'start');
  const newEnd = input.end === null ? null : parseOptionalInstant(input.end, 'end');
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const { row, employee } = await loadLocked(trx, accountId, id);
    if (input.end === null && row.end_at !== null) {
      throw new ApiError(
        'parameter_invalid',
        `Time entry ${id} is closed and cannot be reopened; create a new entry instead.`,
        { param: 'end' },
      );
    }
    const start = newStart ?? row.start_at;
    const end = newEnd === undefined ? row.end_at : newEnd;
    const breakSeconds = input.breakSeconds ?? row.break_seconds;
    assertValidSpan(start, end, breakSeconds, newEnd ? 'end' : 'start');
    if (end === null && newStart) assertNotInFuture(start, now, 'start');
    await assertReferencesExist(trx, accountId, input);

    const closing = row.end_at === null && end !== null;
    const clockEvents =
      closing && employee ? await setClockStatus(trx, accountId, employee, 'out', now.toISOString()) : [];
    await assertNoOverlap(trx, accountId, row.employee_id, { start, end }, id);
    const owner = { employeeId: row.employee_id };
    await assertTimeMayChange(trx, accountId, owner, ...coveredExtent(row.start_at, row.end_at, now));
    await assertTimeMayChange(trx, accountId, owner, ...coveredExtent(start, end, now));

    const changes: repo.TimeEntryUpdate = {
      start_at: start,
      end_at: end,
      break_seconds: breakSeconds,
      status: end === null ? 'open' : 'closed',
      updated_at: now.toISOString(),
    };
    if (input.locationId !== undefined) changes.location_id = input.locationId;
    if (input.departmentCodeId !== undefined) changes.department_code_id = input.departmentCodeId;
    if (input.costCodeId !== undefined) changes.cost_code_id = input.costCodeId;
    if (input.positionId !== undefined) changes.position_id = input.positionId;
    if (input.notes !== undefined) changes.notes = input.notes;
    await repo.updateTimeEntry(trx, accountId, id, changes);
    const updated = toTimeEntry({ ...row, ...changes });
    return { result: updated, events: [updatedEvent(toTimeEntry(row), updated), ...clockEvents] };
  });
}

/** Deleting an open entry takes the employee off the clock with it. */
export async function deleteTimeEntry(ctx: ServiceContext, accountId: string, id: string): Promise<void> {
  const now = ctx.clock.now();
  await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const { row, employee } = await loadLocked(trx, accountId, id);
    await assertTimeMayChange(
      trx,
      accountId,
      { employeeId: row.employee_id },
      ...coveredExtent(row.start_at, row.end_at, now),
    );
    await repo.deleteTimeEntry(trx, accountId, id);
    const clockEvents =
      row.end_at === null && employee
        ? await setClockStatus(trx, accountId, employee, 'out', now.toISOString())
        : [];
    return { result: undefined, events: [deletedEvent(toTimeEntry(row)), ...clockEvents] };
  });
}
