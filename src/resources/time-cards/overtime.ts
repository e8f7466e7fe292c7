/**
 * The time-card engine: worked time → per-day regular, overtime, double-time and PTO seconds. Pure (no database,
 * no clock: `now` is an argument), so every rule is tested without I/O and a whole pay period of every employee is
 * computed from rows loaded once.
 *
 * Decisions:
 * - Days are the local dates of the account's zone; a day runs from one local midnight to the next, so DST days
 *   are 23 or 25 hours long.
 * - An entry crossing local midnight is split there. Its unpaid break is one number without a position, so it is
 *   prorated over the entry by elapsed time; rounding is cumulative, so the parts add up to the entry's total.
 * - An open entry counts up to `now`.
 * - Workweeks start on the anchor's weekday. The grid starts on the first day of the workweek containing the
 *   period's first day, so hours of that week paid in the previous period still count toward weekly thresholds
 *   (and the 7th-day rule), but only the period's own days are paid in this card.
 * - Weekly thresholds count regular hours only: an hour already paid as daily overtime is never counted twice.
 * - Paid time off is reported in ptoSeconds and never counts toward any threshold; `unpaid` time off counts nothing.
 */
import { localDayStartMs } from '../../shared/local-time.js';
import { addDays, datesBetween } from '../pay-periods/calendar.js';

export const OVERTIME_RULE_TYPES = ['none', 'weekly40', 'california', 'custom'] as const;
export type OvertimeRuleType = (typeof OVERTIME_RULE_TYPES)[number];

export interface OvertimeThresholds {
  /** Hours in a day after which time is overtime (1.5×); null = no daily overtime. */
  dailyOvertimeAfterHours: number | null;
  /** Hours in a day after which time is double time (2×); null = no daily double time. */
  dailyDoubleTimeAfterHours: number | null;
  /** Regular hours in a workweek after which time is overtime; null = no weekly overtime. */
  weeklyOvertimeAfterHours: number | null;
}

export interface OvertimeRule extends OvertimeThresholds {
  type: OvertimeRuleType;
}

/** The thresholds of the named rules; `custom` takes its own. */
export const OVERTIME_PRESETS: Readonly<Record<Exclude<OvertimeRuleType, 'custom'>, OvertimeThresholds>> = {
  none: { dailyOvertimeAfterHours: null, dailyDoubleTimeAfterHours: null, weeklyOvertimeAfterHours: null },
  weekly40: { dailyOvertimeAfterHours: null, dailyDoubleTimeAfterHours: null, weeklyOvertimeAfterHours: 40 },
  california: { dailyOvertimeAfterHours: 8, dailyDoubleTimeAfterHours: 12, weeklyOvertimeAfterHours: 40 },
};

/** The effective thresholds of a rule. */
export function thresholdsOf(rule: OvertimeRule): OvertimeThresholds {
  if (rule.type === 'custom') {
    return {
      dailyOvertimeAfterHours: rule.dailyOvertimeAfterHours,
      dailyDoubleTimeAfterHours: rule.dailyDoubleTimeAfterHours,
      weeklyOvertimeAfterHours: rule.weeklyOvertimeAfterHours,
    };
  }
  return OVERTIME_PRESETS[rule.type];
}

/** California's 7th consecutive workday in a workweek: the first 8 hours at 1.5×, beyond at 2×. */
const SEVENTH_DAY_OVERTIME_HOURS = 8;

export interface WorkedInterval {
  /** Epoch milliseconds. */
  startMs: number;
  /** Epoch milliseconds; null while the entry is open (counted up to `now`). */
  endMs: number | null;
  /** Unpaid break inside the interval. */
  breakSeconds: number;
}

export interface PaidTimeOff {
  startDate: string;
  endDate: string;
  hoursPerDay: number;
  /** Unpaid time off counts nothing. */
  paid: boolean;
}

export interface CardDay {
  date: string;
  workedSeconds: number;
  regularSeconds: number;
  overtimeSeconds: number;
  doubleTimeSeconds: number;
  ptoSeconds: number;
}

export interface CardTotals {
  workedSeconds: number;
  regularSeconds: number;
  overtimeSeconds: number;
  doubleTimeSeconds: number;
  ptoSeconds: number;
}

/**
 * The local days a computation runs over, with the instant each one starts. Built once per pay period and shared
 * by every employee's card (finding a zone's midnights is the costly part).
 */
export interface DayGrid {
  readonly timeZone: string;
  /** The first day of the workweek containing `periodStart`. */
  readonly gridStart: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** gridStart … periodEnd. */
  readonly dates: readonly string[];
  /** dayStartsMs[i] is the first instant of dates[i]; one more entry for the day after the last. */
  readonly dayStartsMs: readonly number[];
}

export function buildDayGrid(
  timeZone: string,
  gridStart: string,
  periodStart: string,
  periodEnd: string,
): DayGrid {
  const dates = datesBetween(gridStart, periodEnd);
  const dayStartsMs = [...dates, addDays(periodEnd, 1)].map((date) => localDayStartMs(date, timeZone));
  return { timeZone, gridStart, periodStart, periodEnd, dates, dayStartsMs };
}

/** Worked seconds per grid day: entries split at local midnights, breaks prorated by elapsed time. */
function workedPerDay(grid: DayGrid, intervals: readonly WorkedInterval[], nowMs: number): number[] {
  const worked = grid.dates.map(() => 0);
  const starts = grid.dayStartsMs;
  for (const interval of intervals) {
    const startMs = interval.startMs;
    const endMs = interval.endMs ?? Math.max(startMs, nowMs);
    const elapsedMs = endMs - startMs;
    if (elapsedMs <= 0) continue;
    const paidShare = 1 - Math.min(interval.breakSeconds * 1000, elapsedMs) / elapsedMs;
    // Paid seconds from the entry's start to instant x, rounded the same way at every cut so the parts telescope.
    const paidUpTo = (x: number) => Math.round(((x - startMs) * paidShare) / 1000);
    for (let day = 0; day < worked.length; day++) {
      const from = Math.max(startMs, starts[day] as number);
      const to = Math.min(endMs, starts[day + 1] as number);
      if (to > from) worked[day] = (worked[day] as number) + paidUpTo(to) - paidUpTo(from);
    }
  }
  return worked;
}

function ptoPerDay(grid: DayGrid, timeOff: readonly PaidTimeOff[]): number[] {
  return grid.dates.map((date) => {
    if (date < grid.periodStart) return 0;
    let seconds = 0;
    for (const request of timeOff) {
      if (request.paid && request.startDate <= date && date <= request.endDate) {
        seconds += Math.round(request.hoursPerDay * 3600);
      }
    }
    return seconds;
  });
}

const hoursToSeconds = (hours: number | null): number | null =>
  hours === null ? null : Math.round(hours * 3600);

/** Splits one day's worked seconds, given the regular seconds the workweek already holds. */
function classifyDay(
  worked: number,
  thresholds: { daily: number | null; doubleTime: number | null; weekly: number | null },
  weekRegular: number,
  seventhDay: boolean,
): { regular: number; overtime: number; doubleTime: number } {
  if (seventhDay) {
    const overtime = Math.min(worked, SEVENTH_DAY_OVERTIME_HOURS * 3600);
    return { regular: 0, overtime, doubleTime: worked - overtime };
  }
  const doubleTime = thresholds.doubleTime === null ? 0 : Math.max(0, worked - thresholds.doubleTime);
  const belowDoubleTime = worked - doubleTime;
  const dailyOvertime = thresholds.daily === null ? 0 : Math.max(0, belowDoubleTime - thresholds.daily);
  const regularCandidate = belowDoubleTime - dailyOvertime;
  const regular =
    thresholds.weekly === null
      ? regularCandidate
      : Math.min(regularCandidate, Math.max(0, thresholds.weekly - weekRegular));
  return { regular, overtime: dailyOvertime + regularCandidate - regular, doubleTime };
}

/**
 * One employee's days of the period. Every day of the period is present; regular + overtime + doubleTime equals
 * worked on each day.
 */
export function computeCardDays(
  grid: DayGrid,
  rule: OvertimeRule,
  intervals: readonly WorkedInterval[],
  timeOff: readonly PaidTimeOff[],
  nowMs: number,
): CardDay[] {
  const worked = workedPerDay(grid, intervals, nowMs);
  const pto = ptoPerDay(grid, timeOff);
  const preset = thresholdsOf(rule);
  const thresholds = {
    daily: hoursToSeconds(preset.dailyOvertimeAfterHours),
    doubleTime: hoursToSeconds(preset.dailyDoubleTimeAfterHours),
    weekly: hoursToSeconds(preset.weeklyOvertimeAfterHours),
  };
  const days: CardDay[] = [];
  let weekRegular = 0;
  let workedDaysInWeek = 0;
  for (let index = 0; index < grid.dates.length; index++) {
    const dayOfWeek = index % 7;
    if (dayOfWeek === 0) {
      weekRegular = 0;
      workedDaysInWeek = 0;
    }
    const seconds = worked[index] as number;
    if (seconds > 0) workedDaysInWeek++;
    const seventhDay = rule.type === 'california' && dayOfWeek === 6 && workedDaysInWeek === 7;
    const split = classifyDay(seconds, thresholds, weekRegular, seventhDay);
    weekRegular += split.regular;
    const date = grid.dates[index] as string;
    if (date < grid.periodStart) continue;
    days.push({
      date,
      workedSeconds: seconds,
      regularSeconds: split.regular,
      overtimeSeconds: split.overtime,
      doubleTimeSeconds: split.doubleTime,
      ptoSeconds: pto[index] as number,
    });
  }
  return days;
}

export function totalsOf(days: readonly CardDay[]): CardTotals {
  const totals: CardTotals = {
    workedSeconds: 0,
    regularSeconds: 0,
    overtimeSeconds: 0,
    doubleTimeSeconds: 0,
    ptoSeconds: 0,
  };
  for (const day of days) {
    totals.workedSeconds += day.workedSeconds;
    totals.regularSeconds += day.regularSeconds;
    totals.overtimeSeconds += day.overtimeSeconds;
    totals.doubleTimeSeconds += day.doubleTimeSeconds;
    totals.ptoSeconds += day.ptoSeconds;
  }
  return totals;
}
