/**
 * The app the benchmark's processes build, on either dialect, seeded alike: bench/server-app.ts serves it and
 * bench/raw.ts replays the queries its routes run. The app is built as production builds it (its logger at
 * `LOG_LEVEL=warn`, the request log in its worker thread), with rate limits out of reach (bench/support.ts):
 *
 *   sqlite    — a throw-away SQLite file in a temp dir; the memory rate-limit store.
 *   postgres  — a throw-away database `punchclock_bench_<pid>` created on the server of BENCH_DATABASE_URL (or
 *               TEST_DATABASE_URL) and dropped afterwards, in a database of its own so that its backends are
 *               told apart in pg_stat_activity; Redis (BENCH_REDIS_URL or TEST_REDIS_URL) as the app's Redis: the
 *               rate-limit counters under a key prefix of this process's own (they expire by themselves within two
 *               windows) and the key-cache invalidations. Nothing else in Redis is read, written or flushed.
 *
 * The seed: one enterprise account in UTC with a biweekly pay schedule (weekly overtime after 40 h) whose previous
 * period ended yesterday, one full-access key, EMPLOYEE_COUNT employees and, for each, one closed time entry of
 * 8.5 h on every weekday of that previous period — a period payroll reviews, which the punches the benchmark
 * makes (today, in the current period) leave as it is.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Insertable, LogEvent } from 'kysely';
import pg from 'pg';
import { type App, buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type Dialect, migrateToLatest, openDatabase } from '../src/db/database.js';
import type { TimeEntriesTable } from '../src/db/tables.js';
import { createAccountWithAdmin } from '../src/platform/accounts/service.js';
import { createApiKey } from '../src/platform/api-keys/service.js';
import { RedisRateLimitStore } from '../src/platform/rate-limit/redis-store.js';
import { EMPLOYEES } from '../src/resources/employees/resource.js';
import { addDays, datesBetween, weekdayOf } from '../src/resources/pay-periods/calendar.js';
import { findPeriodContaining } from '../src/resources/pay-periods/repository.js';
import { currentPayPeriodRow } from '../src/resources/pay-periods/service.js';
import { updatePaySchedule } from '../src/resources/pay-schedule/service.js';
import { newId } from '../src/shared/ids.js';
import { BENCH_RATE_LIMITS, employeeRow, entryRow, postgresServers } from './support.js';

/** Enough that every list answers full pages of 25, and a time-card period of a realistic small company. */
const EMPLOYEE_COUNT = 200;
const DATABASE_PREFIX = 'punchclock_bench_';

/** Where a benchmark app keeps its data; `remove` deletes it (after the app is closed). */
export type BenchStorage =
  | { dialect: 'sqlite'; file: string; remove(): Promise<void> }
  | {
      dialect: 'postgres';
      /** The benchmark's own database. */
      url: string;
      name: string;
      /** The database it was created from, on the same server. */
      serverUrl: string;
      remove(): Promise<void>;
    };

/** What the seed made, for the requests that use it. */
export interface BenchSeed {
  key: string;
  employeeIds: string[];
  /** The seeded pay period (the one that ended yesterday): GET /v1/time-cards?payPeriodId= lists its cards. */
  payPeriodId: string;
}

export interface BenchApp {
  app: App;
  storage: BenchStorage;
  seed: BenchSeed;
  /** Closes the app, its database connections and its Redis client; the data stays until storage.remove(). */
  close(): Promise<void>;
}

function requiredPostgresServers(): { databaseUrl: string; redisUrl: string } {
  const servers = postgresServers();
  if (!servers) {
    throw new Error(
      'the postgres dialect needs BENCH_DATABASE_URL or TEST_DATABASE_URL, and BENCH_REDIS_URL or TEST_REDIS_URL',
    );
  }
  return servers;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A fresh database on the server of `serverUrl`; databases a killed benchmark process left behind go first. */
async function createPostgresStorage(serverUrl: string): Promise<BenchStorage> {
  const name = `${DATABASE_PREFIX}${process.pid}`;
  await withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where datname like $1',
      [`${DATABASE_PREFIX}%`],
    );
    for (const { datname } of rows) {
      if (datname === name || !isRunning(Number(datname.slice(DATABASE_PREFIX.length)))) {
        await client.query(`drop database if exists ${datname} with (force)`);
      }
    }
    await client.query(`create database ${name}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    dialect: 'postgres',
    url: url.toString(),
    name,
    serverUrl,
    remove: async () => {
      await withClient(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function createSqliteStorage(): Promise<BenchStorage> {
  const dir = await mkdtemp(path.join(tmpdir(), 'punchclock-bench-'));
  return {
    dialect: 'sqlite',
    file: path.join(dir, 'bench.sqlite'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

async function seed(app: App): Promise<BenchSeed> {
  const ctx = app.context;
  const { account, admin } = await createAccountWithAdmin(ctx, {
    name: 'Bench Co',
    plan: 'enterprise',
    timezone: 'UTC',
    adminEmail: 'bench@example.com',
  });
  const { key } = await createApiKey(ctx, account.id, { name: 'Bench', scopes: ['*'], createdBy: admin.id });

  const today = ctx.clock.now().toISOString().slice(0, 10);
  await updatePaySchedule(ctx, account.id, {
    frequency: 'biweekly',
    anchorDate: addDays(today, -14),
    overtimeRule: { type: 'weekly40' },
  });
  const current = await currentPayPeriodRow(ctx, account.id);
  const db = ctx.database.db;
  const period = await findPeriodContaining(db, account.id, addDays(current.start_date, -1));
  if (!period) throw new Error('the pay period before the current one was not materialised');

  const createdAt = `${period.start_date}T00:00:00.000Z`;
  const employeeIds = Array.from({ length: EMPLOYEE_COUNT }, () => newId(EMPLOYEES));
  await db
    .insertInto('employees')
    .values(employeeIds.map((id, i) => employeeRow(account.id, id, i, createdAt)))
    .execute();
  const workdays = datesBetween(period.start_date, period.end_date).filter(
    (date) => weekdayOf(date) % 6 !== 0,
  );
  const entries: Insertable<TimeEntriesTable>[] = workdays.flatMap((date) =>
    employeeIds.map((employeeId) =>
      entryRow(account.id, employeeId, `${date}T09:00:00.000Z`, `${date}T17:30:00.000Z`),
    ),
  );
  for (let i = 0; i < entries.length; i += 500) {
    await db
      .insertInto('time_entries')
      .values(entries.slice(i, i + 500))
      .execute();
  }
  return { key, employeeIds, payPeriodId: period.id };
}

/**
 * A migrated, seeded app on fresh storage of the dialect. `register` adds routes before the app is ready (the
 * first request readies it); `onQuery` sees every query of the app's own connection (not the request-log worker's).
 */
export async function startBenchApp(
  dialect: Dialect,
  options: { register?: (app: App) => void; onQuery?: (event: LogEvent) => void } = {},
): Promise<BenchApp> {
  const servers = dialect === 'postgres' ? requiredPostgresServers() : undefined;
  const storage = servers ? await createPostgresStorage(servers.databaseUrl) : await createSqliteStorage();
  try {
    const database = openDatabase({
      ...(storage.dialect === 'postgres' ? { databaseUrl: storage.url } : { sqliteFile: storage.file }),
      ...(options.onQuery ? { onQuery: options.onQuery } : {}),
    });
    await migrateToLatest(database.db);
    const redis = servers ? new Redis(servers.redisUrl) : null;
    const config = loadConfig({
      LOG_LEVEL: 'warn',
      PUNCHCLOCK_DEMO: 'false',
      ...(storage.dialect === 'postgres'
        ? { DATABASE_URL: storage.url }
        : { PUNCHCLOCK_DATA_DIR: path.dirname(storage.file) }),
    });
    const app = await buildApp(config, {
      database,
      redis,
      rateLimit: {
        policy: BENCH_RATE_LIMITS,
        ...(redis
          ? { store: new RedisRateLimitStore(redis, { prefix: `punchclock-bench:${process.pid}:` }) }
          : {}),
      },
    });
    options.register?.(app);
    return {
      app,
      storage,
      seed: await seed(app),
      close: async () => {
        await app.close();
        await database.close();
        await redis?.quit();
      },
    };
  } catch (error) {
    await storage.remove();
    throw error;
  }
}
