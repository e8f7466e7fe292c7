/**
 * The load process: one autocannon run, started by bench/runner.ts in a process of its own pinned to the core the
 * server does not use. Just before and just after the run it reads the CPU time of the server process and, where
 * the spec names them, of the PostgreSQL backends serving the server's database and of redis-server (all from
 * /proc/<pid>/stat), so the window holds the run and nothing else; it can also sample the server's RSS as the
 * responses come in. Prints one LoadResult as a JSON line.
 *
 * Usage: node --import tsx bench/load.ts '<LoadSpec as JSON>'
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { fill, type LoadRequest, type LoadResult, type LoadSpec, ticksOf } from './support.js';

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
const { watch } = spec;

const headersOf = (request: LoadRequest) =>
  request.body === undefined ? spec.headers : { ...spec.headers, 'content-type': 'application/json' };

const employeeIds = spec.employeeIds ?? [];
/** What fills the placeholders of turn number `turn`. */
const valuesOf = (turn: number) => ({
  EMPLOYEE: employeeIds[turn % employeeIds.length] ?? '',
  TURN: `${process.pid}-${turn}`,
});
/** Turns started whose last response has not come back. */
const unfinished = new Set<number>();
let turns = 0;

/** Static requests when nothing in them changes from turn to turn; otherwise each is filled in as it is sent. */
function requestSpecs(): autocannon.RequestSpec[] {
  const perTurn = spec.requests.some((request) => `${request.path}${request.body ?? ''}`.includes('$'));
  if (!perTurn) {
    return spec.requests.map((request) => ({ ...request, headers: headersOf(request) }));
  }
  const last = spec.requests.length - 1;
  return spec.requests.map((request, step) => ({
    method: request.method,
    setupRequest: (built, context) => {
      if (step === 0) {
        const turn = turns++;
        context.turn = turn;
        context.values = valuesOf(turn);
        unfinished.add(turn);
      }
      const values = context.values as Record<string, string>;
      return {
        ...built,
        path: fill(request.path, values),
        headers: headersOf(request),
        ...(request.body === undefined ? {} : { body: fill(request.body, values) }),
      };
    },
    ...(step === last
      ? { onResponse: (_status, _body, context) => unfinished.delete(context.turn as number) }
      : {}),
  }));
}

/**
 * Sends spec.finish for every turn cut short, once the server has had a moment to answer what was in flight when
 * autocannon stopped (it closes the sockets, not the server's work).
 */
async function finishTurns(): Promise<void> {
  const { finish } = spec;
  if (!finish) return;
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (const turn of unfinished) {
    const values = valuesOf(turn);
    const response = await fetch(spec.url + fill(finish.path, values), {
      method: finish.method,
      headers: headersOf(finish),
      ...(finish.body === undefined ? {} : { body: fill(finish.body, values) }),
    });
    await response.arrayBuffer();
  }
  unfinished.clear();
}

interface Run {
  result: autocannon.Result;
  statuses: Record<string, number>;
  latencies: number[];
  rss: { requests: number; kib: number }[];
}

function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  return Number(line?.[1] ?? Number.NaN);
}

async function run(length: { duration: number } | { amount: number }, sampleRss: boolean): Promise<Run> {
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const rss: Run['rss'] = [];
  let responses = 0;
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    pipelining: spec.pipelining,
    requests: requestSpecs(),
    ...length,
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    responses++;
    if (sampleRss && spec.rssEveryRequests && responses % spec.rssEveryRequests === 0) {
      rss.push({ requests: responses, kib: rssKiB(watch.serverPid) });
    }
  });
  return { result: await instance, statuses, latencies, rss };
}

/** The database's backends and their CPU time, by pid. */
async function backendTicks(client: pg.Client, name: string): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = $1',
    [name],
  );
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    const value = ticksOf(pid);
    if (value !== undefined) ticks.set(pid, value);
  }
  return ticks;
}

/** CPU time of the processes the run causes work in besides the server. */
interface Others {
  backends?: Map<number, number>;
  redis?: number;
}

function running(pid: number, what: string): number {
  const ticks = ticksOf(pid);
  if (ticks === undefined) throw new Error(`${what} (pid ${pid}) is not running`);
  return ticks;
}

async function readOthers(client: pg.Client | undefined): Promise<Others> {
  return {
    ...(client && watch.database ? { backends: await backendTicks(client, watch.database.name) } : {}),
    ...(watch.redisPid === undefined ? {} : { redis: running(watch.redisPid, 'redis-server') }),
  };
}

const client = watch.database ? new pg.Client({ connectionString: watch.database.url }) : undefined;
await client?.connect();
if (spec.primeSeconds) {
  await run({ duration: spec.primeSeconds }, false);
  await finishTurns();
}
// The server's ticks are read last before the run and first after it: the window is the server's.
const othersBefore = await readOthers(client);
const serverBefore = running(watch.serverPid, 'the server');
const started = process.hrtime.bigint();
const { result, statuses, latencies, rss } = await run(
  spec.amount === undefined ? { duration: spec.durationSeconds ?? 1 } : { amount: spec.amount },
  true,
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const serverAfter = running(watch.serverPid, 'the server');
const othersAfter = await readOthers(client);
await client?.end();
await finishTurns();

latencies.sort((a, b) => a - b);
const percentile = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN;
let databaseTicks: number | undefined;
let backendsEnded: number | undefined;
if (othersBefore.backends && othersAfter.backends) {
  const { backends: first } = othersBefore;
  const { backends: last } = othersAfter;
  // A backend started during the run counts from zero: its start-up is work the run caused.
  databaseTicks = [...last].reduce((sum, [pid, ticks]) => sum + ticks - (first.get(pid) ?? 0), 0);
  backendsEnded = [...first.keys()].filter((pid) => !last.has(pid)).length;
}
const output: LoadResult = {
  requests: Object.values(statuses).reduce((a, b) => a + b, 0),
  ok: latencies.length,
  statuses,
  errors: result.errors,
  timeouts: result.timeouts,
  seconds,
  p50: percentile(0.5),
  p99: percentile(0.99),
  serverTicks: serverAfter - serverBefore,
  ...(databaseTicks === undefined ? {} : { databaseTicks, backendsEnded }),
  ...(othersBefore.redis === undefined || othersAfter.redis === undefined
    ? {}
    : { redisTicks: othersAfter.redis - othersBefore.redis }),
  ...(spec.rssEveryRequests ? { rss } : {}),
};
process.stdout.write(`${JSON.stringify(output)}\n`);
