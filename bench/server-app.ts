/**
 * The server under test, in a process of its own (bench/runner.ts starts it pinned to one core): the app as
 * production builds it — its logger at `LOG_LEVEL=warn`, the request log in its worker thread — on a throw-away
 * SQLite file with the memory rate-limit store and limits out of reach (bench/support.ts). It seeds one account, one
 * key and data for the route table, adds the control route, listens on an ephemeral port of 127.0.0.1 and sends
 * its parent a ServerReady message over IPC. It closes and deletes its data on SIGTERM or when the parent goes.
 *
 * The control route (`GET /bench/control`, unauthenticated) answers the very object GET /v1/api-key answers,
 * serialized by the same response schema: what separates the two is the /v1 pipeline (authentication, scope, rate
 * limit, versioning, request log).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Static } from '@sinclair/typebox';
import type { Insertable } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import type { TimeEntriesTable } from '../src/db/tables.js';
import { createAccountWithAdmin } from '../src/platform/accounts/service.js';
import { ApiKeySchema } from '../src/platform/api-keys/schema.js';
import { createApiKey } from '../src/platform/api-keys/service.js';
import { EMPLOYEES } from '../src/resources/employees/resource.js';
import { newId } from '../src/shared/ids.js';
import { BENCH_RATE_LIMITS, employeeRow, entryRow, type ServerReady } from './support.js';

/** Enough that `GET /v1/employees?limit=25` answers a full page. */
const EMPLOYEE_COUNT = 200;
/** Closed time entries per employee, for the time-entry list. */
const ENTRIES_PER_EMPLOYEE = 5;
const SEEDED_AT = '2026-01-05T08:00:00.000Z';
const HOUR_MS = 3_600_000;

const dir = await mkdtemp(path.join(tmpdir(), 'punchclock-bench-'));
const database = openDatabase({ sqliteFile: path.join(dir, 'bench.sqlite') });
await migrateToLatest(database.db);
const config = loadConfig({ LOG_LEVEL: 'warn', PUNCHCLOCK_DATA_DIR: dir, PUNCHCLOCK_DEMO: 'false' });
const app = await buildApp(config, { database, redis: null, rateLimit: { policy: BENCH_RATE_LIMITS } });

let closing: Promise<void> | undefined;
function shutdown(): Promise<void> {
  closing ??= (async () => {
    await app.close();
    await database.close();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  })();
  return closing;
}
process.on('SIGTERM', () => void shutdown());
process.on('disconnect', () => void shutdown());

// Routes must exist before the app is ready (the first inject readies it): the object is filled in below.
let keyObject: Static<typeof ApiKeySchema> | undefined;
app.get('/bench/control', { schema: { hide: true, response: { 200: ApiKeySchema } } }, async () => keyObject);

const { account, admin } = await createAccountWithAdmin(app.context, {
  name: 'Bench Co',
  plan: 'enterprise',
  adminEmail: 'bench@example.com',
});
const { key } = await createApiKey(app.context, account.id, {
  name: 'Bench',
  scopes: ['*'],
  createdBy: admin.id,
});

const employeeIds = Array.from({ length: EMPLOYEE_COUNT }, () => newId(EMPLOYEES));
await database.db
  .insertInto('employees')
  .values(employeeIds.map((id, i) => employeeRow(account.id, id, i, SEEDED_AT)))
  .execute();
const entries: Insertable<TimeEntriesTable>[] = [];
for (let day = 0; day < ENTRIES_PER_EMPLOYEE; day++) {
  for (const employeeId of employeeIds) {
    const start = Date.parse(SEEDED_AT) + day * 24 * HOUR_MS;
    const startAt = new Date(start).toISOString();
    const endAt = new Date(start + 8 * HOUR_MS).toISOString();
    entries.push(entryRow(account.id, employeeId, startAt, endAt));
  }
}
for (let i = 0; i < entries.length; i += 500) {
  await database.db
    .insertInto('time_entries')
    .values(entries.slice(i, i + 500))
    .execute();
}

// One use first: the key's lastUsedAt is then stored (and not stored again for a minute, longer than a run), so the
// body the pipeline serves during the runs is the one the control is given.
const authorization = `Bearer ${key}`;
await app.inject({ method: 'GET', url: '/v1/api-key', headers: { authorization } });
await app.context.requestLog.flush();
const body = (await app.inject({ method: 'GET', url: '/v1/api-key', headers: { authorization } })).body;
keyObject = JSON.parse(body) as Static<typeof ApiKeySchema>;
if ((await app.inject({ method: 'GET', url: '/bench/control' })).body !== body) {
  throw new Error('the control route must answer the same body as GET /v1/api-key');
}

const url = await app.listen({ host: '127.0.0.1', port: 0 });
const ready: ServerReady = { type: 'ready', url, pid: process.pid, key, employeeIds, body };
process.send?.(ready);
