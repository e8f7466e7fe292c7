/**
 * Timestamps are stored as fixed-width ISO-8601 UTC text with milliseconds, so they compare as text. A filter
 * value a client sends may be spelt otherwise (`2026-11-01T12:00:00Z`, `+02:00`): compared as sent, `...00Z` sorts
 * after `...00.000Z` and an offset is not UTC at all. This puts it in the stored form first. The route schema has
 * already checked `format: date-time`, so the value parses.
 */
export function storedInstant(value: string): string {
  return new Date(value).toISOString();
}

/** The same for an optional filter. */
export function storedInstantOrUndefined(value: string | undefined): string | undefined {
  return value === undefined ? undefined : storedInstant(value);
}
