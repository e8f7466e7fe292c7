/**
 * Server CPU per request (issue 12). Every server runs in a process of its own pinned to core 0 (`taskset -c 0`);
 * autocannon runs in another process pinned to core 1 (bench/load.ts); the variants alternate (A B C … A B C …)
 * over several rounds after a warm-up, so drift and other load on the machine hit them alike. For each run the
 * server's CPU time — utime + stime of /proc/<pid>/stat, which covers all its threads, the request-log worker
 * included — is read just before and just after the load, and
 *
 *   server CPU µs/request = ticks × (1e6 / CLK_TCK) ÷ responses received.
 *
 * Prints req/s, p50/p99 latency and CPU µs/request (min / median / max over the rounds) per variant, and paired
 * differences and ratios (computed per round, then min / median / max). Prints, never asserts.
 *
 * Servers: the app (bench/server-app.ts: SQLite, memory rate-limit store, LOG_LEVEL=warn), a plain Fastify 5 route
 * and Fastify + @fastify/rate-limit + a SHA-256 bearer check (bench/server-fastify.ts), all answering the same body
 * with the same response schema. To measure another route, add a line to VARIANTS (and, for a comparison, to
 * COMPARISONS); another server or dialect is a line in SERVERS.
 *
 * Run: npm run bench. Environment: BENCH_ROUNDS (default 3), BENCH_SECONDS (per run, default 5),
 * BENCH_WARMUP_SECONDS (default 2), BENCH_ONLY (run only the variants whose name contains this text).
 * Linux only (taskset, /proc); needs at least 2 cores.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec, ServerReady } from './support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_CORE = '0';
const LOAD_CORE = '1';
const CONNECTIONS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const ONLY = process.env.BENCH_ONLY;

type ServerName = 'app' | 'plain' | 'rate-limit';

/** How to start each server: a script under bench/ and its arguments. */
const SERVERS: Record<ServerName, { script: string; args: string[]; label: string }> = {
  app: { script: 'server-app.ts', args: [], label: 'Punchclock (SQLite, memory store, LOG_LEVEL=warn)' },
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

interface Variant {
  name: string;
  server: ServerName;
  method: 'GET' | 'POST';
  path: string;
  /** Sends the app's key as a bearer token. */
  auth: boolean;
  pipelining: number;
  /** POST bodies sent in turn by each connection ($EMPLOYEE: one seeded employee per turn). */
  sequence?: string[];
}

const PUNCH_PAIR = ['in', 'out'].map((type) => JSON.stringify({ employeeId: '$EMPLOYEE', type }));

/** The route table: every line is measured in every round, in this order. */
const VARIANTS: Variant[] = [
  {
    name: 'control (app, no auth) -p10',
    server: 'app',
    method: 'GET',
    path: '/bench/control',
    auth: false,
    pipelining: 10,
  },
  {
    name: 'plain Fastify -p10',
    server: 'plain',
    method: 'GET',
    path: '/v1/api-key',
    auth: false,
    pipelining: 10,
  },
  {
    name: 'rate-limit stack -p10',
    server: 'rate-limit',
    method: 'GET',
    path: '/v1/api-key',
    auth: true,
    pipelining: 10,
  },
  {
    name: 'GET /v1/api-key -p10',
    server: 'app',
    method: 'GET',
    path: '/v1/api-key',
    auth: true,
    pipelining: 10,
  },
  {
    name: 'control (app, no auth) -p1',
    server: 'app',
    method: 'GET',
    path: '/bench/control',
    auth: false,
    pipelining: 1,
  },
  {
    name: 'plain Fastify -p1',
    server: 'plain',
    method: 'GET',
    path: '/v1/api-key',
    auth: false,
    pipelining: 1,
  },
  {
    name: 'rate-limit stack -p1',
    server: 'rate-limit',
    method: 'GET',
    path: '/v1/api-key',
    auth: true,
    pipelining: 1,
  },
  {
    name: 'GET /v1/api-key -p1',
    server: 'app',
    method: 'GET',
    path: '/v1/api-key',
    auth: true,
    pipelining: 1,
  },
  {
    name: 'GET /v1/employees?limit=25 -p1',
    server: 'app',
    method: 'GET',
    path: '/v1/employees?limit=25',
    auth: true,
    pipelining: 1,
  },
  {
    name: 'GET /v1/time-entries?limit=25 -p1',
    server: 'app',
    method: 'GET',
    path: '/v1/time-entries?limit=25',
    auth: true,
    pipelining: 1,
  },
  {
    name: 'POST /v1/punches in/out -p1',
    server: 'app',
    method: 'POST',
    path: '/v1/punches',
    auth: true,
    pipelining: 1,
    sequence: PUNCH_PAIR,
  },
];

/** Paired per round: `diff` is a − b in CPU µs/request, `ratio` a ÷ b. */
const COMPARISONS: { label: string; a: string; b: string; kind: 'diff' | 'ratio' }[] = [
  {
    label: 'pipeline − control, -p10 (µs)',
    a: 'GET /v1/api-key -p10',
    b: 'control (app, no auth) -p10',
    kind: 'diff',
  },
  {
    label: 'pipeline − control, -p1 (µs)',
    a: 'GET /v1/api-key -p1',
    b: 'control (app, no auth) -p1',
    kind: 'diff',
  },
  {
    label: 'pipeline ÷ rate-limit stack, -p10',
    a: 'GET /v1/api-key -p10',
    b: 'rate-limit stack -p10',
    kind: 'ratio',
  },
  {
    label: 'pipeline ÷ rate-limit stack, -p1',
    a: 'GET /v1/api-key -p1',
    b: 'rate-limit stack -p1',
    kind: 'ratio',
  },
  {
    label: 'rate-limit stack − plain, -p10 (µs)',
    a: 'rate-limit stack -p10',
    b: 'plain Fastify -p10',
    kind: 'diff',
  },
  {
    label: 'control − plain, -p10 (µs)',
    a: 'control (app, no auth) -p10',
    b: 'plain Fastify -p10',
    kind: 'diff',
  },
];

interface RunningServer {
  child: ChildProcess;
  ready: ServerReady;
}

function startServer(name: ServerName, env: Record<string, string>): Promise<RunningServer> {
  const { script, args } = SERVERS[name];
  const child = spawn(
    'taskset',
    ['-c', SERVER_CORE, process.execPath, '--import', 'tsx', path.join('bench', script), ...args],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    child.once('message', (message: ServerReady) => resolve({ child, ready: message }));
    child.once('exit', (code) =>
      reject(new Error(`${script} ${args.join(' ')} exited (${code}) before it was ready`)),
    );
  });
}

function stopServer({ child }: RunningServer): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = spawn(
    'taskset',
    [
      '-c',
      LOAD_CORE,
      process.execPath,
      '--import',
      'tsx',
      path.join('bench', 'load.ts'),
      JSON.stringify(spec),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) reject(new Error(`bench/load.ts exited (${code}): ${out}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });
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

async function main(): Promise<void> {
  if (os.cpus().length < 2)
    throw new Error('the benchmark pins the server and the load to two different cores');
  const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const usPerTick = 1e6 / clockTicks;
  const variants = VARIANTS.filter((v) => !ONLY || v.name.includes(ONLY));
  console.log(
    `server CPU per request — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, CLK_TCK ${clockTicks}`,
  );
  console.log(
    `servers on core ${SERVER_CORE}, autocannon on core ${LOAD_CORE} (separate processes), ${CONNECTIONS} ` +
      `connections, ${WARMUP_SECONDS} s warm-up per variant, then ${ROUNDS} rounds of ${SECONDS} s per variant, ` +
      'alternating',
  );
  console.log(
    'other load on this machine (a CI run, another session) lands in these figures: read them as such\n',
  );

  const servers = new Map<ServerName, RunningServer>();
  try {
    const app = await startServer('app', {});
    servers.set('app', app);
    const { key = '', body = '', employeeIds = [] } = app.ready;
    for (const name of ['plain', 'rate-limit'] as const) {
      if (variants.some((v) => v.server === name)) {
        servers.set(name, await startServer(name, { BENCH_BODY: body, BENCH_KEY: key }));
      }
    }
    for (const [name, server] of servers) {
      console.log(`  ${name.padEnd(10)} pid ${server.ready.pid}  ${SERVERS[name].label}`);
    }

    const specOf = (variant: Variant, durationSeconds: number): LoadSpec => {
      const server = servers.get(variant.server);
      if (!server) throw new Error(`server ${variant.server} is not running`);
      return {
        url: server.ready.url + variant.path,
        method: variant.method,
        headers: {
          ...(variant.auth ? { authorization: `Bearer ${key}` } : {}),
          ...(variant.method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        connections: CONNECTIONS,
        pipelining: variant.pipelining,
        durationSeconds,
        serverPid: server.ready.pid,
        ...(variant.sequence ? { sequence: variant.sequence, employeeIds } : {}),
      };
    };

    // Same body on every control route, or the comparison is not like for like.
    for (const variant of variants.filter((v) => v.path === '/bench/control' || v.server !== 'app')) {
      const spec = specOf(variant, 0);
      const served = await fetch(spec.url, { headers: spec.headers }).then((r) => r.text());
      if (served !== body) throw new Error(`${variant.name} must answer the same body as GET /v1/api-key`);
    }

    console.log('\nwarm-up');
    for (const variant of variants) await runLoad(specOf(variant, WARMUP_SECONDS));

    const results = new Map<string, LoadResult[]>(variants.map((v) => [v.name, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`round ${round}/${ROUNDS}`);
      for (const variant of variants)
        results.get(variant.name)?.push(await runLoad(specOf(variant, SECONDS)));
    }

    const cpuPerRequest = (r: LoadResult) => (r.serverTicks * usPerTick) / Math.max(r.requests, 1);
    console.log(
      `\n${'variant'.padEnd(36)} ${'req/s min / med / max'.padStart(24)}  ${'p50 ms'.padStart(6)}  ` +
        `${'p99 ms'.padStart(6)}  ${'CPU µs/req min / med / max'.padStart(26)}  srv CPU  statuses`,
    );
    for (const variant of variants) {
      const runs = results.get(variant.name) ?? [];
      const statuses: Record<string, number> = {};
      for (const run of runs) {
        for (const [status, count] of Object.entries(run.statuses))
          statuses[status] = (statuses[status] ?? 0) + count;
        if (run.errors) statuses.errors = (statuses.errors ?? 0) + run.errors;
        if (run.timeouts) statuses.timeouts = (statuses.timeouts ?? 0) + run.timeouts;
      }
      console.log(
        `${variant.name.padEnd(36)} ${spread(
          runs.map((r) => r.requests / r.seconds),
          0,
        ).padStart(24)}  ${median(runs.map((r) => r.p50))
          .toFixed(2)
          .padStart(6)}  ${median(runs.map((r) => r.p99))
          .toFixed(2)
          .padStart(6)}  ${spread(runs.map(cpuPerRequest), 1).padStart(26)}  ${median(
          runs.map((r) => (r.serverTicks / clockTicks / r.seconds) * 100),
        )
          .toFixed(0)
          .padStart(6)}%  ${Object.entries(statuses)
          .map(([status, count]) => `${status}×${count}`)
          .join(' ')}`,
      );
    }

    console.log('\npaired, per round (min / median / max)');
    for (const { label, a, b, kind } of COMPARISONS) {
      const runsA = results.get(a);
      const runsB = results.get(b);
      if (!runsA || !runsB) continue;
      const paired = runsA.map((runA, i) => {
        const runB = runsB[i] as LoadResult;
        return kind === 'diff'
          ? cpuPerRequest(runA) - cpuPerRequest(runB)
          : cpuPerRequest(runA) / cpuPerRequest(runB);
      });
      console.log(`  ${label.padEnd(40)} ${spread(paired, kind === 'diff' ? 1 : 2)}`);
    }
    console.log(
      '\np50/p99: client-side latency of the 2xx responses (median over the rounds); srv CPU: the server ' +
        "process's CPU time over the run's wall time (100% = one core busy)",
    );
  } finally {
    await Promise.all([...servers.values()].map(stopServer));
  }
}

await main();
