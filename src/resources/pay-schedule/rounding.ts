/**
 * Punch rounding: the time a clock-in or a clock-out counts from under the account's rule (`rounding` on the pay
 * schedule). Pure (no database, no clock), so every mode, step, grace and time-zone case is tested without I/O; the
 * punch service finds the shift and applies the clamps around it.
 *
 * Decisions:
 * - Steps are cut on the account's wall clock, with the zone's UTC offset at the punch instant: a 6-minute step in a
 *   +05:45 zone lands on local :00, :06, …, :54, not on UTC's. The result keeps that offset, so on a day the zone
 *   changes offset a punch is still moved by less than one step (01:59:40 EST rounded to the nearest minute is the
 *   instant of 02:00 EST, which the clocks show as 03:00 EDT).
 * - Exact to the millisecond: a time already on a step stays; `up` moves later, `down` earlier; `nearest` takes the
 *   closer step and rounds a tie (exactly half a step) up.
 * - Shift grace comes first: a clock-in at most `beforeStartMinutes` before a published shift of the employee starts
 *   counts from the shift's start; a clock-out at most `afterEndMinutes` after one ends counts until its end. Both
 *   bounds are inclusive. Otherwise the direction's rounding applies.
 */
import { utcOffsetMs } from '../../shared/local-time.js';

export const ROUNDING_MODES = ['none', 'nearest', 'up', 'down'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

/** The steps time clocks offer: a sixth and a tenth of an hour, a quarter hour, and whole minutes. */
export const ROUNDING_STEPS = [1, 5, 6, 10, 15] as const;
export type RoundingStep = (typeof ROUNDING_STEPS)[number];

export const MAX_GRACE_MINUTES = 60;

export interface PunchRounding {
  mode: RoundingMode;
  /** The step, in minutes; kept with mode `none` so switching rounding back on restores it. */
  minutes: RoundingStep;
}

export interface ShiftGrace {
  /** A clock-in this many minutes before a published shift starts counts from its start; 0 = off. */
  beforeStartMinutes: number;
  /** A clock-out this many minutes after a published shift ends counts until its end; 0 = off. */
  afterEndMinutes: number;
}

export interface RoundingRule {
  clockIn: PunchRounding;
  clockOut: PunchRounding;
  shiftGrace: ShiftGrace;
}

/** The default: times count as punched. */
export const NO_ROUNDING: Readonly<RoundingRule> = {
  clockIn: { mode: 'none', minutes: 1 },
  clockOut: { mode: 'none', minutes: 1 },
  shiftGrace: { beforeStartMinutes: 0, afterEndMinutes: 0 },
};

/** The two punches that are rounded; breaks count as punched. */
export type ClockPunch = 'in' | 'out';

const MINUTE_MS = 60_000;

/** `instantMs` rounded to the step on the wall clock of `timeZone` (see the module's decisions). */
export function roundToStep(instantMs: number, rounding: PunchRounding, timeZone: string): number {
  if (rounding.mode === 'none') return instantMs;
  const step = rounding.minutes * MINUTE_MS;
  const wallMs = instantMs + utcOffsetMs(instantMs, timeZone);
  const past = ((wallMs % step) + step) % step;
  if (past === 0) return instantMs;
  const down = instantMs - past;
  const up = down + step;
  switch (rounding.mode) {
    case 'down':
      return down;
    case 'up':
      return up;
    case 'nearest':
      return past * 2 >= step ? up : down;
  }
}

/**
 * Where the boundary of a published shift must lie for grace to apply to a punch at `punchedMs`: a shift start in
 * [punch, punch + beforeStart] for a clock-in, a shift end in [punch − afterEnd, punch] for a clock-out. Null when
 * that grace is off.
 */
export function graceWindow(
  punch: ClockPunch,
  punchedMs: number,
  grace: ShiftGrace,
): { fromMs: number; toMs: number } | null {
  const minutes = punch === 'in' ? grace.beforeStartMinutes : grace.afterEndMinutes;
  if (minutes <= 0) return null;
  const span = minutes * MINUTE_MS;
  return punch === 'in'
    ? { fromMs: punchedMs, toMs: punchedMs + span }
    : { fromMs: punchedMs - span, toMs: punchedMs };
}

/**
 * The instant a clock-in or clock-out counts from: the shift boundary when `shiftBoundaryMs` (the start of the
 * nearest published shift for a clock-in, the end for a clock-out) lies in the grace window, else the punch rounded
 * by the direction's rule.
 */
export function countedInstant(
  punch: ClockPunch,
  punchedMs: number,
  rule: RoundingRule,
  timeZone: string,
  shiftBoundaryMs: number | null,
): number {
  const window = graceWindow(punch, punchedMs, rule.shiftGrace);
  if (
    window &&
    shiftBoundaryMs !== null &&
    window.fromMs <= shiftBoundaryMs &&
    shiftBoundaryMs <= window.toMs
  ) {
    return shiftBoundaryMs;
  }
  return roundToStep(punchedMs, punch === 'in' ? rule.clockIn : rule.clockOut, timeZone);
}

/** Whether the rule can move a punch of this kind at all (no rounding and no grace: it counts as punched). */
export function movesPunch(punch: ClockPunch, rule: RoundingRule): boolean {
  const rounding = punch === 'in' ? rule.clockIn : rule.clockOut;
  const grace = punch === 'in' ? rule.shiftGrace.beforeStartMinutes : rule.shiftGrace.afterEndMinutes;
  return rounding.mode !== 'none' || grace > 0;
}
