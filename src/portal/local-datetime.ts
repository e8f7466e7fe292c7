/**
 * `<input type="datetime-local">` values ("2026-11-01T08:30") are wall-clock times without a zone. The portal reads
 * and writes them in the account's IANA time zone, so an administrator in New York filters by New York time.
 */
import { utcOffsetMs } from '../shared/local-time.js';

/** The wall-clock reading of an instant in `timeZone`, expressed as if that reading were UTC (ms). */
function wallClockMs(instantMs: number, timeZone: string): number {
  return instantMs + utcOffsetMs(instantMs, timeZone);
}

/** An instant as a datetime-local value in `timeZone` (minute precision). */
export function toDateTimeLocal(iso: string, timeZone: string): string {
  return new Date(wallClockMs(Date.parse(iso), timeZone)).toISOString().slice(0, 16);
}

const DATE_TIME_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A datetime-local value read in `timeZone` → the ISO instant, or null when it is not a valid date and time. The
 * zone's offset is taken at a first guess and again at the result, which is right on both sides of a DST change;
 * a wall-clock time skipped by a change maps to an instant next to the gap.
 */
export function fromDateTimeLocal(value: string, timeZone: string): string | null {
  const match = DATE_TIME_LOCAL.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const wall = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second || 0);
  // Date.UTC rolls over (Feb 30 → Mar 2): such a value is not a date.
  if (new Date(wall).toISOString().slice(0, 16) !== value.slice(0, 16)) return null;
  const guess = wall - (wallClockMs(wall, timeZone) - wall);
  const instant = wall - (wallClockMs(guess, timeZone) - guess);
  return new Date(instant).toISOString();
}
