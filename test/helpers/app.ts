import { randomBytes } from 'node:crypto';
import type { HTTPMethods } from 'fastify';
import type { Redis } from 'ioredis';
import type { LogEvent } from 'kysely';
import { type App, type AppDependencies, buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { DatabaseHandle, Dialect } from '../../src/db/database.js';

import {
  type CreatedAccount,
  createAccountWithAdmin,
  setApiAccess,
} from '../../src/platform/accounts/service.js';
import { KeyCache } from '../../src/platform/api-keys/cache.js';
import { createApiKey } from '../../src/platform/api-keys/service.js';
import type { ServiceContext } from '../../src/platform/context.js';
import type { FieldRestrictions } from '../../src/platform/descriptors/permissions.js';
import type { RateLimitPolicy } from '../../src/platform/rate-limit/limiter.js';
import { RedisRateLimitStore } from '../../src/platform/rate-limit/redis-store.js';
import { deactivateUser as deactivateUserService, OPERATOR } from '../../src/platform/users/service.js';
import { RESOURCES } from '../../src/resources/registry.js';
import { type Clock, ManualClock } from '../../src/shared/clock.js';
import { openTestDatabase, type TestDatabase } from './dialects.js';

export interface TestApp {
  app: App;
  db: TestDatabase;
  clock: ManualClock;
  config: Config;
  /** Counts every query the app runs (reset it before the request you measure). */
  queries: { count: number; sql: string[] };
  close(): Promise<void>;
}

let emailCounter = 0;

/** A full app on a fresh database of the dialect, with a frozen clock and a query counter. */
export async function createTestApp(
  dialect: Dialect,
  options: {
    env?: NodeJS.ProcessEnv;
    logger?: AppDependencies['logger'];
    /**
     * Scale-out mode on this Redis client (the caller quits it): the rate-limit counters live in Redis under a
     * prefix of this app's own, and read the test clock instead of Redis TIME.
     */
    redis?: Redis;
    /** The webhook dispatcher's overrides; it never runs in the background unless `autoStart` is set. */
    webhooks?: AppDependencies['webhooks'];
    /** Limits small enough for a test to reach (the portal's failed sign-ins, for one). */
    rateLimitPolicy?: RateLimitPolicy;
    /** Where "forgot password" hands its links (the server log by default): a test catches them here. */
    passwordLinks?: AppDependencies['passwordLinks'];
  } = {},
): Promise<TestApp> {
  const queries = { count: 0, sql: [] as string[] };
  const onQuery = (event: LogEvent) => {
    queries.count++;
    queries.sql.push(event.query.sql);
  };
  const db = await openTestDatabase(dialect, { onQuery });
  const clock = new ManualClock('2026-11-01T12:00:00.000Z');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PUNCHCLOCK_DATA_DIR: '/tmp/punchclock-test-unused',
    ...options.env,
  });
  const app = await buildApp(config, {
    database: db,
    clock,
    logger: options.logger ?? false,
    // No background writes in the middle of a test's query counts: tests flush the request log explicitly.
    requestLog: { flushIntervalMs: null, retentionSweepIntervalMs: null },
    // On this thread, so query counters see the writes (test/platform/request-log/worker.test.ts covers the worker).
    requestLogInWorker: false,
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...(options.passwordLinks ? { passwordLinks: options.passwordLinks } : {}),
    ...(options.rateLimitPolicy ? { rateLimit: { policy: options.rateLimitPolicy } } : {}),
    ...(options.redis
      ? {
          redis: options.redis,
          rateLimit: {
            store: new RedisRateLimitStore(options.redis, {
              clock,
              prefix: `rl-test:${randomBytes(6).toString('hex')}:`,
            }),
            policy: options.rateLimitPolicy,
          },
        }
      : {}),
  });
  await app.ready();
  return {
    app,
    db,
    clock,
    config,
    queries,
    close: async () => {
      await app.close();
      await db.dispose();
    },
  };
}

export interface TestAccount extends CreatedAccount {
  /** A full-access key of the account's administrator. */
  key: string;
  /** That key's id. */
  keyId: string;
}

/** An account with an administrator and a full-access key. Plan defaults to pro (no one-key limit). */
export async function createTestAccount(
  t: TestApp,
  options: { plan?: 'trial' | 'starter' | 'pro' | 'enterprise'; name?: string } = {},
): Promise<TestAccount> {
  emailCounter++;
  const created = await createAccountWithAdmin(t.app.context, {
    name: options.name ?? `Test Co ${emailCounter}`,
    plan: options.plan ?? 'pro',
    timezone: 'America/New_York',
    adminEmail: `admin${emailCounter}.${Date.now()}@test.punchclock.test`,
    adminPassword: 'correct horse battery staple',
  });
  const { key, object } = await createApiKey(t.app.context, created.account.id, {
    name: 'Full access',
    scopes: ['*'],
    createdBy: created.admin.id,
  });
  return { ...created, key, keyId: object.id };
}

export async function createTestKey(
  t: TestApp,
  account: CreatedAccount,
  scopes: string[],
  options: { expiresAt?: string; fieldRestrictions?: FieldRestrictions; name?: string } = {},
): Promise<{ key: string; id: string }> {
  const { key, object } = await createApiKey(t.app.context, account.account.id, {
    name: options.name ?? 'Test key',
    scopes,
    createdBy: account.admin.id,
    expiresAt: options.expiresAt,
    fieldRestrictions: options.fieldRestrictions,
  });
  return { key, id: object.id };
}

/** Deactivates the account's administrator (or the user addUser made) through the users service, as the operator. */
export async function deactivateUser(t: TestApp, account: CreatedAccount): Promise<void> {
  await deactivateUserService(t.app.context, account.account.id, account.admin.id, {}, OPERATOR);
}

export async function disableApiAccess(t: TestApp, account: CreatedAccount): Promise<void> {
  await setApiAccess(t.app.context, account.account.id, false);
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  raw: string;
}

/** One /v1 call through app.inject; `headers` may override anything, the Authorization header included. */
export async function call<T = Record<string, unknown>>(
  t: TestApp,
  method: HTTPMethods,
  url: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const response = await t.app.inject({
    method,
    url,
    headers: {
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
  });
  let body: unknown;
  try {
    body = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.statusCode, body: body as T, headers: response.headers, raw: response.body };
}

export interface ErrorBody {
  error: { type: string; code: string; message: string; param?: string; requestId: string };
}

/** What services need besides an app, for tests that run them against a database of their own. */
export function serviceContext(database: DatabaseHandle, clock: Clock): ServiceContext {
  return { database, clock, keyCache: new KeyCache(clock), resources: RESOURCES };
}
