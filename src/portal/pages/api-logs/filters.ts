import type { RequestLogFilters, StatusClass } from '../../../platform/request-log/repository.js';
import { STATUS_CLASSES } from '../../../platform/request-log/repository.js';
import { formText } from '../../components.js';
import { fromDateTimeLocal } from '../../local-datetime.js';
import { CHART_RANGES, type ChartRange } from './chart.js';

/** The page's query string as the filter form and the links write it: every field optional, all text. */
export interface LogQuery {
  readonly key: string;
  /** A class (`4xx`) or one status (`401`); empty for any. */
  readonly status: string;
  readonly path: string;
  /** datetime-local values in the account's zone. */
  readonly from: string;
  readonly to: string;
  readonly range: ChartRange;
  /** Cursors: the page after (older than) or before (newer than) this request id. */
  readonly after: string;
  readonly before: string;
}

const MAX_PATH_FILTER = 200;

function text(query: unknown, name: string): string {
  return formText(query, name).trim();
}

export function logQueryOf(query: unknown): LogQuery {
  const range = text(query, 'range');
  return {
    key: text(query, 'key'),
    status: text(query, 'status'),
    path: text(query, 'path').slice(0, MAX_PATH_FILTER),
    from: text(query, 'from'),
    to: text(query, 'to'),
    range: range in CHART_RANGES ? (range as ChartRange) : '24h',
    after: text(query, 'after'),
    before: text(query, 'before'),
  };
}

/** The URL of the page with these filters and `changes` (empty values dropped, so links stay short). */
export function logUrl(query: LogQuery, changes: Partial<LogQuery> = {}): string {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams();
  for (const name of ['key', 'status', 'path', 'from', 'to', 'after', 'before'] as const) {
    if (merged[name]) params.set(name, merged[name]);
  }
  if (merged.range !== '24h') params.set('range', merged.range);
  const search = params.toString();
  return `/portal/developer/api-logs${search ? `?${search}` : ''}`;
}

/** The filters without the cursors: where a changed filter or chart range starts again from the newest. */
export function withoutCursor(query: LogQuery): LogQuery {
  return { ...query, after: '', before: '' };
}

/** "The filter is active": a status class or an exact status (100–599). */
function statusFilter(value: string): Pick<RequestLogFilters, 'status' | 'statusClass'> | null {
  if (value === '') return {};
  if ((STATUS_CLASSES as readonly string[]).includes(value)) return { statusClass: value as StatusClass };
  if (/^[1-5]\d\d$/.test(value)) return { status: Number(value) };
  return null;
}

const MINUTE_MS = 60_000;

/** The repository's filters for a query, or the messages saying what in it cannot be read. */
export function filtersOf(
  query: LogQuery,
  timeZone: string,
): { filters: RequestLogFilters; errors: string[] } {
  const errors: string[] = [];
  const status = statusFilter(query.status);
  if (status === null)
    errors.push(`"${query.status}" is not a status: use 2xx, 4xx, 5xx or a code like 404.`);
  const from = query.from ? fromDateTimeLocal(query.from, timeZone) : undefined;
  if (from === null) errors.push('"From" is not a date and time.');
  // "To 10:00" reads as up to the end of that minute: the requests made at 10:00:30 are included.
  const toStart = query.to ? fromDateTimeLocal(query.to, timeZone) : undefined;
  if (toStart === null) errors.push('"To" is not a date and time.');
  const to = toStart ? new Date(Date.parse(toStart) + MINUTE_MS).toISOString() : undefined;
  if (from && to && from >= to) errors.push('"From" must be before "To".');
  return {
    filters: {
      keyId: query.key || undefined,
      ...(status ?? {}),
      path: query.path || undefined,
      from: from ?? undefined,
      to,
    },
    errors,
  };
}
