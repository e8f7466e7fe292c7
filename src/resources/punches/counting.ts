/**
 * The times clock punches count (issue 13): the account's rounding rule and shift grace (pay-schedule/rounding.ts)
 * applied to a clock-in or clock-out, and the clamps that keep rounding from ever refusing a punch or breaking an
 * entry. Everything here runs in the punch's transaction, under the employee's lock.
 *
 * Decisions:
 * - A counted time that would fall on a local day of a locked pay period, or of a pay period in which the employee's
 *   time card is approved, while the punch itself does not is not moved there: the punch counts as punched. (Rounding and grace move a time by at most an hour, so this happens only
 *   around the midnight that ends a period.)
 * - A clock-in counts from no earlier than the counted end of the employee's previous entry, so a previous clock-out
 *   rounded up never makes the next entry overlap it. An entry the raw punch itself overlaps — one a manager entered
 *   or extended past it — is still refused with 409 time_entry_overlap, as without rounding.
 * - A clock-out counts until no earlier than its entry's counted start (a zero-length entry at worst).
 * - Breaks are punched, not rounded: only the part of a break inside the entry's counted span is unpaid time of it.
 */
import type { Db, TimeEntryRow } from '../../db/tables.js';
import { ApiError } from '../../platform/errors/api-error.js';
import { secondsBetween } from '../../platform/http/instants.js';
import { localDateOf } from '../../shared/local-time.js';
import { findLockedPeriodTouching } from '../pay-periods/repository.js';
import {
  type ClockPunch,
  countedInstant,
  graceWindow,
  movesPunch,
  type RoundingRule,
} from '../pay-schedule/rounding.js';
import { findPublishedShiftBoundary } from '../shifts/repository.js';
import { findApprovedCardTouching } from '../time-cards/repository.js';
import { earliestEntry, listEntriesEndingAfter } from '../time-entries/repository.js';
import { overlapError } from '../time-entries/rules.js';
import { findLatestPunch, listBreakPunchesOfEntry } from './repository.js';

/** What counting needs of the account: its zone and its rule. */
export interface CountingRule {
  readonly timeZone: string;
  readonly rounding: RoundingRule;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The later of two instants. */
const latest = (a: string, b: string): string => (a > b ? a : b);

/**
 * Whether `counted`, on another local day than `punchedAt`, falls on a frozen day: one of a locked pay period, or of
 * a pay period in which the employee's time card is approved (the punch's own day passed both checks already).
 */
async function movesIntoFrozenDay(
  db: Db,
  accountId: string,
  employeeId: string,
  timeZone: string,
  punchedAt: string,
  counted: string,
): Promise<boolean> {
  const countedDate = localDateOf(counted, timeZone);
  // The punch's own day was checked before: on the same day the freeze is the same.
  if (countedDate === localDateOf(punchedAt, timeZone)) return false;
  if ((await findLockedPeriodTouching(db, accountId, countedDate, countedDate)) !== undefined) return true;
  return (await findApprovedCardTouching(db, accountId, employeeId, countedDate, countedDate)) !== undefined;
}

/** A clock punch's time under the rule — a published shift's boundary within grace, else rounded — before clamps. */
async function ruledTime(
  db: Db,
  accountId: string,
  employeeId: string,
  rule: CountingRule,
  punch: ClockPunch,
  punchedAt: string,
): Promise<string> {
  if (!movesPunch(punch, rule.rounding)) return punchedAt;
  const punchedMs = Date.parse(punchedAt);
  const window = graceWindow(punch, punchedMs, rule.rounding.shiftGrace);
  const boundary = window
    ? await findPublishedShiftBoundary(db, accountId, employeeId, punch === 'in' ? 'start' : 'end', {
        fromIso: iso(window.fromMs),
        toIso: iso(window.toMs),
      })
    : undefined;
  const counted = iso(
    countedInstant(
      punch,
      punchedMs,
      rule.rounding,
      rule.timeZone,
      boundary === undefined ? null : Date.parse(boundary),
    ),
  );
  if (counted === punchedAt) return counted;
  return (await movesIntoFrozenDay(db, accountId, employeeId, rule.timeZone, punchedAt, counted))
    ? punchedAt
    : counted;
}

/**
 * Whether an entry's time ends by `punchedAt`: its end as it stands, or, while that end is still the counted time of
 * the clock-out that closed it, that clock-out's raw time (a clock-out rounded up past the next punch).
 */
async function endsBy(db: Db, accountId: string, entry: TimeEntryRow, punchedAt: string): Promise<boolean> {
  if (entry.end_at === null) return false;
  if (entry.end_at <= punchedAt) return true;
  if (entry.punched_end_at === null || entry.punched_end_at > punchedAt) return false;
  const clockOut = await findLatestPunch(db, accountId, entry.employee_id, {
    type: 'out',
    timeEntryId: entry.id,
  });
  return clockOut?.counted_at === entry.end_at;
}

/**
 * The time a clock-in at `punchedAt` counts from: the ruled time, clamped to the counted end of the employee's
 * previous entries. 409 time_entry_overlap when the punch itself falls inside another entry (open, or ending after it
 * other than by rounding), as without rounding.
 */
export async function countedClockIn(
  db: Db,
  accountId: string,
  employeeId: string,
  rule: CountingRule,
  punchedAt: string,
): Promise<string> {
  const ruled = await ruledTime(db, accountId, employeeId, rule, 'in', punchedAt);
  const from = ruled < punchedAt ? ruled : punchedAt;
  const later = await listEntriesEndingAfter(db, accountId, employeeId, { start: from, end: null });
  let start = ruled;
  const overlapped: TimeEntryRow[] = [];
  for (const entry of later) {
    if (entry.end_at !== null && (await endsBy(db, accountId, entry, punchedAt))) {
      start = latest(start, entry.end_at);
    } else {
      overlapped.push(entry);
    }
  }
  const other = earliestEntry(overlapped);
  if (other) throw overlapError(other);
  return start;
}

/** The time a clock-out at `punchedAt` counts until: the ruled time, never before the entry's counted start. */
export async function countedClockOut(
  db: Db,
  accountId: string,
  employeeId: string,
  rule: CountingRule,
  punchedAt: string,
  entry: TimeEntryRow,
): Promise<string> {
  return latest(await ruledTime(db, accountId, employeeId, rule, 'out', punchedAt), entry.start_at);
}

/**
 * 400 when a punch at `punchedAt` comes before the start of the open entry it belongs to, unless that start is the
 * counted time of the entry's own clock-in, moved later than punched: the punch then came after the clock-in as
 * punched, and rounding must not refuse it.
 */
export async function assertAfterEntryStart(
  db: Db,
  accountId: string,
  entry: TimeEntryRow,
  punchedAt: string,
): Promise<void> {
  if (punchedAt >= entry.start_at) return;
  if (entry.punched_start_at !== null && punchedAt >= entry.punched_start_at) {
    const clockIn = await findLatestPunch(db, accountId, entry.employee_id, {
      type: 'in',
      timeEntryId: entry.id,
    });
    if (clockIn?.counted_at === entry.start_at) return;
  }
  throw new ApiError(
    'parameter_invalid',
    `"at" (${punchedAt}) is before the start of the open time entry ${entry.id} (${entry.start_at}).`,
    { param: 'at' },
  );
}

/** Seconds of a break [from, to] inside an entry's span [spanStart, spanEnd]; 0 when they do not meet. */
export function secondsWithin(from: string, to: string, spanStart: string, spanEnd: string): number {
  const start = latest(from, spanStart);
  const end = to < spanEnd ? to : spanEnd;
  return end > start ? secondsBetween(start, end) : 0;
}

/**
 * Seconds of the entry's completed breaks after `endAt`, its counted end when a clock-out counts earlier than it was
 * punched: that time is outside the entry, so it is no unpaid time of it. (The counted end is never before the counted
 * start, so that part is inside what each break added when it ended.)
 */
export async function breakSecondsAfter(
  db: Db,
  accountId: string,
  entry: TimeEntryRow,
  endAt: string,
): Promise<number> {
  // The entry's punches are all made at or after its clock-in as punched, which may precede its counted start.
  const punchedStart = entry.punched_start_at ?? entry.start_at;
  const since = punchedStart < entry.start_at ? punchedStart : entry.start_at;
  const breaks = await listBreakPunchesOfEntry(db, accountId, entry.employee_id, entry.id, since);
  let seconds = 0;
  let breakStart: string | undefined;
  for (const punch of breaks) {
    if (punch.type === 'break_start') {
      breakStart = punch.punched_at;
    } else if (breakStart !== undefined) {
      seconds += secondsWithin(breakStart, punch.punched_at, endAt, punch.punched_at);
      breakStart = undefined;
    }
  }
  return seconds;
}
