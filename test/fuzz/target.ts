/**
 * A fuzz target: the whole app as production runs it — built with buildApp, listening on 127.0.0.1, the request log
 * written from its worker thread, the webhook dispatcher running — on SQLite in a temporary file (not :memory:, so
 * the worker's second connection and the write transactions contend as in production), or on a private PostgreSQL
 * schema with Redis. Only the rate limits are out of reach (bench/support.ts), so the run measures answers, not 429s.
 *
 * It also holds the world the requests act on: account A (enterprise) with a full-access, a read-only and a revoked
 * key; account B, whose key and objects must never reach A's; a local webhook receiver; and the audit endpoint, A's
 * subscription to every event, whose deliveries prove at the end that no webhook was lost.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { BENCH_RATE_LIMITS } from '../../bench/support.js';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { type Dialect, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { revokeApiKey } from '../../src/platform/api-keys/service.js';
import { RedisRateLimitStore } from '../../src/platform/rate-limit/redis-store.js';
import { RESOURCES } from '../../src/resources/registry.js';
import { ManualClock } from '../../src/shared/clock.js';
import { call, createTestAccount, createTestKey, type TestAccount, type TestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/dialects.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

/** Both targets when the services are configured (CI and this repository's machines); SQLite always. */
export function availableTargets(): Dialect[] {
  return process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** Receiver paths: the audit endpoint's, and the one every endpoint the fuzzer creates points at. */
export const AUDIT_PATH = '/audit';
export const FUZZ_HOOKS_PATH = '/hooks';

export interface AuditEndpoint {
  readonly id: string;
  readonly secret: string;
  /** Every event of account A with a greater id must have a delivery to this endpoint. */
  readonly eventsAfter: string;
  /** How many requests the receiver had before the endpoint's secret was registered with it. */
  readonly receivedBefore: number;
}

export interface FuzzTarget {
  readonly dialect: Dialect;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The app as the test helpers and fixture factories take it. */
  readonly t: TestApp;
  readonly a: TestAccount;
  readonly b: TestAccount;
  /** A key of A with every `:read` scope and nothing else. */
  readonly readOnlyKey: string;
  /** A key of A that was revoked. */
  readonly revokedKey: string;
  readonly receiver: WebhookReceiver;
  readonly audit: AuditEndpoint;
  /** Lines the server logged at error level (each names its reqId): shown next to a 5xx. */
  readonly serverLog: string[];
  close(): Promise<void>;
}

interface OpenedDatabase {
  database: TestDatabase;
  dataDir: string;
}

async function openTargetDatabase(dialect: Dialect): Promise<OpenedDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'punchclock-fuzz-'));
  if (dialect === 'postgres') return { database: await openTestDatabase('postgres'), dataDir };
  const handle = openDatabase({ sqliteFile: path.join(dataDir, 'fuzz.sqlite') });
  await migrateToLatest(handle.db);
  return { database: { ...handle, dispose: () => handle.close() }, dataDir };
}

/** Faults a test plants in the app before it listens, to prove the fuzzer's rules can fail (fuzz.test.ts). */
export type PlantFaults = (app: App) => void;

export async function startTarget(dialect: Dialect, plant?: PlantFaults): Promise<FuzzTarget> {
  const { database, dataDir } = await openTargetDatabase(dialect);
  const redisUrl = process.env.TEST_REDIS_URL;
  const redis = dialect === 'postgres' && redisUrl ? new Redis(redisUrl) : null;
  const serverLog: string[] = [];
  const config = loadConfig({
    LOG_LEVEL: 'error',
    PUNCHCLOCK_DATA_DIR: dataDir,
    PUNCHCLOCK_DEMO: 'false',
    PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  const app = await buildApp(config, {
    database,
    logger: { level: 'error', stream: { write: (line) => serverLog.push(line) } },
    ...(redis ? { redis } : {}),
    rateLimit: {
      policy: BENCH_RATE_LIMITS,
      // A prefix of its own: other test files share the Redis server.
      ...(redis
        ? { store: new RedisRateLimitStore(redis, { prefix: `rl-fuzz:${randomBytes(6).toString('hex')}:` }) }
        : {}),
    },
    // The dispatcher runs as in production; it polls more often, so quiet phases come sooner.
    webhooks: { autoStart: true, pollIntervalMs: 100 },
  });
  plant?.(app);
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const receiver = await WebhookReceiver.start();
  const t: TestApp = {
    app,
    db: database,
    // The app runs on the system clock (the dispatcher's retries, the receiver's timestamp check); the fixture
    // factories and key helpers read only `app`, so this clock is never consulted.
    clock: new ManualClock(),
    config,
    queries: { count: 0, sql: [] },
    close: async () => {
      await app.close();
      await receiver.close();
      await redis?.quit();
      await database.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  try {
    const a = await createTestAccount(t, { plan: 'enterprise', name: 'Fuzz Co' });
    const b = await createTestAccount(t, { plan: 'enterprise', name: 'Other Co' });
    const readScopes = RESOURCES.grantableScopes.filter((scope) => scope.endsWith(':read'));
    const readOnly = await createTestKey(t, a, readScopes, { name: 'Read only' });
    const revoked = await createTestKey(t, a, ['*'], { name: 'Revoked' });
    await revokeApiKey(app.context, a.account.id, revoked.id, a.admin.id);
    const audit = await registerAuditEndpoint(t, a, receiver);
    return {
      dialect,
      origin,
      t,
      a,
      b,
      readOnlyKey: readOnly.key,
      revokedKey: revoked.key,
      receiver,
      audit,
      serverLog,
      close: () => t.close(),
    };
  } catch (error) {
    await t.close();
    throw error;
  }
}

/** A's endpoint for every event (`*`), created through the API like any integrator's. */
async function registerAuditEndpoint(
  t: TestApp,
  a: TestAccount,
  receiver: WebhookReceiver,
): Promise<AuditEndpoint> {
  const created = await call<{ id: string; secret: string }>(t, 'POST', '/v1/webhook-endpoints', {
    key: a.key,
    body: { url: `${receiver.url}${AUDIT_PATH}`, enabledEvents: ['*'], description: 'Fuzz audit' },
  });
  if (created.status !== 201)
    throw new Error(`Creating the audit endpoint: ${created.status} ${created.raw}`);
  const receivedBefore = receiver.received.length;
  receiver.endpoint(AUDIT_PATH, created.body.secret);
  // Its own `webhook_endpoint.created` was written in the transaction that created it; every later event counts.
  const newest = await t.db.db
    .selectFrom('events')
    .select('id')
    .where('account_id', '=', a.account.id)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return { id: created.body.id, secret: created.body.secret, eventsAfter: newest.id, receivedBefore };
}
