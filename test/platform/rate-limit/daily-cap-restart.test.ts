/**
 * Issue 11, defect 13: the daily write cap survives a restart. On main before the fix, embedded mode kept the count
 * only in memory: 134 writes, a restart, and 500 more were allowed the same day. Now the embedded store keeps the
 * daily counter in the database (rate_limit_counters) and Redis keeps it when configured.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { type App, buildApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { PLAN_LIMITS } from '../../../src/platform/accounts/plans.js';
import { createAccountWithAdmin } from '../../../src/platform/accounts/service.js';
import { createApiKey } from '../../../src/platform/api-keys/service.js';
import { DEFAULT_RATE_LIMIT_POLICY, type RateLimitPolicy } from '../../../src/platform/rate-limit/limiter.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { DIALECTS, openTestDatabase } from '../../helpers/dialects.js';

const REDIS_URL = process.env.TEST_REDIS_URL;
const CAP = 6;
const POLICY: RateLimitPolicy = {
  ...DEFAULT_RATE_LIMIT_POLICY,
  plans: { ...PLAN_LIMITS, trial: { ...PLAN_LIMITS.trial, dailyWriteCap: CAP } },
};
const config = loadConfig({ LOG_LEVEL: 'silent', PUNCHCLOCK_DATA_DIR: '/tmp/punchclock-test-unused' });

const modes = DIALECTS.map((dialect) => ({ dialect, redis: false })).concat(
  REDIS_URL ? [{ dialect: 'sqlite', redis: true }] : [],
);

for (const { dialect, redis: withRedis } of modes) {
  describe(`the daily write cap across a restart (${dialect}${withRedis ? ' + Redis' : ', embedded'})`, () => {
    test('writes spent before a restart still count after it; the cap refuses on time', async () => {
      const database = await openTestDatabase(dialect);
      const clock = new ManualClock('2026-11-01T12:00:00.000Z');
      const redisClients: Redis[] = [];
      const start = (): Promise<App> => {
        const redis = withRedis ? new Redis(REDIS_URL as string) : null;
        if (redis) redisClients.push(redis);
        // No store passed: the app picks the one it runs with in production.
        return buildApp(config, { database, clock, redis, logger: false, rateLimit: { policy: POLICY } });
      };
      let app = await start();
      try {
        const created = await createAccountWithAdmin(app.context, {
          name: 'Restart Co',
          plan: 'trial',
          timezone: 'UTC',
          adminEmail: `restart.${Date.now()}.${dialect}@test.punchclock.test`,
          adminPassword: 'correct horse battery staple',
        });
        const { key } = await createApiKey(app.context, created.account.id, {
          name: 'Full access',
          scopes: ['*'],
          createdBy: created.admin.id,
        });
        const write = (target: App) =>
          target.inject({
            method: 'POST',
            url: '/v1/employees',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            payload: JSON.stringify({ firstName: 'Ada', lastName: 'Lovelace' }),
          });

        for (let i = 0; i < CAP - 2; i++) assert.equal((await write(app)).statusCode, 201);
        await app.close();
        for (const client of redisClients.splice(0)) await client.quit();

        clock.advance(60_000);
        app = await start();
        assert.equal((await write(app)).statusCode, 201);
        assert.equal((await write(app)).statusCode, 201);
        const refused = await write(app);
        assert.equal(refused.statusCode, 429, refused.body);
        assert.equal(JSON.parse(refused.body).error.code, 'daily_write_cap');

        // And a second restart remembers the refusal too.
        await app.close();
        for (const client of redisClients.splice(0)) await client.quit();
        app = await start();
        assert.equal((await write(app)).statusCode, 429);
      } finally {
        await app.close();
        for (const client of redisClients) await client.quit();
        await database.dispose();
      }
    });
  });
}
