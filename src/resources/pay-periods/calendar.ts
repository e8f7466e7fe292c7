/**
 * Calendar arithmetic on local dates (`YYYY-MM-DD`) and the pay-period grid of a schedule. Pure: no database, no
 * clock. Dates are handled as UTC midnights only to count days; they name days in the account's zone.
 */
import type { PayFrequency } from '../../db/tables.js';

const DAY_MS = 86_400_000;

function toUtcMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  return new Date(toUtcMs(date)).getUTCDay();
}

export function dayOfMonth(date: string): number {
  return Number(date.slice(8, 10));
}

/** The first day of the month `months` after the month of `date`, with the day of month replaced by `day`. */
function monthDay(date: string, months: number, day: number): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 + months;
  return fromUtcMs(Date.UTC(year, month, day));
}

/** Every date from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

export interface PeriodDates {
  startDate: string;
  endDate: string;
}

export interface ScheduleGrid {
  frequency: PayFrequency;
  anchorDate: string;
}

/**
 * Why an anchor cannot start a period of this frequency, or null. Semimonthly periods are the 1st–15th and the
 * 16th–end of each month; monthly periods start on the same day each month, which every month must have.
 */
export function anchorProblem(frequency: PayFrequency, anchorDate: string): string | null {
  const day = dayOfMonth(anchorDate);
  if (frequency === 'semimonthly' && day !== 1 && day !== 16) {
    return 'A semimonthly schedule runs 1st–15th and 16th–end of month: anchorDate must be a 1st or a 16th.';
  }
  if (frequency === 'monthly' && day > 28) {
    return 'A monthly schedule needs a start day every month has: anchorDate must be on day 1–28.';
  }
  return null;
}

/** The period of the schedule that contains `date`. */
export function periodContaining(schedule: ScheduleGrid, date: string): PeriodDates {
  const { frequency, anchorDate } = schedule;
  if (frequency === 'weekly' || frequency === 'biweekly') {
    const length = frequency === 'weekly' ? 7 : 14;
    const index = Math.floor(daysBetween(anchorDate, date) / length);
    const startDate = addDays(anchorDate, index * length);
    return { startDate, endDate: addDays(startDate, length - 1) };
  }
  if (frequency === 'semimonthly') {
    if (dayOfMonth(date) <= 15) {
      return { startDate: monthDay(date, 0, 1), endDate: monthDay(date, 0, 15) };
    }
    return { startDate: monthDay(date, 0, 16), endDate: monthDay(date, 1, 0) };
  }
  const startDay = dayOfMonth(anchorDate);
  const startDate = dayOfMonth(date) >= startDay ? monthDay(date, 0, startDay) : monthDay(date, -1, startDay);
  return { startDate, endDate: addDays(monthDay(startDate, 1, startDay), -1) };
}

/** How far back periods are materialised when an account has none yet: an anchor years ago makes no backlog. */
const MATERIALISE_DAYS_BACK = 366;

/**
 * The periods to add so that the stored ones reach the period after the one containing `today`, oldest first.
 * They continue from the day after `lastEndDate` (the newest stored period); a period of the schedule that began
 * before that day is shortened to start there, which is how a schedule change joins the periods it keeps. With no
 * stored periods they start at the anchor's period, at most about a year back.
 */
export function periodsToMaterialise(
  schedule: ScheduleGrid,
  today: string,
  lastEndDate: string | null,
): PeriodDates[] {
  const target = periodContaining(schedule, addDays(periodContaining(schedule, today).endDate, 1));
  let cursor: string;
  if (lastEndDate !== null) {
    cursor = addDays(lastEndDate, 1);
  } else {
    const yearAgo = addDays(today, -MATERIALISE_DAYS_BACK);
    const from = schedule.anchorDate > today ? today : schedule.anchorDate;
    cursor = periodContaining(schedule, from < yearAgo ? yearAgo : from).startDate;
  }
  const periods: PeriodDates[] = [];
  while (cursor <= target.endDate) {
    const { endDate } = periodContaining(schedule, cursor);
    periods.push({ startDate: cursor, endDate });
    cursor = addDays(endDate, 1);
  }
  return periods;
}

/** The first day of the workweek containing `date`: workweeks start on the anchor's weekday. */
export function workweekStart(anchorDate: string, date: string): string {
  const back = (weekdayOf(date) - weekdayOf(anchorDate) + 7) % 7;
  return addDays(date, -back);
}
