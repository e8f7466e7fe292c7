/**
 * Calendar dates in an IANA time zone. Days and weeks of time cards, pay periods and locks are cut in the account's
 * zone (DESIGN §4), so every conversion from an instant to a date goes through here.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-CA formats dates as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function localDateOf(instant: Date | string, timeZone: string): string {
  return formatterFor(timeZone).format(typeof instant === 'string' ? new Date(instant) : instant);
}

/** UTC offsets stay within ±14 h, so the local midnight of a date lies within 15 h of its UTC midnight. */
const SEARCH_SPAN_MS = 15 * 3_600_000;

/**
 * The first instant whose local date is `date`: local midnight, or the first instant after a transition that
 * skips midnight. Found by bisection on the local date, which needs no offset arithmetic and is exact to the ms.
 */
export function localDayStartMs(date: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00.000Z`);
  let low = utcMidnight - SEARCH_SPAN_MS; // local date before `date`
  let high = utcMidnight + SEARCH_SPAN_MS; // local date is `date` or later
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (localDateOf(new Date(middle), timeZone) >= date) high = middle;
    else low = middle;
  }
  return high;
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = wallClockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClockFormats.set(timeZone, format);
  }
  return format;
}

/**
 * The UTC offset of `timeZone` at an instant, in ms (local wall-clock reading − UTC): −4 h in New York in summer,
 * +5:45 in Kathmandu. Read from the zone's own wall clock, so it is exact to the second even for historical offsets
 * that are not whole minutes.
 */
export function utcOffsetMs(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  const parts = new Map(
    wallClockFormat(timeZone)
      .formatToParts(new Date(wholeSecond))
      .map((part) => [part.type, Number(part.value)]),
  );
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.get(type) ?? 0;
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - wholeSecond;
}
