/**
 * Rate limits and plan caps through the API (DESIGN §3.6), on the memory store and — when TEST_REDIS_URL is set —
 * on the Redis store, both on the test clock. The app's clock starts at 12:00:00.000, the start of a fixed window.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { buildApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { migrateToLatest } from '../../../src/db/database.js';
import {
  ANONYMOUS_REQUESTS_PER_IP_PER_MINUTE,
  PLAN_LIMITS,
  type Plan,
} from '../../../src/platform/accounts/plans.js';
import { updateAccount } from '../../../src/platform/accounts/repository.js';
import { createAccountWithAdmin, setApiAccess } from '../../../src/platform/accounts/service.js';
import { createApiKey } from '../../../src/platform/api-keys/service.js';
import type { RateLimitRefusal } from '../../../src/platform/rate-limit/limiter.js';
import { MemoryRateLimitStore } from '../../../src/platform/rate-limit/memory-store.js';
import { RedisRateLimitStore } from '../../../src/platform/rate-limit/redis-store.js';
import type { RateLimitStore } from '../../../src/platform/rate-limit/store.js';
import {
  type ApiResponse,
  call,
  createTestAccount,
  createTestApp,
  type ErrorBody,
  type TestAccount,
  type TestApp,
} from '../../helpers/app.js';
import { DIALECTS, openTestDatabase } from '../../helpers/dialects.js';

const REDIS_URL = process.env.TEST_REDIS_URL;
const STORES = REDIS_URL ? (['memory', 'redis'] as const) : (['memory'] as const);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const RATE_LIMIT_HEADERS = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'ratelimit-policy',
  'ratelimit',
] as const;

function rateLimitHeadersOf(response: ApiResponse): Record<string, unknown> {
  return Object.fromEntries(
    [...RATE_LIMIT_HEADERS, 'retry-after'].map((name) => [name, response.headers[name]]),
  );
}

function expectHeaders(
  response: ApiResponse,
  expected: { limit: number; remaining: number; reset: number; policy: string; retryAfter?: number },
): void {
  assert.deepEqual(rateLimitHeadersOf(response), {
    'x-ratelimit-limit': String(expected.limit),
    'x-ratelimit-remaining': String(expected.remaining),
    'x-ratelimit-reset': String(expected.reset),
    'ratelimit-policy': expected.policy,
    ratelimit: `limit=${expected.limit}, remaining=${expected.remaining}, reset=${expected.reset}`,
    'retry-after': expected.retryAfter === undefined ? undefined : String(expected.retryAfter),
  });
}

function expectRefusal(response: ApiResponse, code: 'rate_limited' | 'daily_write_cap'): ErrorBody['error'] {
  assert.equal(response.status, 429, response.raw);
  const { error } = response.body as unknown as ErrorBody;
  assert.equal(error.type, 'rate_limit_error');
  assert.equal(error.code, code);
  return error;
}

async function keyWithLimit(t: TestApp, account: TestAccount, rateLimitPerMinute: number) {
  const { key, object } = await createApiKey(t.app.context, account.account.id, {
    name: `Limited to ${rateLimitPerMinute}`,
    scopes: ['*'],
    createdBy: account.admin.id,
    rateLimitPerMinute,
  });
  return { key, id: object.id };
}

async function setPlan(t: TestApp, account: TestAccount, plan: Plan): Promise<void> {
  await updateAccount(t.db.db, account.account.id, { plan, updated_at: t.clock.now().toISOString() });
  t.app.context.keyCache.invalidateAccount(account.account.id);
}

async function setKeyLimit(t: TestApp, keyId: string, rateLimitPerMinute: number): Promise<void> {
  await t.db.db
    .updateTable('api_keys')
    .set({ rate_limit_per_minute: rateLimitPerMinute })
    .where('id', '=', keyId)
    .execute();
  t.app.context.keyCache.invalidateKey(keyId);
}

/** Sends `times` requests and returns their statuses. */
async function statuses(times: number, request: () => Promise<ApiResponse>): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  for (let i = 0; i < times; i++) {
    const { status } = await request();
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/** One request from a given client address (app.inject's default is 127.0.0.1). */
async function fromAddress(t: TestApp, remoteAddress: string, authorization: string): Promise<ApiResponse> {
  const response = await t.app.inject({
    method: 'GET',
    url: '/v1/employees',
    remoteAddress,
    headers: { authorization },
  });
  return {
    status: response.statusCode,
    body: JSON.parse(response.body) as Record<string, unknown>,
    headers: response.headers,
    raw: response.body,
  };
}

for (const storeName of STORES) {
  describe(`rate limits over HTTP (${storeName} store)`, () => {
    let redis: Redis | undefined;
    before(() => {
      if (storeName === 'redis') redis = new Redis(REDIS_URL as string);
    });
    after(async () => {
      await redis?.quit();
    });

    /** A fresh app and a fresh account for each test: no test sees another's counters. */
    async function withApp(work: (t: TestApp) => Promise<void>): Promise<void> {
      const t = await createTestApp('sqlite', redis ? { redis } : {});
      try {
        await work(t);
      } finally {
        await t.close();
      }
    }

    test('the store is the one asked for', () =>
      withApp(async (t) => {
        const expected = storeName === 'redis' ? RedisRateLimitStore : MemoryRateLimitStore;
        assert.ok(t.app.context.rateLimiter.store instanceof expected);
      }));

    test('every response of an authenticated request carries the headers: 2xx, 4xx and 403', () =>
      withApp(async (t) => {
        const account = await createTestAccount(t, { plan: 'pro' });
        const ok = await call(t, 'GET', '/v1/employees', { key: account.key });
        assert.equal(ok.status, 200);
        // One request at the start of the window weighs until the end of the next one: fully recovered in 120 s.
        expectHeaders(ok, { limit: 600, remaining: 599, reset: 120, policy: '600;w=60' });

        t.clock.advance(15_000);
        const missing = await call(t, 'GET', '/v1/employees/emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H', {
          key: account.key,
        });
        assert.equal(missing.status, 404);
        expectHeaders(missing, { limit: 600, remaining: 598, reset: 105, policy: '600;w=60' });

        const invalid = await call(t, 'POST', '/v1/employees', { key: account.key, body: { firstName: 7 } });
        assert.equal(invalid.status, 400);
        expectHeaders(invalid, { limit: 600, remaining: 597, reset: 105, policy: '600;w=60' });

        const narrow = await keyWithLimit(t, account, 1000);
        await t.db.db
          .updateTable('api_keys')
          .set({ scopes: JSON.stringify(['events:read']) })
          .where('id', '=', narrow.id)
          .execute();
        t.app.context.keyCache.invalidateKey(narrow.id);
        const forbidden = await call(t, 'GET', '/v1/employees', { key: narrow.key });
        assert.equal(forbidden.status, 403);
        expectHeaders(forbidden, { limit: 600, remaining: 596, reset: 105, policy: '600;w=60, 1000;w=60' });
      }));

    test('exactly N requests pass in a fresh window, then 429 with the real Retry-After', () =>
      withApp(async (t) => {
        const account = await createTestAccount(t, { plan: 'trial' });
        const limit = PLAN_LIMITS.trial.requestsPerMinute;
        const responses: ApiResponse[] = [];
        for (let i = 0; i < limit + 3; i++)
          responses.push(await call(t, 'GET', '/v1/employees', { key: account.key }));
        assert.deepEqual(
          responses.map((r) => r.status),
          [...Array<number>(limit).fill(200), 429, 429, 429],
        );
        const last = responses[limit - 1] as ApiResponse;
        expectHeaders(last, { limit, remaining: 0, reset: 120, policy: `${limit};w=60` });

        const refused = responses[limit] as ApiResponse;
        const error = expectRefusal(refused, 'rate_limited');
        assert.match(error.message, /trial plan allows 60 requests per minute/);
        // 60 requests at 12:00:00 weigh 60 × (60 − t)/60 at 12:01:t: one more fits from t = 1 s on.
        expectHeaders(refused, { limit, remaining: 0, reset: 120, policy: `${limit};w=60`, retryAfter: 61 });
        assert.equal(refused.headers['x-request-id'], error.requestId);

        t.clock.advance(61_000 - 1);
        expectRefusal(await call(t, 'GET', '/v1/employees', { key: account.key }), 'rate_limited');
        t.clock.advance(1);
        assert.equal((await call(t, 'GET', '/v1/employees', { key: account.key })).status, 200);
        expectRefusal(await call(t, 'GET', '/v1/employees', { key: account.key }), 'rate_limited');
      }));

    test("a key's own limit: refused requests do not spend the account's budget", () =>
      withApp(async (t) => {
        const account = await createTestAccount(t, { plan: 'pro' });
        const limited = await keyWithLimit(t, account, 3);
        const results = await statuses(5, () => call(t, 'GET', '/v1/employees', { key: limited.key }));
        assert.deepEqual(results, { 200: 3, 429: 2 });
        const refused = await call(t, 'GET', '/v1/employees', { key: limited.key });
        const error = expectRefusal(refused, 'rate_limited');
        assert.match(error.message, /this API key is limited to 3 requests per minute/);
        // 3 requests at 12:00:00 weigh 3 × (60 − t)/60 at 12:01:t: one more fits once that is ≤ 2, at t = 20 s.
        expectHeaders(refused, {
          limit: 3,
          remaining: 0,
          reset: 120,
          policy: '600;w=60, 3;w=60',
          retryAfter: 80,
        });

        // The account's budget lost the three requests that passed, not the three refused.
        const other = await call(t, 'GET', '/v1/employees', { key: account.key });
        expectHeaders(other, { limit: 600, remaining: 596, reset: 120, policy: '600;w=60' });
      }));

    test("requests refused by the account's limit do not spend a key's own budget; a new plan keeps the window", () =>
      withApp(async (t) => {
        const account = await createTestAccount(t, { plan: 'pro' });
        const limited = await keyWithLimit(t, account, 5);
        assert.deepEqual(await statuses(10, () => call(t, 'GET', '/v1/employees', { key: account.key })), {
          200: 10,
        });

        // Down to trial (60/min): the ten requests already made still count.
        await setPlan(t, account, 'trial');
        const next = await call(t, 'GET', '/v1/employees', { key: account.key });
        expectHeaders(next, { limit: 60, remaining: 49, reset: 120, policy: '60;w=60' });
        assert.deepEqual(await statuses(50, () => call(t, 'GET', '/v1/employees', { key: account.key })), {
          200: 49,
          429: 1,
        });
        const byAccount = await call(t, 'GET', '/v1/employees', { key: limited.key });
        expectRefusal(byAccount, 'rate_limited');
        expectHeaders(byAccount, {
          limit: 60,
          remaining: 0,
          reset: 120,
          policy: '60;w=60, 5;w=60',
          retryAfter: 61,
        });
        assert.deepEqual(await statuses(3, () => call(t, 'GET', '/v1/employees', { key: limited.key })), {
          429: 3,
        });

        // Back to pro: the key's own five are all still there.
        await setPlan(t, account, 'pro');
        assert.deepEqual(await statuses(6, () => call(t, 'GET', '/v1/employees', { key: limited.key })), {
          200: 5,
          429: 1,
        });
      }));

    test("changing a key's limit keeps its window", () =>
      withApp(async (t) => {
        const account = await createTestAccount(t, { plan: 'pro' });
        const limited = await keyWithLimit(t, account, 10);
        await statuses(4, () => call(t, 'GET', '/v1/employees', { key: limited.key }));
        await setKeyLimit(t, limited.id, 5);
        assert.deepEqual(await statuses(3, () => call(t, 'GET', '/v1/employees', { key: limited.key })), {
          200: 1,
          429: 2,
        });
        await setKeyLimit(t, limited.id, 8);
        assert.deepEqual(await statuses(4, () => call(t, 'GET', '/v1/employees', { key: limited.key })), {
          200: 3,
          429: 1,
        });
      }));

    test('401s are limited per client address, and never spend an account budget', () =>
      withApp(async (t) => {
        const account = await createTestAccount(t, { plan: 'pro' });
        const perIp = 300;
        const first = await call(t, 'GET', '/v1/employees', { headers: { authorization: 'Bearer garbage' } });
        assert.equal(first.status, 401);
        expectHeaders(first, { limit: perIp, remaining: perIp - 1, reset: 120, policy: `${perIp};w=60` });
        assert.equal(first.headers['www-authenticate'], 'Bearer realm="punchclock"');

        const unknownKey = `pc_live_${'0'.repeat(40)}`;
        assert.deepEqual(
          await statuses(perIp - 1, () => call(t, 'GET', '/v1/employees', { key: unknownKey })),
          { 401: perIp - 1 },
        );
        // Spent: every request from this address is refused before its key is even looked at, valid ones too.
        const guessed = await call(t, 'GET', '/v1/employees', { key: unknownKey });
        const error = expectRefusal(guessed, 'rate_limited');
        assert.match(error.message, /invalid API keys from this address/);
        expectHeaders(guessed, {
          limit: perIp,
          remaining: 0,
          reset: 120,
          policy: `${perIp};w=60`,
          retryAfter: 61,
        });
        expectRefusal(await call(t, 'GET', '/v1/employees', { key: account.key }), 'rate_limited');

        // Another address is not affected, and public routes stay open.
        assert.equal((await fromAddress(t, '10.1.2.3', `Bearer ${account.key}`)).status, 200);
        assert.equal((await fromAddress(t, '10.1.2.3', 'Bearer garbage')).status, 401);
        assert.equal((await call(t, 'GET', '/v1/versions')).status, 200);

        t.clock.advance(61_000);
        const valid = await call(t, 'GET', '/v1/employees', { key: account.key });
        assert.equal(valid.status, 200);
        // The account spent one request (from 10.1.2.3) plus this one: nothing for the 300 failures or refusals.
        expectHeaders(valid, { limit: 600, remaining: 598, reset: 119, policy: '600;w=60' });
      }));

    test('requests charged to no account carry headers too, from the address budget: public, unknown, access off', () =>
      withApp(async (t) => {
        const perIp = ANONYMOUS_REQUESTS_PER_IP_PER_MINUTE;
        const policy = `${perIp};w=60`;
        const account = await createTestAccount(t);
        expectHeaders(await call(t, 'GET', '/v1/versions'), {
          limit: perIp,
          remaining: perIp - 1,
          reset: 120,
          policy,
        });
        const unknown = await call(t, 'GET', '/v1/nowhere', { key: account.key });
        assert.equal(unknown.status, 404);
        expectHeaders(unknown, { limit: perIp, remaining: perIp - 2, reset: 120, policy });
        await setApiAccess(t.app.context, account.account.id, false);
        const disabled = await call(t, 'GET', '/v1/employees', { key: account.key });
        assert.equal(disabled.status, 403);
        expectHeaders(disabled, { limit: perIp, remaining: perIp - 3, reset: 120, policy });

        // Spent: the next public request from this address is refused with the real wait; another address is not.
        assert.deepEqual(await statuses(perIp - 3, () => call(t, 'GET', '/v1/versions')), { 200: perIp - 3 });
        const refused = await call(t, 'GET', '/v1/versions');
        expectRefusal(refused, 'rate_limited');
        expectHeaders(refused, { limit: perIp, remaining: 0, reset: 120, policy, retryAfter: 61 });
        const elsewhere = await t.app.inject({
          method: 'GET',
          url: '/v1/versions',
          remoteAddress: '10.9.8.7',
        });
        assert.equal(elsewhere.statusCode, 200);
        // Nothing of this touched an account's budget.
        await setApiAccess(t.app.context, account.account.id, true);
        expectHeaders(await call(t, 'GET', '/v1/employees', { key: account.key }), {
          limit: 600,
          remaining: 599,
          reset: 120,
          policy: '600;w=60',
        });
      }));

    test('the trial daily write cap: 500 writes in 24 hours, then 429 daily_write_cap; reads go on', () =>
      withApp(async (t) => {
        const account = await createTestAccount(t, { plan: 'trial' });
        const cap = PLAN_LIMITS.trial.dailyWriteCap as number;
        const created = await call<{ id: string }>(t, 'POST', '/v1/employees', {
          key: account.key,
          body: { firstName: 'Ada', lastName: 'Lovelace' },
        });
        assert.equal(created.status, 201);
        expectHeaders(created, { limit: 60, remaining: 59, reset: 120, policy: `60;w=60, ${cap};w=86400` });

        const patch = () =>
          call(t, 'PATCH', `/v1/employees/${created.body.id}`, {
            key: account.key,
            body: { phone: '555-0100' },
          });
        // 499 more writes, 50 at a time, two minutes apart so the per-minute limit never interferes.
        let writes = 1;
        while (writes < cap) {
          t.clock.advance(2 * MINUTE);
          const batch = Math.min(50, cap - writes);
          assert.deepEqual(await statuses(batch, patch), { 200: batch });
          writes += batch;
        }
        t.clock.advance(2 * MINUTE);
        const refused = await patch();
        const error = expectRefusal(refused, 'daily_write_cap');
        assert.match(error.message, /trial plan allows 500 write requests per day/);
        // 500 writes today count fully until midnight, then fade: one fits once 500 × (1 − t/day) ≤ 499.
        const now = t.clock.now().getTime();
        const untilMidnight = DAY - (now % DAY);
        const retryAfter = Math.ceil((untilMidnight + DAY / cap) / 1000);
        assert.equal(refused.headers['retry-after'], String(retryAfter));
        assert.equal(refused.headers['x-ratelimit-limit'], String(cap));
        assert.equal(refused.headers['x-ratelimit-remaining'], '0');
        assert.equal(refused.headers['ratelimit-policy'], `60;w=60, ${cap};w=86400`);

        const read = await call(t, 'GET', `/v1/employees/${created.body.id}`, { key: account.key });
        assert.equal(read.status, 200);
        assert.equal(read.headers['ratelimit-policy'], '60;w=60');
        expectRefusal(
          await call(t, 'DELETE', `/v1/employees/${created.body.id}`, { key: account.key }),
          'daily_write_cap',
        );

        t.clock.advance(retryAfter * 1000);
        assert.equal((await patch()).status, 200);
        expectRefusal(await patch(), 'daily_write_cap');
      }));

    test('plans without a write cap count writes only per minute', () =>
      withApp(async (t) => {
        const account = await createTestAccount(t, { plan: 'starter' });
        const created = await call(t, 'POST', '/v1/employees', {
          key: account.key,
          body: { firstName: 'Ada', lastName: 'Lovelace' },
        });
        assert.equal(created.status, 201);
        expectHeaders(created, { limit: 600, remaining: 599, reset: 120, policy: '600;w=60' });
      }));

    test('onRefused hears of every refusal with its reason', () =>
      withApp(async (t) => {
        const refusals: RateLimitRefusal[] = [];
        const unsubscribe = t.app.context.rateLimiter.onRefused((refusal) => refusals.push(refusal));
        const account = await createTestAccount(t, { plan: 'trial' });
        const pro = await createTestAccount(t, { plan: 'pro' });
        const limited = await keyWithLimit(t, pro, 1);
        await statuses(2, () => call(t, 'GET', '/v1/employees', { key: limited.key }));
        await statuses(61, () => call(t, 'GET', '/v1/employees', { key: account.key }));
        await statuses(301, () =>
          call(t, 'GET', '/v1/employees', { headers: { authorization: 'Bearer x' } }),
        );
        unsubscribe();
        await call(t, 'GET', '/v1/employees', { key: limited.key });
        assert.deepEqual(
          refusals.map(({ reason, accountId, keyId }) => ({ reason, accountId, keyId })),
          [
            { reason: 'key', accountId: pro.account.id, keyId: limited.id },
            { reason: 'account', accountId: account.account.id, keyId: refusals[1]?.keyId },
            { reason: 'ip', accountId: null, keyId: null },
          ],
        );
        assert.ok(refusals.every((refusal) => refusal.retryAfterMs > 0));
      }));
  });
}

describe('rate limiting, wiring', () => {
  test('buildApp counts in Redis when it has a client, in memory otherwise', {
    skip: !REDIS_URL,
  }, async () => {
    const redis = new Redis(REDIS_URL as string);
    const database = await openTestDatabase('sqlite');
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent', PUNCHCLOCK_DATA_DIR: '/tmp/punchclock-test-unused' });
      const withRedis = await buildApp(config, { database, redis, logger: false });
      assert.ok(withRedis.context.rateLimiter.store instanceof RedisRateLimitStore);
      await withRedis.close();
      const embedded = await buildApp(config, { database, redis: null, logger: false });
      assert.ok(embedded.context.rateLimiter.store instanceof MemoryRateLimitStore);
      await embedded.close();
    } finally {
      await database.dispose();
      await redis.quit();
    }
  });

  test('a failing store lets requests through, without headers, and says so in the log', async () => {
    const failing: RateLimitStore = {
      consume: async () => {
        throw new Error('connection refused');
      },
      peek: async () => {
        throw new Error('connection refused');
      },
    };
    const lines: string[] = [];
    const database = await openTestDatabase('sqlite');
    const config = loadConfig({ LOG_LEVEL: 'error', PUNCHCLOCK_DATA_DIR: '/tmp/punchclock-test-unused' });
    const app = await buildApp(config, {
      database,
      logger: { stream: { write: (line) => void lines.push(line) } },
      rateLimit: { store: failing },
    });
    try {
      await migrateToLatest(database.db);
      const created = await createAccountWithAdmin(app.context, {
        name: 'Outage Co',
        plan: 'trial',
        timezone: 'UTC',
        adminEmail: 'outage@test.punchclock.test',
        adminPassword: 'correct horse battery staple',
      });
      const { key } = await createApiKey(app.context, created.account.id, {
        name: 'Full access',
        scopes: ['*'],
        createdBy: created.admin.id,
      });
      const response = await app.inject({
        url: '/v1/employees',
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['x-ratelimit-limit'], undefined);
      assert.ok(lines.some((line) => line.includes('rate-limit store failed')));
    } finally {
      await app.close();
      await database.dispose();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`plan caps (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    test('a trial account holds at most 25 employees: then 403 plan_limit_reached', async () => {
      const account = await createTestAccount(t, { plan: 'trial' });
      const cap = PLAN_LIMITS.trial.maxEmployees as number;
      const ids: string[] = [];
      for (let i = 0; i < cap; i++) {
        const created = await call<{ id: string }>(t, 'POST', '/v1/employees', {
          key: account.key,
          body: { firstName: 'Employee', lastName: String(i) },
        });
        assert.equal(created.status, 201, created.raw);
        ids.push(created.body.id);
      }
      const refused = await call<ErrorBody>(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName: 'One', lastName: 'Too many' },
      });
      assert.equal(refused.status, 403, refused.raw);
      assert.equal(refused.body.error.type, 'authorization_error');
      assert.equal(refused.body.error.code, 'plan_limit_reached');
      assert.match(refused.body.error.message, /trial plan allows at most 25 employees/);

      const list = await call<{ totalCount: number }>(t, 'GET', '/v1/employees?include=totalCount', {
        key: account.key,
      });
      assert.equal(list.body.totalCount, cap);

      assert.equal((await call(t, 'DELETE', `/v1/employees/${ids[0]}`, { key: account.key })).status, 200);
      const again = await call(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName: 'Replacement', lastName: 'Hire' },
      });
      assert.equal(again.status, 201, again.raw);
    });

    test('concurrent creations cannot overshoot the cap', async () => {
      const account = await createTestAccount(t, { plan: 'trial' });
      t.clock.advance(2 * MINUTE);
      const responses = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          call(t, 'POST', '/v1/employees', {
            key: account.key,
            body: { firstName: 'Rush', lastName: String(i) },
          }),
        ),
      );
      const counts: Record<number, number> = {};
      for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
      assert.deepEqual(counts, { 201: 25, 403: 5 });
    });

    test('other plans have no employee cap', async () => {
      const account = await createTestAccount(t, { plan: 'starter' });
      for (let i = 0; i < 26; i++) {
        const created = await call(t, 'POST', '/v1/employees', {
          key: account.key,
          body: { firstName: 'Employee', lastName: String(i) },
        });
        assert.equal(created.status, 201, created.raw);
      }
    });
  });
}
