import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Insertable } from 'kysely';
import type { EmployeesTable, TimeEntriesTable } from '../src/db/tables.js';
import type { RateLimitPolicy } from '../src/platform/rate-limit/limiter.js';
import { TIME_ENTRIES } from '../src/resources/time-entries/resource.js';
import { newId } from '../src/shared/ids.js';

/**
 * The rate limiter runs on every benchmarked request, as in production, but with limits no run can reach: at
 * production limits (1000 a minute even for enterprise) nearly every request would be a 429 and the benchmark would
 * measure refusals instead of what it is about.
 */
const OUT_OF_REACH = { requestsPerMinute: 1_000_000_000, dailyWriteCap: null };
export const BENCH_RATE_LIMITS: RateLimitPolicy = {
  plans: { trial: OUT_OF_REACH, starter: OUT_OF_REACH, pro: OUT_OF_REACH, enterprise: OUT_OF_REACH },
  authFailuresPerIpPerMinute: 1_000_000_000,
  anonymousRequestsPerIpPerMinute: 1_000_000_000,
  signInFailuresPerIp: 1_000_000_000,
  signInFailuresPerEmail: 1_000_000_000,
};

/**
 * The PostgreSQL server and Redis of the postgres dialect: BENCH_DATABASE_URL (else TEST_DATABASE_URL) and
 * BENCH_REDIS_URL (else TEST_REDIS_URL); undefined unless both are set. The database named in the URL is only
 * connected to, to create and drop the benchmark's own (bench/fixture.ts) and to read pg_stat_activity.
 */
export function postgresServers(): { databaseUrl: string; redisUrl: string } | undefined {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL;
  return databaseUrl && redisUrl ? { databaseUrl, redisUrl } : undefined;
}

export function ratio(a: number, b: number): string {
  return b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`;
}

/** One request of a load: `$NAME` placeholders in the path and body are filled in (see fill). */
export interface LoadRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  /** JSON. */
  body?: string;
}

/**
 * A real route of the route table, as the requests one turn of a connection sends. Placeholders: `$EMPLOYEE` (a
 * seeded employee, a new one each turn), `$TURN` (a text of the turn's own), `$PAY_PERIOD` (the seeded pay period).
 */
export interface RealRoute {
  label: string;
  requests: readonly LoadRequest[];
  /** Sent after a run for every turn the run's end cut short (see LoadSpec.finish). */
  finish?: LoadRequest;
}

const get = (path: string): LoadRequest => ({ method: 'GET', path });
const punch = (type: 'in' | 'out'): LoadRequest => ({
  method: 'POST',
  path: '/v1/punches',
  body: JSON.stringify({ employeeId: '$EMPLOYEE', type }),
});
export const API_KEY = get('/v1/api-key');
export const PUNCH_IN = punch('in');
export const PUNCH_OUT = punch('out');

export type RealRouteName = 'employees' | 'time-entries' | 'time-cards' | 'punches';

/** The real routes measured through HTTP (bench/runner.ts) and replayed without it (bench/raw.ts). */
export const REAL_ROUTES: Readonly<Record<RealRouteName, RealRoute>> = {
  employees: { label: 'GET /v1/employees?limit=25', requests: [get('/v1/employees?limit=25')] },
  'time-entries': { label: 'GET /v1/time-entries?limit=25', requests: [get('/v1/time-entries?limit=25')] },
  'time-cards': {
    label: 'GET /v1/time-cards?limit=25',
    requests: [get('/v1/time-cards?limit=25&payPeriodId=$PAY_PERIOD')],
  },
  punches: { label: 'POST /v1/punches in/out', requests: [PUNCH_IN, PUNCH_OUT], finish: PUNCH_OUT },
};

/**
 * A turn of the mixed workload (one employee): 7 list reads over the three lists, a punch in and out (20%), one
 * update of the employee (10%). The time-card read is the employee's own card: the whole period's page of 25 cards
 * recomputes every card of the period and would outweigh the rest of the mix together.
 */
export const MIXED_TURN: readonly LoadRequest[] = [
  get('/v1/employees?limit=25'),
  get('/v1/time-entries?limit=25'),
  PUNCH_IN,
  get('/v1/time-cards?payPeriodId=$PAY_PERIOD&employeeId=$EMPLOYEE'),
  get('/v1/employees?limit=25&active=true'),
  { method: 'PATCH', path: '/v1/employees/$EMPLOYEE', body: JSON.stringify({ lastName: 'Bench $TURN' }) },
  get('/v1/time-entries?limit=25&employeeId=$EMPLOYEE'),
  PUNCH_OUT,
  get('/v1/employees?limit=25'),
  get('/v1/time-entries?limit=25'),
];

/**
 * A turn of the soak: mostly the pipeline (GET /v1/api-key), with a list of each kind and a punch pair among every
 * 100 requests, so that what a long run could leak — key cache, rate-limit buckets, request log, statement caches,
 * lists, writes and their events — is all exercised, at a rate that gets through 2 million requests in minutes
 * (the mixed workload's requests cost many times as much CPU on average).
 */
export const SOAK_TURN: readonly LoadRequest[] = [
  ...Array.from({ length: 48 }, () => API_KEY),
  get('/v1/employees?limit=25'),
  PUNCH_IN,
  ...Array.from({ length: 48 }, () => API_KEY),
  get('/v1/time-entries?limit=25'),
  PUNCH_OUT,
];

/** What a load sends: the requests each connection sends in turn (LoadSpec.requests), and how. */
export interface Workload {
  requests: readonly LoadRequest[];
  finish?: LoadRequest;
  /** Sends the app's key as a bearer token. */
  auth: boolean;
  pipelining: number;
}

/** `text` with every `$NAME` of `values` replaced by its value. */
export function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$([A-Z_]+)/g, (placeholder, name: string) => values[name] ?? placeholder);
}

/**
 * What the load process watches besides the responses: the CPU time of the server process and of the database
 * processes serving it, read just before and just after the run.
 */
export interface ProcessWatch {
  /** The server process (the node process itself, whatever wrapper started it). */
  serverPid: number;
  /**
   * PostgreSQL: the backends connected to database `name`, listed from pg_stat_activity through `url` (a
   * connection to another database of the server, so that the listing's own backend is not among them).
   */
  database?: { url: string; name: string };
  /** Redis: the redis-server process (`INFO server` process_id). */
  redisPid?: number;
}

/** What the app's server (bench/server-app.ts) tells about itself: what its requests need. */
export interface ServedApp {
  /** The full-access API key. */
  key: string;
  /** Employees the turns of a load take in turn. */
  employeeIds: string[];
  /** The value of `$PAY_PERIOD`. */
  payPeriodId: string;
  /** The body GET /v1/api-key answers, which every control route answers too. */
  body: string;
}

/** What a server process started by bench/runner.ts sends its parent over IPC once it listens. */
export interface ServerReady {
  type: 'ready';
  url: string;
  watch: ProcessWatch;
  /** bench/server-app.ts only. */
  app?: ServedApp;
}

/** What the load process (bench/load.ts) is asked to run: one autocannon run against one server. */
export interface LoadSpec {
  /** The server's origin. */
  url: string;
  /** Sent with every request (e.g. authorization); a request with a body adds its content type. */
  headers: Record<string, string>;
  connections: number;
  pipelining: number;
  /** Run for this long (seconds), or until `amount` responses. */
  durationSeconds?: number;
  amount?: number;
  /**
   * What each connection sends, in turn, over and over: one turn is the whole list, for one employee
   * (`$EMPLOYEE`: the next of `employeeIds`, round robin across connections, so no two connections work on one
   * employee at once) and `$TURN` (a text of the turn's own). Other placeholders are filled in before.
   */
  requests: readonly LoadRequest[];
  employeeIds?: string[];
  /**
   * Sent (outside the measured window, any status accepted) for every turn the end of the run cut short, so that
   * the next run finds every employee as a turn leaves it: e.g. the punch out of a turn stopped after its punch in
   * (409 when it stopped before).
   */
  finish?: LoadRequest;
  watch: ProcessWatch;
  /**
   * PostgreSQL's pool closes connections idle for 10 s, and a backend opened during the window would bring its
   * start-up into it: a run of this many seconds first, just before the window, opens them all.
   */
  primeSeconds?: number;
  /** Sample the server's RSS every this many responses. */
  rssEveryRequests?: number;
}

/** What the load process prints, one JSON line on stdout. */
export interface LoadResult {
  /** Responses received (any status). */
  requests: number;
  /** Responses with a 2xx status. */
  ok: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Wall time of the run, seconds. */
  seconds: number;
  /** Latency of the 2xx responses, ms, from the client's own clock (finer than autocannon's 1 ms histogram). */
  p50: number;
  p99: number;
  /** Server CPU time (utime + stime, all threads) during the run, in clock ticks. */
  serverTicks: number;
  /** CPU time of the database backends (see ProcessWatch.database), in clock ticks. */
  databaseTicks?: number;
  /** Backends that ended during the run: their CPU time since the first reading is missing from databaseTicks. */
  backendsEnded?: number;
  /** CPU time of redis-server (see ProcessWatch.redisPid), in clock ticks. */
  redisTicks?: number;
  /** After every LoadSpec.rssEveryRequests responses. */
  rss?: { requests: number; kib: number }[];
}

/** Seconds of replay per route in bench/raw.ts (after a warm-up). */
export const RAW_SECONDS = Number(process.env.BENCH_RAW_SECONDS ?? 3);

/** What bench/raw.ts prints, one JSON line on stdout: per real route, the cost of its queries and JSON alone. */
export interface RawResult {
  route: RealRouteName;
  /** Statements one request of the route runs on the app's connection (transaction control included). */
  statements: number;
  /** Operations replayed (one per request of the route). */
  operations: number;
  /** CPU time of the replaying process, µs per operation. */
  processUs: number;
  /** CPU time of the PostgreSQL backend serving the replay, µs per operation. */
  databaseUs?: number;
}

/** The unit of /proc/<pid>/stat's CPU times (`getconf CLK_TCK`): ticks per second. */
export function clockTicksPerSecond(): number {
  return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
}

/**
 * utime + stime of a process, all its threads, in clock ticks (`getconf CLK_TCK`), from /proc/<pid>/stat;
 * undefined once it has ended.
 */
export function ticksOf(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 3 (state) is fields[0]; utime is field 14, stime field 15.
  return Number(fields[11]) + Number(fields[12]);
}

/** A closed time entry row as a punch pair leaves it, for seeding benchmark accounts. */
export function entryRow(
  accountId: string,
  employeeId: string,
  startAt: string,
  endAt: string,
): Insertable<TimeEntriesTable> {
  return {
    id: newId(TIME_ENTRIES),
    account_id: accountId,
    employee_id: employeeId,
    start_at: startAt,
    end_at: endAt,
    break_seconds: 0,
    location_id: null,
    department_code_id: null,
    cost_code_id: null,
    position_id: null,
    status: 'closed',
    source: 'punch',
    notes: null,
    created_at: endAt,
    updated_at: endAt,
  };
}

/** The `index`th seeded employee of a benchmark account (its ref is `B-<index>`). */
export function employeeRow(
  accountId: string,
  id: string,
  index: number,
  at: string,
): Insertable<EmployeesTable> {
  return {
    id,
    account_id: accountId,
    first_name: `First${index}`,
    last_name: `Last${index}`,
    email: null,
    employee_ref: `B-${index}`,
    phone: null,
    active: 1,
    role: 'employee',
    pay_rate_cents: 2000,
    timezone: null,
    department_code_id: null,
    position_id: null,
    created_at: at,
    updated_at: at,
  };
}
