/**
 * The load process: one autocannon run, started by bench/runner.ts in a process of its own pinned to the core the
 * server does not use. It reads the server's CPU time from /proc just before and just after the run, so the window
 * holds the run and nothing else, and prints one LoadResult as a JSON line.
 *
 * Usage: node --import tsx bench/load.ts '<LoadSpec as JSON>'
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { cpuTicks, type LoadResult, type LoadSpec } from './support.js';

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
const serverTicks = () => cpuTicks(readFileSync(`/proc/${spec.serverPid}/stat`, 'utf8'));

function requests(): autocannon.RequestSpec[] | undefined {
  const { sequence, employeeIds } = spec;
  if (!sequence) return undefined;
  const ids = employeeIds ?? [];
  let next = 0;
  return sequence.map((body, step) => ({
    method: spec.method,
    setupRequest: (request, context) => {
      if (step === 0) context.employee = ids[next++ % ids.length];
      return { ...request, body: body.replaceAll('$EMPLOYEE', String(context.employee)) };
    },
  }));
}

const latencies: number[] = [];
const statuses: Record<string, number> = {};
const sequence = requests();
const before = serverTicks();
const started = process.hrtime.bigint();
const instance = autocannon({
  url: spec.url,
  method: spec.method,
  headers: spec.headers,
  connections: spec.connections,
  pipelining: spec.pipelining,
  duration: spec.durationSeconds,
  ...(sequence ? { requests: sequence } : {}),
});
instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
});
const result = await instance;
const after = serverTicks();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

latencies.sort((a, b) => a - b);
const percentile = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
const output: LoadResult = {
  requests: Object.values(statuses).reduce((a, b) => a + b, 0),
  ok: latencies.length,
  statuses,
  errors: result.errors,
  timeouts: result.timeouts,
  seconds,
  p50: percentile(0.5),
  p99: percentile(0.99),
  serverTicks: after - before,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
