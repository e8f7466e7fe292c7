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
