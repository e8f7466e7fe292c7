/**
 * The server under test, in a process of its own (bench/runner.ts starts it pinned to one core): the benchmark app
 * of bench/fixture.ts on the dialect given (`sqlite`: a SQLite file and the memory rate-limit store; `postgres`: a
 * throw-away PostgreSQL database and Redis), seeded, plus the control route. It listens on an ephemeral port of
 * 127.0.0.1 and sends its parent a ServerReady message over IPC, naming the processes whose CPU time the load
 * process reads (itself; on PostgreSQL also its database's backends and redis-server). It closes and deletes its
 * data on SIGTERM or when the parent goes.
 *
 * The control route (`GET /bench/control`, unauthenticated) answers the very object GET /v1/api-key answers,
 * serialized by the same response schema: what separates the two is the /v1 pipeline (authentication, scope, rate
 * limit, versioning, request log).
 *
 * Usage (IPC from the parent): node --import tsx bench/server-app.ts sqlite|postgres
 */
import type { Static } from '@sinclair/typebox';
import { sql } from 'kysely';
import { ApiKeySchema } from '../src/platform/api-keys/schema.js';
import { startBenchApp } from './fixture.js';
import { type ProcessWatch, type ServerReady, ticksOf } from './support.js';

const dialect = process.argv[2] ?? 'sqlite';
if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error('usage: server-app.ts sqlite|postgres');

// Routes must exist before the app is ready (the first inject readies it): the object is filled in below.
let keyObject: Static<typeof ApiKeySchema> | undefined;
const bench = await startBenchApp(dialect, {
  register: (app) =>
    app.get(
      '/bench/control',
      { schema: { hide: true, response: { 200: ApiKeySchema } } },
      async () => keyObject,
    ),
});
const { app, seed, storage } = bench;

let closing: Promise<void> | undefined;
function shutdown(): Promise<void> {
  closing ??= (async () => {
    await bench.close();
    await storage.remove();
    process.exit(0);
  })();
  return closing;
}
process.on('SIGTERM', () => void shutdown());
process.on('disconnect', () => void shutdown());

// One use first: the key's lastUsedAt is then stored (and not stored again for a minute, longer than a run), so the
// body the pipeline serves during the runs is the one the control is given.
const authorization = `Bearer ${seed.key}`;
await app.inject({ method: 'GET', url: '/v1/api-key', headers: { authorization } });
await app.context.requestLog.flush();
const body = (await app.inject({ method: 'GET', url: '/v1/api-key', headers: { authorization } })).body;
keyObject = JSON.parse(body) as Static<typeof ApiKeySchema>;
if ((await app.inject({ method: 'GET', url: '/bench/control' })).body !== body) {
  throw new Error('the control route must answer the same body as GET /v1/api-key');
}

/** The processes whose CPU time the load process reads from /proc: PostgreSQL and Redis must run on this machine. */
async function processWatch(): Promise<ProcessWatch> {
  if (storage.dialect !== 'postgres') return { serverPid: process.pid };
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(
    app.context.database.db,
  );
  const info = (await app.context.redis?.info('server')) ?? '';
  const redisPid = Number(info.match(/^process_id:(\d+)/m)?.[1]);
  for (const [what, pid] of [
    ['a PostgreSQL backend', Number(rows[0]?.pid)],
    ['redis-server', redisPid],
  ] as const) {
    if (ticksOf(pid) === undefined) throw new Error(`${what} (pid ${pid}) is no process of this machine`);
  }
  return { serverPid: process.pid, database: { url: storage.serverUrl, name: storage.name }, redisPid };
}

const url = await app.listen({ host: '127.0.0.1', port: 0 });
const ready: ServerReady = {
  type: 'ready',
  url,
  watch: await processWatch(),
  app: { key: seed.key, employeeIds: seed.employeeIds, payPeriodId: seed.payPeriodId, body },
};
process.send?.(ready);
