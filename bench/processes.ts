/**
 * The benchmark's child processes: servers (bench/server-app.ts, bench/server-fastify.ts), which tell their parent
 * over IPC that they listen, and scripts that print one JSON line (bench/load.ts, bench/raw.ts). bench/runner.ts
 * pins each to a core with taskset; the smoke test (test/bench/) runs them unpinned.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fill,
  type LoadRequest,
  type LoadResult,
  type LoadSpec,
  type ServedApp,
  type ServerReady,
  type Workload,
} from './support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Opens PostgreSQL's pool before a run's window (LoadSpec.primeSeconds). */
const PRIME_SECONDS = 0.5;

/** `node --import tsx bench/<script> …args`, under `taskset -c <core>` when a core is given. */
function spawnScript(
  script: string,
  args: readonly string[],
  options: { core?: string; env?: Record<string, string>; ipc?: boolean },
): ChildProcess {
  const command = [process.execPath, '--import', 'tsx', path.join('bench', script), ...args];
  const [file, ...rest] = options.core === undefined ? command : ['taskset', '-c', options.core, ...command];
  return spawn(file as string, rest, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.ipc ? 'inherit' : 'pipe', 'inherit', ...(options.ipc ? ['ipc' as const] : [])],
  });
}

export interface RunningServer {
  child: ChildProcess;
  ready: ServerReady;
}

export function startServer(
  script: string,
  args: readonly string[],
  options: { core?: string; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const child = spawnScript(script, args, { ...options, ipc: true });
  return new Promise((resolve, reject) => {
    child.once('message', (message: ServerReady) => resolve({ child, ready: message }));
    child.once('exit', (code) =>
      reject(new Error(`${script} ${args.join(' ')} exited (${code}) before it was ready`)),
    );
  });
}

export function stopServer({ child }: RunningServer): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Runs a script of bench/ and parses the JSON line it prints last. */
export function runScript<T>(
  script: string,
  args: readonly string[],
  options: { core?: string; env?: Record<string, string> } = {},
): Promise<T> {
  const child = spawnScript(script, args, options);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) reject(new Error(`bench/${script} exited (${code}): ${out}`));
      else resolve(JSON.parse(line) as T);
    });
  });
}

export const runLoad = (spec: LoadSpec, core?: string) =>
  runScript<LoadResult>('load.ts', [JSON.stringify(spec)], { core });

/**
 * The spec of a load of `workload` against the server `ready`, with the key and seed of `app` (the server's own,
 * or for a comparison server the app's it was started with).
 */
export function loadSpec(
  ready: ServerReady,
  app: ServedApp,
  workload: Workload,
  run: Pick<LoadSpec, 'connections' | 'durationSeconds' | 'amount' | 'rssEveryRequests'>,
): LoadSpec {
  const constants = { PAY_PERIOD: app.payPeriodId };
  const filled = (request: LoadRequest): LoadRequest => ({
    ...request,
    path: fill(request.path, constants),
    ...(request.body === undefined ? {} : { body: fill(request.body, constants) }),
  });
  return {
    url: ready.url,
    headers: workload.auth ? { authorization: `Bearer ${app.key}` } : {},
    pipelining: workload.pipelining,
    requests: workload.requests.map(filled),
    ...(workload.finish ? { finish: filled(workload.finish) } : {}),
    employeeIds: app.employeeIds,
    watch: ready.watch,
    ...(ready.watch.database ? { primeSeconds: PRIME_SECONDS } : {}),
    ...run,
  };
}
