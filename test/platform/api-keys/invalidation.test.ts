import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { buildApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { setApiAccess } from '../../../src/platform/accounts/service.js';
import { revokeApiKey } from '../../../src/platform/api-keys/service.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { call, createTestAccount, type TestApp } from '../../helpers/app.js';
import { DIALECTS, openTestDatabase } from '../../helpers/dialects.js';

const redisUrl = process.env.TEST_REDIS_URL;

/** Polls until `check` holds or `ms` pass; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const dialect of DIALECTS) {
  describe(`key-cache invalidation across processes over Redis (${dialect})`, {
    skip: !redisUrl && 'TEST_REDIS_URL is not set',
  }, () => {
    test('a revocation or an access switch in one app reaches the other app at once', async () => {
      // Two apps on one database, each with its own Redis connection and a frozen clock: their 5 s cache expiry
      // never comes, so only the pub/sub message can make the second app refuse the key.
      const db = await openTestDatabase(dialect);
      const config = loadConfig({ LOG_LEVEL: 'silent' });
      const [redisA, redisB] = [new Redis(redisUrl as string), new Redis(redisUrl as string)];
      const appA = await buildApp(config, {
        database: db,
        clock: new ManualClock(),
        logger: false,
        redis: redisA,
      });
      const appB = await buildApp(config, {
        database: db,
        clock: new ManualClock(),
        logger: false,
        redis: redisB,
      });
      const a = { app: appA } as TestApp;
      const b = { app: appB } as TestApp;
      try {
        const account = await createTestAccount(a);
        const other = await createTestAccount(a);
        assert.equal(
          (await call(b, 'GET', '/v1/api-key', { key: account.key })).status,
          200,
          'B caches the key',
        );
        assert.equal((await call(b, 'GET', '/v1/api-key', { key: other.key })).status, 200);

        const revoked = await call(a, 'GET', '/v1/api-key', { key: account.key });
        await revokeApiKey(appA.context, account.account.id, String(revoked.body.id), account.admin.id);
        const took = await within(1000, async () => {
          const res = await call<{ error: { code: string } }>(b, 'GET', '/v1/api-key', { key: account.key });
          return res.status === 401 && res.body.error.code === 'api_key_revoked';
        });
        assert.ok(took < 1000, `applied in ${took} ms`);
        assert.equal(
          (await call(b, 'GET', '/v1/api-key', { key: other.key })).status,
          200,
          'other keys stay cached',
        );

        await setApiAccess(appA.context, other.account.id, false);
        await within(
          1000,
          async () => (await call(b, 'GET', '/v1/api-key', { key: other.key })).status === 403,
        );
      } finally {
        await appA.close();
        await appB.close();
        await redisA.quit();
        await redisB.quit();
        await db.dispose();
      }
    });
  });
}
