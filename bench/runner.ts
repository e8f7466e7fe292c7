/**
 * Server CPU per request (issue 12), on SQLite and, when PostgreSQL and Redis are configured, on PostgreSQL.
 * Every server runs in a process of its own pinned to core 0 (`taskset -c 0`); autocannon runs in another
 * process pinned to core 1 (bench/load.ts), and so does this runner (`npm run bench` pins it). For each run the
 * server's CPU time — utime + stime of /proc/<pid>/stat, which covers all its threads, the request-log worker
 * included — is read just before and just after the load, and
 *
 *   server CPU µs/request = ticks × (1e6 / CLK_TCK) ÷ responses received.
 *
 * On PostgreSQL the same window also reads the CPU time of the database's backends (the pids pg_stat_activity
 * lists for the benchmark's own database: the app's pool and its request-log worker's) and of redis-server,
 * printed apart as "db µs/req" and "redis µs/req". Redis is shared with whatever else runs on the machine, so its
 * figure holds their commands too; PostgreSQL's WAL writer and checkpointer serve every database and are not
 * counted. Prints, never asserts, except that the mixed workload and the soak must be answered 2xx throughout.
 *
 * Suites (BENCH_SUITE, comma-separated; default all of them, in this order):
 *
 *   routes  The route table. The variants alternate (A B C … A B C …) over BENCH_ROUNDS rounds after a warm-up,
 *           so drift and other load on the machine hit them alike; prints req/s, p50/p99 and CPU µs/request
 *           (min / median / max over the rounds) per variant, and paired differences and ratios (per round,
 *           then min / median / max). Servers: the app on each dialect (bench/server-app.ts), a plain Fastify 5
 *           route and Fastify + @fastify/rate-limit + a SHA-256 bearer check (bench/server-fastify.ts), the last
 *           two answering the body GET /v1/api-key answers with the same response schema. A route is a line in
 *           appVariants or REAL_ROUTES (bench/support.ts), a comparison a line in comparisons.
 *   raw     Each real route's floor (bench/raw.ts: its captured statements, prepared, and its JSON, no HTTP),
 *           beside the route's CPU per request from the route table when that ran: route ÷ raw (target ≤ 2×).
 *   mixed   One run per dialect of a mixed workload on a fresh server: each connection sends MIXED_TURN over
 *           and over (70% list reads, 20% punches in/out pairs, 10% employee updates), for
 *           BENCH_MIXED_SECONDS after a warm-up; prints throughput, p50/p99 and CPU µs/request.
 *   soak    BENCH_SOAK_REQUESTS requests per dialect against one fresh server, SOAK_TURN over and over,
 *           sampling the server's RSS every 100,000 responses; prints the RSS after the first and the last
 *           100,000 and the growth (target ≤ 10%).
 *
 * Run: npm run bench (all suites; about 20 minutes on an otherwise idle 2-core machine with PostgreSQL, most of
 * it the soak), or one suite: npm run bench:routes, bench:raw, bench:mixed, bench:soak. Environment:
 * BENCH_SUITE; BENCH_DIALECTS (sqlite,postgres; default both when configured); BENCH_DATABASE_URL or
 * TEST_DATABASE_URL, and BENCH_REDIS_URL or TEST_REDIS_URL, for PostgreSQL; BENCH_ROUNDS (default 3),
 * BENCH_SECONDS (per run, default 5), BENCH_WARMUP_SECONDS (per variant, default 2), BENCH_ONLY (only the
 * route-table variants whose name contains this text); BENCH_RAW_SECONDS (default 3), BENCH_RAW_SQL=1 (print
 * the captured statements); BENCH_MIXED_SECONDS (default 30); BENCH_SOAK_REQUESTS (default 2,000,000). Linux
 * only (taskset, /proc); needs at least 2 cores.
 */
import os from 'node:os';
import type { Dialect } from '../src/db/database.js';
import { loadSpec, type RunningServer, runLoad, runScript, startServer, stopServer } from './processes.js';
import {
  API_KEY,
  clockTicksPerSecond,
  type LoadRequest,
  type LoadResult,
  type LoadSpec,
  MIXED_TURN,
  PUNCH_OUT,
  postgresServers,
  RAW_SECONDS,
  type RawResult,
  REAL_ROUTES,
  type RealRouteName,
  ratio,
  SOAK_TURN,
  type Workload,
} from './support.js';

const SERVER_CORE = '0';
const LOAD_CORE = '1';
const CONNECTIONS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const ONLY = process.env.BENCH_ONLY;
const MIXED_SECONDS = Number(process.env.BENCH_MIXED_SECONDS ?? 30);
const MIXED_WARMUP_SECONDS = 5;
const SOAK_REQUESTS = Number(process.env.BENCH_SOAK_REQUESTS ?? 2_000_000);
/** Every 100,000 responses, or every tenth of BENCH_SOAK_REQUESTS when that is fewer (a quick run). */
const SOAK_SAMPLE_EVERY = Math.min(100_000, Math.max(1, Math.floor(SOAK_REQUESTS / 10)));

const SUITES = ['routes', 'raw', 'mixed', 'soak'] as const;
type Suite = (typeof SUITES)[number];
const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

function listFromEnv<T extends string>(name: string, allowed: readonly T[]): T[] {
  const value = process.env[name];
  if (!value) return [...allowed];
  const chosen = value.split(',').map((item) => item.trim());
  const unknown = chosen.filter((item) => !(allowed as readonly string[]).includes(item));
  if (unknown.length > 0)
    throw new Error(`${name}: unknown ${unknown.join(', ')} (one of ${allowed.join(', ')})`);
  return allowed.filter((item) => chosen.includes(item));
}

type ServerName = `app-${Dialect}` | 'plain' | 'rate-limit';

/** How to start each server: a script under bench/ and its arguments. */
const SERVERS: Record<ServerName, { script: string; args: string[]; label: string }> = {
  'app-sqlite': {
    script: 'server-app.ts',
    args: ['sqlite'],
    label: 'Punchclock (SQLite, memory rate-limit store, LOG_LEVEL=warn)',
  },
  'app-postgres': {
    script: 'server-app.ts',
    args: ['postgres'],
    label: 'Punchclock (PostgreSQL, Redis, LOG_LEVEL=warn)',
  },
  plain: {
    script: 'server-fastify.ts',
    args: ['plain'],
    label: 'plain Fastify 5 route, same body and schema',
  },
  'rate-limit': {
    script: 'server-fastify.ts',
    args: ['rate-limit'],
    label: 'Fastify + @fastify/rate-limit + SHA-256 bearer check',
  },
};

interface Variant extends Workload {
  name: string;
  server: ServerName;
  /** The real route it measures (for the raw floor's table). */
  route?: RealRouteName;
}

const CONTROL: LoadRequest = { method: 'GET', path: '/bench/control' };

function appVariants(dialect: Dialect, pipelining: number): Variant[] {
  const server = `app-${dialect}` as const;
  const tag = `-p${pipelining} [${dialect}]`;
  return [
    { name: `control (app, no auth) ${tag}`, server, requests: [CONTROL], auth: false, pipelining },
    { name: `GET /v1/api-key ${tag}`, server, requests: [API_KEY], auth: true, pipelining },
  ];
}

function routeVariants(dialect: Dialect): Variant[] {
  return (Object.keys(REAL_ROUTES) as RealRouteName[]).map((route) => {
    const { label, requests, finish } = REAL_ROUTES[route];
    return {
      name: `${label} -p1 [${dialect}]`,
      server: `app-${dialect}` as const,
      requests,
      ...(finish ? { finish } : {}),
      auth: true,
      pipelining: 1,
      route,
    };
  });
}

function comparisonVariants(pipelining: number): Variant[] {
  return [
    { name: `plain Fastify -p${pipelining}`, server: 'plain', requests: [API_KEY], auth: false, pipelining },
    {
      name: `rate-limit stack -p${pipelining}`,
      server: 'rate-limit',
      requests: [API_KEY],
      auth: true,
      pipelining,
    },
  ];
}

/** The route table: every line is measured in every round, in this order. */
function allVariants(dialects: readonly Dialect[]): Variant[] {
  return [
    ...[10, 1].flatMap((pipelining) => [
      ...comparisonVariants(pipelining),
      ...dialects.flatMap((dialect) => appVariants(dialect, pipelining)),
    ]),
    ...dialects.flatMap(routeVariants),
  ];
}

/** Paired per round: `diff` is a − b in CPU µs/request (server and database), `ratio` a ÷ b. */
function comparisons(dialects: readonly Dialect[]) {
  return [
    ...dialects.flatMap((dialect) =>
      [10, 1].flatMap((p) => [
        {
          label: `pipeline − control, -p${p} [${dialect}] (µs)`,
          a: `GET /v1/api-key -p${p} [${dialect}]`,
          b: `control (app, no auth) -p${p} [${dialect}]`,
          kind: 'diff' as const,
        },
        {
          label: `pipeline ÷ rate-limit stack, -p${p} [${dialect}]`,
          a: `GET /v1/api-key -p${p} [${dialect}]`,
          b: `rate-limit stack -p${p}`,
          kind: 'ratio' as const,
        },
      ]),
    ),
    {
      label: 'rate-limit stack − plain, -p10 (µs)',
      a: 'rate-limit stack -p10',
      b: 'plain Fastify -p10',
      kind: 'diff' as const,
    },
    {
      label: 'control − plain, -p10 [sqlite] (µs)',
      a: 'control (app, no auth) -p10 [sqlite]',
      b: 'plain Fastify -p10',
      kind: 'diff' as const,
    },
  ];
}

/** "GET /v1/api-key ×96, GET /v1/employees ×1, …": what a turn sends, query strings left out. */
function describeTurn(requests: readonly LoadRequest[]): string {
  const counts = new Map<string, number>();
  for (const { method, path } of requests) {
    const what = `${method} ${path.split('?')[0]}`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return [...counts].map(([what, count]) => `${what} ×${count}`).join(', ');
}

const firstApp = (servers: Map<ServerName, RunningServer>) =>
  [...servers.values()].find((server) => server.ready.app)?.ready.app;

/**
 * A load of `workload` against the server `name`: with its own app's key and seed, or (a comparison server) the
 * first app's.
 */
function specOf(
  servers: Map<ServerName, RunningServer>,
  name: ServerName,
  workload: Workload,
  run: Pick<LoadSpec, 'durationSeconds' | 'amount' | 'rssEveryRequests'>,
): LoadSpec {
  const ready = servers.get(name)?.ready;
  const app = ready?.app ?? firstApp(servers);
  if (!ready || !app) throw new Error(`server ${name} (or an app) is not running`);
  return loadSpec(ready, app, workload, { connections: CONNECTIONS, ...run });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const spread = (values: number[], digits: number) =>
  [Math.min(...values), median(values), Math.max(...values)].map((v) => v.toFixed(digits)).join(' / ');

const usPerTick = 1e6 / clockTicksPerSecond();
const perRequest = (ticks: number, run: LoadResult) => (ticks * usPerTick) / Math.max(run.requests, 1);
const serverUs = (run: LoadResult) => perRequest(run.serverTicks, run);
/** Server plus database CPU: what the PostgreSQL targets add up. */
const totalUs = (run: LoadResult) => perRequest(run.serverTicks + (run.databaseTicks ?? 0), run);
const optionalUs = (runs: LoadResult[], ticks: (run: LoadResult) => number | undefined) => {
  const values = runs.flatMap((run) => {
    const value = ticks(run);
    return value === undefined ? [] : [perRequest(value, run)];
  });
  return values.length === 0 ? '—' : median(values).toFixed(1);
};

function statusText(runs: LoadResult[]): string {
  const statuses: Record<string, number> = {};
  for (const run of runs) {
    for (const [status, count] of Object.entries(run.statuses))
      statuses[status] = (statuses[status] ?? 0) + count;
    if (run.errors) statuses.errors = (statuses.errors ?? 0) + run.errors;
    if (run.timeouts) statuses.timeouts = (statuses.timeouts ?? 0) + run.timeouts;
  }
  return Object.entries(statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
}

const HEADER =
  `${'req/s min / med / max'.padStart(24)}  ${'p50 ms'.padStart(6)}  ${'p99 ms'.padStart(6)}  ` +
  `${'CPU µs/req min / med / max'.padStart(26)}  ${'db µs/req'.padStart(9)}  ${'redis µs/req'.padStart(12)}  ` +
  'srv CPU  statuses';

function resultLine(runs: LoadResult[]): string {
  return [
    spread(
      runs.map((r) => r.requests / r.seconds),
      0,
    ).padStart(24),
    median(runs.map((r) => r.p50))
      .toFixed(2)
      .padStart(6),
    median(runs.map((r) => r.p99))
      .toFixed(2)
      .padStart(6),
    spread(runs.map(serverUs), 1).padStart(26),
    optionalUs(runs, (r) => r.databaseTicks).padStart(9),
    optionalUs(runs, (r) => r.redisTicks).padStart(12),
    `${median(runs.map((r) => (r.serverTicks * usPerTick) / 1e4 / r.seconds))
      .toFixed(0)
      .padStart(6)}%`,
    statusText(runs),
  ].join('  ');
}

function noteEndedBackends(runs: LoadResult[]): void {
  const ended = runs.reduce((sum, run) => sum + (run.backendsEnded ?? 0), 0);
  if (ended > 0) {
    console.log(
      `  note: ${ended} database backend(s) ended during runs (the pool closes connections idle for 10 s): ` +
        'the CPU they used between the first reading and their end is not counted',
    );
  }
}

/** One run per dialect, as a table. */
function printRuns(results: [Dialect, LoadResult][]): void {
  console.log(`\n${'dialect'.padEnd(10)} ${HEADER}`);
  for (const [dialect, run] of results) console.log(`${dialect.padEnd(10)} ${resultLine([run])}`);
  noteEndedBackends(results.map(([, run]) => run));
}

/** The mixed workload and the soak must be answered 2xx throughout: a failing route would look fast. */
function assertAllOk(suite: string, results: [Dialect, LoadResult][]): void {
  const failed = results.filter(([, run]) => run.ok !== run.requests || run.errors > 0 || run.timeouts > 0);
  if (failed.length > 0) {
    throw new Error(`${suite}: not every request was answered 2xx on ${failed.map(([dialect]) => dialect)}`);
  }
}

/** Starts the servers one after the other (`env`: what each is started with), runs `work`, stops them. */
async function withServers<T>(
  names: readonly ServerName[],
  work: (servers: Map<ServerName, RunningServer>) => Promise<T>,
  env: (started: Map<ServerName, RunningServer>) => Record<string, string> = () => ({}),
): Promise<T> {
  const servers = new Map<ServerName, RunningServer>();
  try {
    for (const name of names) {
      servers.set(
        name,
        await startServer(SERVERS[name].script, SERVERS[name].args, { core: SERVER_CORE, env: env(servers) }),
      );
      console.log(
        `  ${name.padEnd(12)} pid ${servers.get(name)?.ready.watch.serverPid}  ${SERVERS[name].label}`,
      );
    }
    return await work(servers);
  } finally {
    await Promise.all([...servers.values()].map(stopServer));
  }
}

/** Every variant's runs, by name. */
type RouteRuns = Map<string, { variant: Variant; runs: LoadResult[] }>;

/** The route table. */
async function routeSuite(dialects: readonly Dialect[]): Promise<RouteRuns> {
  const variants = allVariants(dialects).filter((v) => !ONLY || v.name.includes(ONLY));
  console.log(
    `\n== routes: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up per variant, then ${ROUNDS} rounds ` +
      `of ${SECONDS} s per variant, alternating`,
  );
  // The comparison servers answer the app's body and accept the app's key: an app starts first, whatever is run.
  const apps = dialects
    .filter((d) => variants.some((v) => v.server === `app-${d}`))
    .map((d) => `app-${d}` as const);
  const names: ServerName[] = [
    ...(apps.length > 0 ? apps : [`app-${dialects[0] ?? 'sqlite'}` as const]),
    ...(['plain', 'rate-limit'] as const).filter((name) => variants.some((v) => v.server === name)),
  ];
  const env = (started: Map<ServerName, RunningServer>): Record<string, string> => {
    const app = firstApp(started);
    return app ? { BENCH_BODY: app.body, BENCH_KEY: app.key } : {};
  };
  return withServers(
    names,
    async (servers) => {
      const spec = (variant: Variant, durationSeconds: number) =>
        specOf(servers, variant.server, variant, { durationSeconds });

      // Same body on every control route, or the comparison is not like for like.
      for (const variant of variants.filter(
        (v) => v.requests[0] === CONTROL || !v.server.startsWith('app-'),
      )) {
        const { url, headers, requests } = spec(variant, 0);
        const served = await fetch(url + requests[0]?.path, { headers }).then((r) => r.text());
        if (served !== (servers.get(variant.server)?.ready.app ?? firstApp(servers))?.body)
          throw new Error(`${variant.name} must answer the same body as GET /v1/api-key`);
      }

      console.log('warm-up');
      for (const variant of variants) await runLoad(spec(variant, WARMUP_SECONDS), LOAD_CORE);
      const results = new Map(
        variants.map((variant) => [variant.name, { variant, runs: [] as LoadResult[] }]),
      );
      for (let round = 1; round <= ROUNDS; round++) {
        console.log(`round ${round}/${ROUNDS}`);
        for (const variant of variants)
          results.get(variant.name)?.runs.push(await runLoad(spec(variant, SECONDS), LOAD_CORE));
      }

      console.log(`\n${'variant'.padEnd(44)} ${HEADER}`);
      for (const { variant, runs } of results.values())
        console.log(`${variant.name.padEnd(44)} ${resultLine(runs)}`);
      noteEndedBackends([...results.values()].flatMap((r) => r.runs));

      const pairs = comparisons(dialects).flatMap(({ label, a, b, kind }) => {
        const runsA = results.get(a)?.runs;
        const runsB = results.get(b)?.runs;
        if (!runsA || !runsB) return [];
        const paired = runsA.map((runA, i) => {
          const runB = runsB[i] as LoadResult;
          return kind === 'diff' ? totalUs(runA) - totalUs(runB) : totalUs(runA) / totalUs(runB);
        });
        return [`  ${label.padEnd(48)} ${spread(paired, kind === 'diff' ? 1 : 2)}`];
      });
      if (pairs.length > 0) {
        console.log('\npaired, per round (min / median / max; server + db CPU)');
        for (const line of pairs) console.log(line);
      }
      console.log(
        '\np50/p99: client-side latency of the 2xx responses (median over the rounds); CPU: the server ' +
          'process; db: the PostgreSQL backends of its database; redis: redis-server (shared with anything else ' +
          "using it); srv CPU: the server's CPU time over the run's wall time (100% = one core busy)",
      );
      return results;
    },
    env,
  );
}

async function rawSuite(dialects: readonly Dialect[], routes: RouteRuns | undefined): Promise<void> {
  console.log(
    `\n== raw floor: each real route's captured statements, prepared, and JSON.stringify of its answer, no HTTP ` +
      `(bench/raw.ts on core ${SERVER_CORE}, ${RAW_SECONDS} s per route)`,
  );
  console.log(
    `${'route'.padEnd(32)} ${'dialect'.padEnd(8)} ${'stmts/req'.padStart(9)}  ${'route srv'.padStart(9)}  ` +
      `${'route db'.padStart(8)}  ${'raw proc'.padStart(8)}  ${'raw db'.padStart(7)}  route ÷ raw`,
  );
  for (const dialect of dialects) {
    const floors = await runScript<RawResult[]>('raw.ts', [dialect], { core: SERVER_CORE });
    for (const floor of floors) {
      const runs = [...(routes?.values() ?? [])].find(
        ({ variant }) => variant.route === floor.route && variant.server === `app-${dialect}`,
      )?.runs;
      const rawTotal = floor.processUs + (floor.databaseUs ?? 0);
      const cells = [
        REAL_ROUTES[floor.route].label.padEnd(32),
        dialect.padEnd(8),
        floor.statements.toFixed(1).padStart(9),
        (runs ? median(runs.map(serverUs)).toFixed(1) : '—').padStart(9),
        (runs ? optionalUs(runs, (r) => r.databaseTicks) : '—').padStart(8),
        floor.processUs.toFixed(1).padStart(8),
        (floor.databaseUs === undefined ? '—' : floor.databaseUs.toFixed(1)).padStart(7),
        runs ? ratio(median(runs.map(totalUs)), rawTotal) : '—',
      ];
      console.log(cells.join(' '));
    }
  }
  console.log(
    'µs per request (route) and per replayed request (raw); route ÷ raw compares server + db with process + db ' +
      '(redis is the pipeline’s, not the route’s); target ≤ 2×',
  );
}

async function mixedSuite(dialects: readonly Dialect[]): Promise<void> {
  console.log(
    `\n== mixed workload: ${CONNECTIONS} connections, each sending a turn of ${MIXED_TURN.length} requests ` +
      `over and over (${describeTurn(MIXED_TURN)}); ` +
      `${MIXED_WARMUP_SECONDS} s warm-up, then ${MIXED_SECONDS} s`,
  );
  const results: [Dialect, LoadResult][] = [];
  for (const dialect of dialects) {
    const server: ServerName = `app-${dialect}`;
    const workload: Workload = { requests: MIXED_TURN, finish: PUNCH_OUT, auth: true, pipelining: 1 };
    const run = await withServers([server], async (servers) => {
      await runLoad(specOf(servers, server, workload, { durationSeconds: MIXED_WARMUP_SECONDS }), LOAD_CORE);
      return runLoad(specOf(servers, server, workload, { durationSeconds: MIXED_SECONDS }), LOAD_CORE);
    });
    results.push([dialect, run]);
  }
  printRuns(results);
  assertAllOk('mixed workload', results);
}

async function soakSuite(dialects: readonly Dialect[]): Promise<void> {
  console.log(
    `\n== soak: ${SOAK_REQUESTS.toLocaleString('en')} requests per dialect against one fresh server, ` +
      `${CONNECTIONS} connections, turns of ${SOAK_TURN.length} requests (${describeTurn(SOAK_TURN)}); ` +
      `RSS sampled every ${SOAK_SAMPLE_EVERY.toLocaleString('en')} responses`,
  );
  const results: [Dialect, LoadResult][] = [];
  for (const dialect of dialects) {
    const server: ServerName = `app-${dialect}`;
    const workload: Workload = { requests: SOAK_TURN, finish: PUNCH_OUT, auth: true, pipelining: 1 };
    const run = await withServers([server], (servers) =>
      runLoad(
        specOf(servers, server, workload, { amount: SOAK_REQUESTS, rssEveryRequests: SOAK_SAMPLE_EVERY }),
        LOAD_CORE,
      ),
    );
    results.push([dialect, run]);
  }
  printRuns(results);
  const mib = (kib: number) => (kib / 1024).toFixed(1);
  for (const [dialect, run] of results) {
    const samples = run.rss ?? [];
    const first = samples[0];
    const last = samples.at(-1);
    if (!first || !last) continue;
    console.log(
      `[${dialect}] ${run.requests.toLocaleString('en')} requests in ${run.seconds.toFixed(0)} s; RSS after ` +
        `${first.requests.toLocaleString('en')}: ${mib(first.kib)} MiB, after ` +
        `${last.requests.toLocaleString('en')}: ${mib(last.kib)} MiB, growth ` +
        `${(((last.kib - first.kib) / first.kib) * 100).toFixed(1)}% (target ≤ 10%)`,
    );
    console.log(`[${dialect}] RSS MiB per sample: ${samples.map((sample) => mib(sample.kib)).join(' ')}`);
  }
  assertAllOk('soak', results);
}

async function main(): Promise<void> {
  if (os.cpus().length < 2)
    throw new Error('the benchmark pins the server and the load to two different cores');
  const suites = listFromEnv<Suite>('BENCH_SUITE', SUITES);
  const configured: readonly Dialect[] = postgresServers() ? DIALECTS : ['sqlite'];
  const dialects = listFromEnv<Dialect>('BENCH_DIALECTS', DIALECTS).filter((d) => configured.includes(d));
  console.log(
    `server CPU per request — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, CLK_TCK ${1e6 / usPerTick}`,
  );
  console.log(
    `servers on core ${SERVER_CORE}, autocannon on core ${LOAD_CORE} (separate processes); suites ` +
      `${suites.join(', ')}; dialects ${dialects.join(', ')}`,
  );
  if (!postgresServers()) {
    console.log(
      'PostgreSQL not measured: set BENCH_DATABASE_URL or TEST_DATABASE_URL, and BENCH_REDIS_URL or ' +
        'TEST_REDIS_URL',
    );
  }
  console.log(
    'other load on this machine (a CI run, another session) lands in these figures: read them as such',
  );

  const routes = suites.includes('routes') ? await routeSuite(dialects) : undefined;
  if (suites.includes('raw')) await rawSuite(dialects, routes);
  if (suites.includes('mixed')) await mixedSuite(dialects);
  if (suites.includes('soak')) await soakSuite(dialects);
}

await main();
