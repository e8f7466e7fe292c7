/**
 * The raw floor of each real route (issue 12: "each real route within 2× its raw floor"): the statements the route
 * runs and the JSON it answers, done directly — no HTTP, no Fastify, no Kysely, no mapping of rows to objects — on
 * the same seeded data (bench/fixture.ts). bench/runner.ts runs it in a process of its own pinned to the server's
 * core and prints the floors beside the routes' CPU per request.
 *
 * The statements are captured, not written out by hand, so the floor follows the routes as they change: each route
 * of REAL_ROUTES is sent twice through app.inject to warm up (the first time-card request also creates the period's
 * cards), then a third time with the app's `onQuery` hook recording every statement of its own connection (begin
 * and commit included; the request-log worker's are not the route's). The app is then closed and the statements
 * replayed on a connection of the raw floor's own, as prepared statements: better-sqlite3 on SQLite (with the
 * settings of the app's connection, rows read as arrays), `pg` named prepared statements on PostgreSQL, one round trip each as the
 * app makes them. Each replayed request ends with JSON.stringify of the object the route answered. Ids the
 * captured request made (a punch's, its time entry's, its events') are replaced by fresh ones of the same kind on
 * every replay, wherever they appear in the parameters (inside the events' JSON too), so inserts insert new rows
 * and the punch out closes the entry its punch in opened; the employee is the next seeded one on every replay, as
 * the load's turns take them.
 *
 * Timed by CPU, not by the clock: the process's own (process.cpuUsage) and, on PostgreSQL, that of the backend
 * serving the replay (/proc/<pid>/stat), over BENCH_RAW_SECONDS of replay per route after a warm-up. Prints one
 * JSON line (RawResult[]); BENCH_RAW_SQL=1 also writes the captured statements to stderr.
 *
 * Usage: node --import tsx bench/raw.ts sqlite|postgres
 */
import SQLite from 'better-sqlite3';
import { type LogEvent, sql } from 'kysely';
import pg from 'pg';
import { decodeTime } from 'ulid';
import { newId } from '../src/shared/ids.js';
import { startBenchApp } from './fixture.js';
import {
  clockTicksPerSecond,
  fill,
  type LoadRequest,
  RAW_SECONDS,
  type RawResult,
  REAL_ROUTES,
  type RealRouteName,
  ticksOf,
} from './support.js';

/** Enough for V8 to optimise the replay loop; shorter for a short measurement (the smoke test's). */
const WARMUP_SECONDS = Math.min(0.5, RAW_SECONDS / 2);
const SHOW_SQL = process.env.BENCH_RAW_SQL === '1';

const dialect = process.argv[2] ?? 'sqlite';
if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error('usage: raw.ts sqlite|postgres');

interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** One captured request: its statements, and the object it answered. */
interface Operation {
  statements: Statement[];
  answer: unknown;
}

let recording: Statement[] | null = null;
const record = (event: LogEvent) => {
  if (event.level === 'query') recording?.push({ sql: event.query.sql, parameters: event.query.parameters });
};
const bench = await startBenchApp(dialect, { onQuery: record });
const { app, seed, storage } = bench;
const values = { EMPLOYEE: seed.employeeIds[0] as string, PAY_PERIOD: seed.payPeriodId, TURN: 'raw' };

async function send(request: LoadRequest): Promise<unknown> {
  const response = await app.inject({
    method: request.method,
    url: fill(request.path, values),
    headers: {
      authorization: `Bearer ${seed.key}`,
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(request.body === undefined ? {} : { payload: fill(request.body, values) }),
  });
  if (response.statusCode >= 300) {
    throw new Error(`${request.method} ${request.path} → ${response.statusCode} ${response.body}`);
  }
  return response.json();
}

/** The third of three turns of the route, recorded; `since`: when it started (ms), for telling its new ids. */
async function capture(name: RealRouteName): Promise<{ operations: Operation[]; since: number }> {
  const { requests } = REAL_ROUTES[name];
  for (let turn = 0; turn < 2; turn++) for (const request of requests) await send(request);
  // Ids carry their creation time in ms: a tick later, every id the warm-up made is older than `since`.
  await new Promise((resolve) => setTimeout(resolve, 2));
  const since = Date.now();
  const operations: Operation[] = [];
  for (const request of requests) {
    const statements: Statement[] = [];
    recording = statements;
    const answer = await send(request);
    recording = null;
    operations.push({ statements, answer });
  }
  return { operations, since };
}

const ID = /\b([a-z]+)_([0-9A-HJKMNP-TV-Z]{26})\b/g;

/** Whether a ULID was made at `since` or later (what merely looks like one was not). */
function madeSince(ulid: string, since: number): boolean {
  try {
    return decodeTime(ulid) >= since;
  } catch {
    return false;
  }
}

/**
 * The operations as one replay of the turn runs them: the ids the captured request made are replaced by fresh ones
 * made anew for every replay, and the captured turn's employee by the next seeded one (round robin, as the load's
 * turns take them: a punch pair replayed on one employee only would pile up that employee's rows). A string
 * parameter holding such ids is kept as its pieces (text, slot, text, …) and joined per replay.
 */
function replayOf(operations: Operation[], since: number): () => Operation[] {
  const slots = new Map<string, number>([[values.EMPLOYEE, 0]]);
  const prefixes: string[] = [];
  const pieces = (text: string): (string | number)[] | undefined => {
    const parts: (string | number)[] = [];
    let at = 0;
    for (const match of text.matchAll(ID)) {
      const [id, prefix = '', body = ''] = match;
      let slot = slots.get(id);
      if (slot === undefined) {
        if (!madeSince(body, since)) continue;
        slot = prefixes.push(prefix);
        slots.set(id, slot);
      }
      parts.push(text.slice(at, match.index), slot);
      at = match.index + id.length;
    }
    return parts.length === 0 ? undefined : [...parts, text.slice(at)];
  };
  const templates = operations.map(({ statements, answer }) => ({
    answer,
    statements: statements.map(({ sql, parameters }) => ({
      sql,
      parameters: parameters.map((value) => (typeof value === 'string' ? (pieces(value) ?? value) : value)),
    })),
  }));
  let turn = 0;
  return () => {
    const ids = [
      seed.employeeIds[turn++ % seed.employeeIds.length] as string,
      ...prefixes.map((idPrefix) => newId({ idPrefix })),
    ];
    const join = (value: unknown) =>
      Array.isArray(value)
        ? value.map((part: string | number) => (typeof part === 'number' ? ids[part] : part)).join('')
        : value;
    return templates.map(({ answer, statements }) => ({
      answer,
      statements: statements.map(({ sql, parameters }) => ({ sql, parameters: parameters.map(join) })),
    }));
  };
}

/** Runs one captured request's statements, prepared, on the floor's own connection. */
interface Replayer {
  replay(statements: Statement[]): undefined | Promise<void>;
  /** The PostgreSQL backend serving the replay. */
  backendPid?: number;
  close(): Promise<void>;
}

/**
 * The settings of the app's SQLite connection that change what its statements cost (journal_mode = WAL is the
 * file's own), read from it so that the floor's connection gets the same.
 */
async function appPragmas(): Promise<string[]> {
  const names = ['foreign_keys', 'synchronous', 'busy_timeout'];
  return Promise.all(
    names.map(async (name) => {
      const { rows } = await sql
        .raw<Record<string, unknown>>(`pragma ${name}`)
        .execute(app.context.database.db);
      return `${name} = ${Object.values(rows[0] ?? {})[0]}`;
    }),
  );
}

function sqliteReplayer(file: string, pragmas: readonly string[]): Replayer {
  const db = new SQLite(file);
  for (const pragma of pragmas) db.pragma(pragma);
  const prepared = new Map<string, SQLite.Statement>();
  return {
    replay(statements) {
      for (const { sql, parameters } of statements) {
        let statement = prepared.get(sql);
        if (!statement) {
          statement = db.prepare(sql);
          // Rows as arrays: the least the driver can do (better-sqlite3's row objects cost about as much again).
          if (statement.reader) statement.raw(true);
          prepared.set(sql, statement);
        }
        if (statement.reader) statement.all(parameters);
        else statement.run(parameters);
      }
      return undefined;
    },
    close: async () => {
      db.close();
    },
  };
}

async function postgresReplayer(url: string): Promise<Replayer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  const names = new Map<string, string>();
  return {
    async replay(statements) {
      for (const { sql, parameters } of statements) {
        let name = names.get(sql);
        if (name === undefined) {
          name = `raw${names.size + 1}`;
          names.set(sql, name);
        }
        await client.query({ name, text: sql, values: [...parameters] });
      }
    },
    backendPid: rows[0]?.pid as number,
    close: () => client.end(),
  };
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const backendTicks = (replayer: Replayer) =>
  replayer.backendPid === undefined ? 0 : (ticksOf(replayer.backendPid) ?? Number.NaN);

/** Replays whole turns for `seconds`: the CPU per request, of this process and of the backend. */
async function measure(
  replayer: Replayer,
  turn: () => Operation[],
  seconds: number,
): Promise<{ operations: number; processUs: number; backendTicks: number }> {
  const process0 = cpuMicros();
  const backend0 = backendTicks(replayer);
  const until = performance.now() + seconds * 1000;
  let operations = 0;
  while (performance.now() < until) {
    for (const { statements, answer } of turn()) {
      const pending = replayer.replay(statements);
      if (pending) await pending;
      JSON.stringify(answer);
      operations++;
    }
  }
  return { operations, processUs: cpuMicros() - process0, backendTicks: backendTicks(replayer) - backend0 };
}

type Captured = Map<RealRouteName, { operations: Operation[]; since: number }>;

/** The floor of every captured route, on a connection of its own. */
async function floors(captured: Captured, pragmas: readonly string[]): Promise<RawResult[]> {
  const replayer =
    storage.dialect === 'sqlite'
      ? sqliteReplayer(storage.file, pragmas)
      : await postgresReplayer(storage.url);
  const usPerTick = 1e6 / clockTicksPerSecond();
  const results: RawResult[] = [];
  try {
    for (const [route, { operations, since }] of captured) {
      if (SHOW_SQL) {
        process.stderr.write(`\n[${dialect}] ${REAL_ROUTES[route].label}\n`);
        for (const { statements } of operations) {
          for (const { sql } of statements) process.stderr.write(`  ${sql}\n`);
        }
      }
      const turn = replayOf(operations, since);
      await measure(replayer, turn, WARMUP_SECONDS);
      const run = await measure(replayer, turn, RAW_SECONDS);
      results.push({
        route,
        statements:
          operations.reduce((sum, { statements }) => sum + statements.length, 0) / operations.length,
        operations: run.operations,
        processUs: run.processUs / run.operations,
        ...(replayer.backendPid === undefined
          ? {}
          : { databaseUs: (run.backendTicks * usPerTick) / run.operations }),
      });
    }
    return results;
  } finally {
    await replayer.close();
  }
}

try {
  const captured: Captured = new Map();
  let pragmas: string[];
  try {
    for (const name of Object.keys(REAL_ROUTES) as RealRouteName[]) captured.set(name, await capture(name));
    pragmas = storage.dialect === 'sqlite' ? await appPragmas() : [];
  } finally {
    // The app's connections, its request-log worker and Redis go before the replay: nothing else runs meanwhile.
    await bench.close();
  }
  process.stdout.write(`${JSON.stringify(await floors(captured, pragmas))}\n`);
} finally {
  await storage.remove();
}
