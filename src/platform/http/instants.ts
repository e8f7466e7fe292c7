import { ApiError } from '../errors/api-error.js';

/**
 * Instants are stored as fixed-width ISO-8601 UTC text (db/columns.ts), so text order is time order. Every instant a
 * client sends goes through here: `2026-11-02T09:00:00-05:00` is stored as `2026-11-02T14:00:00.000Z`.
 */
export function parseInstant(value: string, param: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new ApiError('parameter_invalid', `"${param}" is not a valid ISO-8601 date-time.`, { param });
  }
  return new Date(time).toISOString();
}

export function parseOptionalInstant(value: string | undefined, param: string): string | undefined {
  return value === undefined ? undefined : parseInstant(value, param);
}

export interface TimeRange {
  from?: string | undefined;
  to?: string | undefined;
}

/** The `from` / `to` filters of a list, normalised; `to` must not precede `from`. */
export function parseTimeRange(query: { from?: string | undefined; to?: string | undefined }): TimeRange {
  const from = parseOptionalInstant(query.from, 'from');
  const to = parseOptionalInstant(query.to, 'to');
  if (from && to && to < from) {
    throw new ApiError('parameter_invalid', 'The query parameter "to" must not be earlier than "from".', {
      param: 'to',
    });
  }
  return { from, to };
}

export function secondsBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

/** Clocks of phones and terminals drift: an instant up to a minute ahead of ours still counts as now. */
export const MAX_CLOCK_SKEW_MS = 60_000;

/** 400 parameter_invalid when `at` is further in the future than clock skew explains. */
export function assertNotInFuture(at: string, now: Date, param: string): void {
  if (Date.parse(at) - now.getTime() > MAX_CLOCK_SKEW_MS) {
    throw new ApiError(
      'parameter_invalid',
      `"${param}" (${at}) is in the future; time can only be recorded up to ${MAX_CLOCK_SKEW_MS / 1000} s ahead of now (${now.toISOString()}).`,
      { param },
    );
  }
}
