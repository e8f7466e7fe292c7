import { CompiledQuery, type SelectQueryBuilder, sql, type Transaction } from 'kysely';
import { containsText, toCount } from '../../db/columns.js';
import { isPostgres } from '../../db/database.js';
import type { ApiRequestLogRow, Database, Db, NewApiRequestLogRow } from '../../db/tables.js';
import { keysetPage, type PageRequest, pageOf } from '../pagination/keyset.js';

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx';
export const STATUS_CLASSES: readonly StatusClass[] = ['2xx', '3xx', '4xx', '5xx'];

/** Columns of a log row with their PostgreSQL types, in insert order. */
const LOG_COLUMNS = [
  ['id', 'text'],
  ['account_id', 'text'],
  ['key_id', 'text'],
  ['method', 'text'],
  ['route', 'text'],
  ['path', 'text'],
  ['status', 'integer'],
  ['error_code', 'text'],
  ['duration_ms', 'integer'],
  ['ip', 'text'],
  ['user_agent', 'text'],
  ['api_version', 'text'],
  ['created_at', 'text'],
] as const satisfies readonly (readonly [keyof ApiRequestLogRow, string])[];

type LogColumn = (typeof LOG_COLUMNS)[number][0];

/**
 * A batch of log rows as one array per column. This is the form a batch crosses to the request-log worker in (one
 * structured clone of 13 arrays rather than of hundreds of 13-key objects), and PostgreSQL takes the arrays as they
 * are (unnest).
 */
export type RequestLogColumns = { readonly [C in LogColumn]: ApiRequestLogRow[C][] };

/** The batch's columns, in LOG_COLUMNS order; a value a row leaves out is null. */
export function toRequestLogColumns(rows: readonly NewApiRequestLogRow[]): RequestLogColumns {
  // Filled by push, never pre-sized: V8 copies a holey array (`new Array(n)`) to another thread as a sparse one,
  // element by element.
  const columns: Record<string, unknown[]> = {};
  for (const [name] of LOG_COLUMNS) columns[name] = [];
  for (const row of rows) {
    for (const [name] of LOG_COLUMNS) columns[name]?.push(row[name] ?? null);
  }
  return columns as unknown as RequestLogColumns;
}

const COLUMN_LIST = LOG_COLUMNS.map(([name]) => name).join(', ');

/** The PostgreSQL insert: one text for every batch, each column one array parameter. */
const POSTGRES_INSERT = `insert into api_request_log (${COLUMN_LIST})
  select * from unnest(${LOG_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  on conflict (id) do nothing`;

/** SQLite inserts take a batch in chunks of these sizes (a batch of 500 is 256 + 128 + 64 + 32 + 16 + 4 rows). */
const SQLITE_CHUNKS = [256, 128, 64, 32, 16, 8, 4, 2, 1] as const;
const ROW_PLACEHOLDERS = `(${LOG_COLUMNS.map(() => '?').join(', ')})`;
const sqliteInserts = new Map<number, string>();

/** The insert of `rows` rows: nine texts in all, so each stays prepared (db/sqlite-statements.ts). */
function sqliteInsert(rows: number): string {
  let text = sqliteInserts.get(rows);
  if (text === undefined) {
    text = `insert into api_request_log (${COLUMN_LIST}) values ${Array(rows).fill(ROW_PLACEHOLDERS).join(', ')}
      on conflict (id) do nothing`;
    sqliteInserts.set(rows, text);
  }
  return text;
}

/**
 * Writes one batch, inside the writer's transaction (with the keys' lastUsedAt). This is the hottest write of the
 * service — every API request becomes a row — so it runs prepared statements whose texts never change, with the
 * values bound as they are: on PostgreSQL one insert of the column arrays (unnest), on SQLite a few multi-row
 * inserts (chunks of fixed sizes). Before, the batch went as one JSON text that the database took apart again
 * (json_each, json_to_recordset), 13 extractions a row. A multi-row insert built by the query builder cost about as
 * much as serving the requests themselves.
 *
 * A batch retried after a commit whose acknowledgement was lost must not fail forever on its own rows: ON CONFLICT
 * (id) DO NOTHING.
 */
export async function insertRequestLogColumns(
  trx: Transaction<Database>,
  columns: RequestLogColumns,
): Promise<void> {
  const count = columns.id.length;
  if (count === 0) return;
  const arrays = LOG_COLUMNS.map(([name]): readonly unknown[] => columns[name]);
  if (isPostgres(trx)) {
    await trx.executeQuery(CompiledQuery.raw(POSTGRES_INSERT, arrays));
    return;
  }
  let first = 0;
  for (const size of SQLITE_CHUNKS) {
    while (count - first >= size) {
      const parameters: unknown[] = [];
      for (let row = first; row < first + size; row++) {
        for (const values of arrays) parameters.push(values[row]);
      }
      await trx.executeQuery(CompiledQuery.raw(sqliteInsert(size), parameters));
      first += size;
    }
  }
}

/**
 * Deletes rows created before `cutoff`, a chunk at a time so that a large backlog never holds one long lock
 * against the writer; returns how many went.
 */
export async function deleteRequestLogBefore(db: Db, cutoff: string, chunkSize = 5000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await db
      .deleteFrom('api_request_log')
      .where('id', 'in', (eb) =>
        eb.selectFrom('api_request_log').select('id').where('created_at', '<', cutoff).limit(chunkSize),
      )
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    deleted += n;
    if (n < chunkSize) return deleted;
  }
}

export interface RequestLogFilters {
  keyId?: string | undefined;
  statusClass?: StatusClass | undefined;
  /** One exact status (401), for when a class is too coarse. */
  status?: number | undefined;
  /** Case-insensitive substring of the logged path (so `/v1/employees` also matches its sub-paths). */
  path?: string | undefined;
  /** Inclusive lower bound on the time, ISO. */
  from?: string | undefined;
  /** Exclusive upper bound on the time, ISO. */
  to?: string | undefined;
}

function statusRange(statusClass: StatusClass): [number, number] {
  const first = Number(statusClass[0]) * 100;
  return [first, first + 100];
}

function filtered<O>(
  query: SelectQueryBuilder<Database, 'api_request_log', O>,
  accountId: string,
  filters: RequestLogFilters,
): SelectQueryBuilder<Database, 'api_request_log', O> {
  let q = query.where('account_id', '=', accountId);
  if (filters.keyId) q = q.where('key_id', '=', filters.keyId);
  if (filters.statusClass) {
    const [low, high] = statusRange(filters.statusClass);
    q = q.where('status', '>=', low).where('status', '<', high);
  }
  if (filters.status !== undefined) q = q.where('status', '=', filters.status);
  if (filters.path) q = q.where(containsText(sql.ref('path'), filters.path));
  if (filters.from) q = q.where('created_at', '>=', filters.from);
  if (filters.to) q = q.where('created_at', '<', filters.to);
  return q;
}

/** One page of an account's requests, newest first (ids are time-ordered). */
export async function listRequests(
  db: Db,
  accountId: string,
  filters: RequestLogFilters,
  page: PageRequest,
): Promise<{ items: ApiRequestLogRow[]; hasMore: boolean }> {
  const rows = await keysetPage(
    filtered(db.selectFrom('api_request_log').selectAll(), accountId, filters),
    page,
    'id',
  ).execute();
  return pageOf(rows, page);
}

export async function findRequest(
  db: Db,
  accountId: string,
  requestId: string,
): Promise<ApiRequestLogRow | undefined> {
  return db
    .selectFrom('api_request_log')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', requestId)
    .executeTakeFirst();
}

export interface HourlyCounts {
  /** Start of the hour, ISO (`2026-11-01T12:00:00.000Z`). */
  hour: string;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
}

const HOUR_MS = 3_600_000;

function countWhereStatus(statusClass: StatusClass) {
  const [low, high] = statusRange(statusClass);
  return sql<string | number>`sum(case when status >= ${low} and status < ${high} then 1 else 0 end)`;
}

/**
 * Requests per hour by status class in [from, to), every hour of the range present (zero when idle) so a chart
 * can draw it as is. Timestamps are fixed-width ISO text, so the first 13 characters name the hour on both
 * dialects.
 */
export async function countsPerHour(
  db: Db,
  accountId: string,
  range: { from: string; to: string; keyId?: string | undefined },
): Promise<HourlyCounts[]> {
  const hourOf = sql<string>`substr(created_at, 1, 13)`;
  const rows = await filtered(
    db
      .selectFrom('api_request_log')
      .select([
        hourOf.as('hour'),
        countWhereStatus('2xx').as('c2xx'),
        countWhereStatus('3xx').as('c3xx'),
        countWhereStatus('4xx').as('c4xx'),
        countWhereStatus('5xx').as('c5xx'),
      ]),
    accountId,
    { keyId: range.keyId, from: range.from, to: range.to },
  )
    .groupBy(hourOf)
    .execute();
  const byHour = new Map(rows.map((row) => [`${row.hour}:00:00.000Z`, row]));

  const hours: HourlyCounts[] = [];
  const end = Date.parse(range.to);
  for (let t = Math.floor(Date.parse(range.from) / HOUR_MS) * HOUR_MS; t < end; t += HOUR_MS) {
    const hour = new Date(t).toISOString();
    const row = byHour.get(hour);
    hours.push({
      hour,
      '2xx': toCount(row?.c2xx ?? 0),
      '3xx': toCount(row?.c3xx ?? 0),
      '4xx': toCount(row?.c4xx ?? 0),
      '5xx': toCount(row?.c5xx ?? 0),
    });
  }
  return hours;
}

export interface SuspiciousKey {
  keyId: string;
  /** 401 and 403 responses to requests made with the key since `since`. */
  refusals: number;
  lastRefusedAt: string;
}

/**
 * Keys of the account with at least `threshold` refused requests (401/403) since `since`, most refused first:
 * a leaked key being tried, or an integration whose key lost a scope. Rows of revoked or expired keys count too,
 * because the log attributes a refusal to every key it recognised.
 */
export async function suspiciousKeys(
  db: Db,
  accountId: string,
  since: string,
  threshold: number,
): Promise<SuspiciousKey[]> {
  const rows = await db
    .selectFrom('api_request_log')
    .select((eb) => [
      'key_id',
      eb.fn.countAll<string | number>().as('refusals'),
      eb.fn.max('created_at').as('last_refused_at'),
    ])
    .where('account_id', '=', accountId)
    .where('key_id', 'is not', null)
    .where('status', 'in', [401, 403])
    .where('created_at', '>=', since)
    .groupBy('key_id')
    .having((eb) => eb.fn.countAll(), '>=', threshold)
    .execute();
  return rows
    .map((row) => ({
      keyId: row.key_id as string,
      refusals: toCount(row.refusals),
      lastRefusedAt: row.last_refused_at,
    }))
    .sort((a, b) => b.refusals - a.refusals || a.keyId.localeCompare(b.keyId));
}
