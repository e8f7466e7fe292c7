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
