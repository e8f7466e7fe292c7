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

export function ratio(a: number, b: number): string {
  return b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`;
}

/**
 * What a server process started by bench/runner.ts sends its parent over IPC once it listens. `pid` is the
 * process whose CPU time is read (the node process itself, whatever wrapper started it).
 */
export interface ServerReady {
  type: 'ready';
  url: string;
  pid: number;
  /** The app's API key (bench/server-app.ts only). */
  key?: string;
  /** Ids the route table's requests may use (bench/server-app.ts only). */
  employeeIds?: string[];
  /** The body GET /v1/api-key answers, which every control route answers too (bench/server-app.ts only). */
  body?: string;
}

/** What the load process (bench/load.ts) is asked to run: one autocannon run against one URL. */
export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  connections: number;
  pipelining: number;
  durationSeconds: number;
  /** The server process whose CPU time is read just before and just after the run. */
  serverPid: number;
  /**
   * Request bodies each connection sends in turn, over and over (e.g. a punch in, then out). `$EMPLOYEE` in them
   * is replaced by the next id of `employeeIds` (round robin across connections) at the start of each turn, so the
   * requests of one turn are for one employee and no two connections punch the same employee at once.
   */
  sequence?: string[];
  employeeIds?: string[];
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
}

/** utime + stime of a process, all its threads, in clock ticks (`getconf CLK_TCK`), from /proc/<pid>/stat. */
export function cpuTicks(stat: string): number {
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
