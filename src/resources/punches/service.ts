import { toDbBoolean } from '../../db/columns.js';
import type { ClockStatus, Db, EmployeeRow, PunchRow, PunchType, TimeEntryRow } from '../../db/tables.js';
import type { ServiceContext } from '../../platform/context.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import { assertNotInFuture, parseInstant, secondsBetween } from '../../platform/http/instants.js';
import { listing } from '../../platform/pagination/respond.js';
import { createdEvent, domainEvent, updatedEvent } from '../../platform/webhooks/change-events.js';
import { type EventInput, recordChange } from '../../platform/webhooks/outbox.js';
import type { Coordinates } from '../../shared/geo.js';
import { newId } from '../../shared/ids.js';
import { findLocation } from '../locations/repository.js';
import { assertTimeMayChange } from '../pay-periods/locks.js';
import { loadAccountSchedule } from '../pay-schedule/service.js';
import { assertFilterObjectsExist, assertReferencesExist } from '../references.js';
import { lockNamedEmployee, setClockStatus } from '../time-entries/clock-state.js';
import * as timeEntryRepo from '../time-entries/repository.js';
import { TIME_ENTRIES } from '../time-entries/resource.js';
import { alreadyClockedIn, assertActive } from '../time-entries/rules.js';
import { toTimeEntry } from '../time-entries/schema.js';
import {
  assertAfterEntryStart,
  breakSecondsAfter,
  type CountingRule,
  countedClockIn,
  countedClockOut,
  secondsWithin,
} from './counting.js';
import { geofenceVerdict } from './geofence.js';
import * as repo from './repository.js';
import { PUNCHES } from './resource.js';
import { type CreatePunchInput, type Punch, toPunch } from './schema.js';

/**
 * The clock state machine: the status a punch of `type` moves the employee to from `status`, or the 409 that
 * names why it cannot happen now.
 */
export function nextClockStatus(type: PunchType, status: ClockStatus, employeeId: string): ClockStatus {
  const notClockedIn = () =>
    new ApiError('not_clocked_in', `Employee ${employeeId} is not on the clock; clock in first.`);
  switch (type) {
    case 'in':
      if (status !== 'out') throw alreadyClockedIn(employeeId);
      return 'in';
    case 'out':
      if (status === 'out') throw notClockedIn();
      return 'out';
    case 'break_start':
      if (status === 'out') throw notClockedIn();
      if (status === 'on_break') {
        throw new ApiError('already_on_break', `Employee ${employeeId} is already on a break; end it first.`);
      }
      return 'on_break';
    case 'break_end':
      if (status !== 'on_break') {
        throw new ApiError('not_on_break', `Employee ${employeeId} is not on a break, so it cannot end.`);
      }
      return 'in';
  }
}

/** Latitude and longitude come as a pair or not at all. */
function positionOf(input: CreatePunchInput): Coordinates | null {
  const { latitude, longitude } = input;
  if (latitude === undefined && longitude === undefined) return null;
  if (latitude === undefined || longitude === undefined) {
    const missing = latitude === undefined ? 'latitude' : 'longitude';
    throw new ApiError('parameter_invalid', 'Send "latitude" and "longitude" together, or neither.', {
      param: missing,
    });
  }
  return { latitude, longitude };
}

/**
 * What the punch does to the employee's time entry, once the transition is known to be allowed: `in` opens one,
 * `break_end` adds the break to it, `out` closes it (ending a break still running). A clock-in or clock-out counts
 * the time the account's rounding rule gives it (see counting.ts); the entry keeps that time and the raw one. Returns
 * the entry's id, the time the punch counts and the event of the entry's change, if it changed.
 */
async function applyToTimeEntry(
  db: Db,
  accountId: string,
  employee: EmployeeRow,
  punch: PunchRow,
  rule: CountingRule,
): Promise<{ id: string; countedAt: string; events: readonly EventInput[] }> {
  const at = punch.punched_at;
  if (punch.type === 'in') {
    const start = await countedClockIn(db, accountId, employee.id, rule, at);
    const opened: TimeEntryRow = {
      id: newId(TIME_ENTRIES),
      account_id: accountId,
      employee_id: employee.id,
      start_at: start,
      end_at: null,
      punched_start_at: at,
      punched_end_at: null,
      break_seconds: 0,
      location_id: punch.location_id,
      department_code_id: punch.department_code_id,
      cost_code_id: punch.cost_code_id,
      position_id: employee.position_id,
      status: 'open',
      source: 'punch',
      notes: null,
      created_at: punch.created_at,
      updated_at: punch.created_at,
    };
    await timeEntryRepo.insertTimeEntry(db, opened);
    return { id: opened.id, countedAt: start, events: [createdEvent(toTimeEntry(opened))] };
  }

  const entry = await timeEntryRepo.findOpenTimeEntry(db, accountId, employee.id);
  if (!entry) {
    // The clock status and the open entry always change together; this guards rows edited outside the API.
    throw new ApiError('not_clocked_in', `Employee ${employee.id} has no open time entry; clock in first.`);
  }
  await assertAfterEntryStart(db, accountId, entry, at);
  // A break's start changes nothing on the entry: the break counts once it ends.
  if (punch.type === 'break_start') return { id: entry.id, countedAt: at, events: [] };

  const end =
    punch.type === 'out' ? await countedClockOut(db, accountId, employee.id, rule, at, entry) : null;
  const changes: timeEntryRepo.TimeEntryUpdate = { updated_at: punch.created_at };
  let breakSeconds = entry.break_seconds;
  if (punch.type === 'break_end' || (punch.type === 'out' && employee.clock_status === 'on_break')) {
    const breakStart = await repo.findLatestPunch(db, accountId, employee.id, {
      type: 'break_start',
      timeEntryId: entry.id,
    });
    // Only the part of the break inside the entry counts: a correction or a rounded clock-in may have moved the
    // entry's start past the break's, and a clock-out counted earlier than punched ends the entry before it.
    if (breakStart) breakSeconds += secondsWithin(breakStart.punched_at, at, entry.start_at, end ?? at);
  }
  if (end !== null) {
    if (end < at) breakSeconds -= await breakSecondsAfter(db, accountId, entry, end);
    // Never more break than span: a manager's breakSeconds on the open entry may exceed a span rounding shortened.
    breakSeconds = Math.min(Math.max(breakSeconds, 0), secondsBetween(entry.start_at, end));
    changes.end_at = end;
    changes.punched_end_at = at;
    changes.status = 'closed';
  }
  changes.break_seconds = breakSeconds;
  await timeEntryRepo.updateTimeEntry(db, accountId, entry.id, changes);
  return {
    id: entry.id,
    countedAt: end ?? at,
    events: [updatedEvent(toTimeEntry(entry), toTimeEntry({ ...entry, ...changes }))],
  };
}

/** The events a punch is announced with besides `punch.created`: what it did, and a geofence warning. */
function punchDomainEvents(punch: Punch): EventInput[] {
  const events: EventInput[] = [];
  if (punch.type === 'in') events.push(domainEvent(PUNCHES, 'clock_in', punch));
  if (punch.type === 'out') events.push(domainEvent(PUNCHES, 'clock_out', punch));
  if (punch.withinGeofence === false) events.push(domainEvent(PUNCHES, 'outside_geofence', punch));
  return events;
}

/**
 * Records one punch and moves the employee's clock and time entry with it, all in one transaction that holds the
 * employee's lock: the clock status read is the one the punch changes, so concurrent punches of one employee
 * apply one after the other. Anything refused (a state conflict, a locked period, a blocking geofence) stores
 * nothing.
 */
export async function recordPunch(
  ctx: ServiceContext,
  accountId: string,
  input: CreatePunchInput,
): Promise<Punch> {
  const now = ctx.clock.now();
  const at = input.at === undefined ? now.toISOString() : parseInstant(input.at, 'at');
  assertNotInFuture(at, now, 'at');
  const position = positionOf(input);

  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const employee = await lockNamedEmployee(trx, accountId, input.employeeId);
    const location = input.locationId ? await findLocation(trx, accountId, input.locationId) : undefined;
    if (input.locationId && !location) throw notFound('Location', input.locationId, 'locationId');
    await assertReferencesExist(trx, accountId, {
      departmentCodeId: input.departmentCodeId,
      costCodeId: input.costCodeId,
    });
    assertActive(employee);
    const status = nextClockStatus(input.type, employee.clock_status, employee.id);

    const latest = await repo.findLatestPunch(trx, accountId, employee.id);
    if (latest && at < latest.punched_at) {
      throw new ApiError(
        'parameter_invalid',
        `"at" (${at}) is earlier than the employee's latest punch (${latest.id}, ${latest.type} at ${latest.punched_at}); punches are recorded in order — correct earlier time on the time entry instead.`,
        { param: 'at' },
      );
    }
    await assertTimeMayChange(trx, accountId, { employeeId: employee.id }, at);
    const verdict = await geofenceVerdict(trx, accountId, employee.id, location, position);

    const punch: PunchRow = {
      id: newId(PUNCHES),
      account_id: accountId,
      employee_id: employee.id,
      type: input.type,
      punched_at: at,
      counted_at: at,
      location_id: input.locationId ?? null,
      department_code_id: input.departmentCodeId ?? null,
      cost_code_id: input.costCodeId ?? null,
      latitude: position?.latitude ?? null,
      longitude: position?.longitude ?? null,
      accuracy_meters: input.accuracyMeters ?? null,
      source: input.source ?? 'api',
      within_geofence: verdict.withinGeofence === null ? null : toDbBoolean(verdict.withinGeofence),
      distance_meters: verdict.distanceMeters,
      geofence_id: verdict.geofenceId,
      time_entry_id: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    const schedule = await loadAccountSchedule(trx, accountId);
    const entry = await applyToTimeEntry(trx, accountId, employee, punch, schedule);
    punch.time_entry_id = entry.id;
    punch.counted_at = entry.countedAt;
    const clockEvents = await setClockStatus(trx, accountId, employee, status, punch.created_at);
    await repo.insertPunch(trx, punch);
    const recorded = toPunch(punch);
    return {
      result: recorded,
      events: [createdEvent(recorded), ...punchDomainEvents(recorded), ...entry.events, ...clockEvents],
    };
  });
}

export async function getPunch(ctx: ServiceContext, accountId: string, id: string): Promise<Punch> {
  const row = await repo.findPunch(ctx.database.db, accountId, id);
  if (!row) throw notFound('Punch', id);
  return toPunch(row);
}

/** The account's punches matching the filters, newest first; 404 when a filter names no object of the account. */
export const listPunches = listing(
  repo.listPunches,
  repo.countPunches,
  (rows) => rows.map(toPunch),
  assertFilterObjectsExist,
);
