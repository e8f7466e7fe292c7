/**
 * Runs the shared store suite on every store, plus what is particular to each: the memory store's bound, and the
 * Redis store's script loading, Redis time and Cluster-ready keys (those only when TEST_REDIS_URL is set).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryRateLimitStore } from '../../../src/platform/rate-limit/memory-store.js';
import { RedisRateLimitStore } from '../../../src/platform/rate-limit/redis-store.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { rateLimitStoreSuite } from './store-suite.js';

const REDIS_URL = process.env.TEST_REDIS_URL;

/** Deletes what a test left under its prefix (day-long counters would otherwise stay two days). */
async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

function testPrefix(): string {
  return `rl-test:${randomBytes(6).toString('hex')}:`;
}

rateLimitStoreSuite('memory', async (clock) => ({
  store: new MemoryRateLimitStore(clock),
  close: async () => {},
}));

describe('memory store', () => {
  test('holds at most maxCounters counters, and sweeps expired ones', async () => {
    const clock = new ManualClock('2026-11-01T00:00:00.000Z');
    const store = new MemoryRateLimitStore(clock, { maxCounters: 3 });
    const bucket = { name: 'account', limit: 10, windowMs: 60_000 };
    for (let i = 0; i < 5; i++) await store.consume(`acc_${i}`, [bucket]);
    assert.equal(store.size, 3);
    // The most recently used survive the bound.
    assert.equal((await store.peek('acc_4', [bucket])).buckets[0]?.remaining, 9);
    assert.equal((await store.peek('acc_0', [bucket])).buckets[0]?.remaining, 10);
    clock.advance(120_000);
    await store.consume('acc_new', [bucket]);
    assert.equal(store.size, 1);
  });

  test('past the bound, a scope in use survives newer scopes seen once', async () => {
    const store = new MemoryRateLimitStore(new ManualClock('2026-11-01T00:00:00.000Z'), { maxCounters: 3 });
    const bucket = { name: 'account', limit: 10, windowMs: 60_000 };
    for (const scope of ['acc_busy', 'acc_1', 'acc_2', 'acc_busy', 'acc_3', 'acc_4']) {
      await store.consume(scope, [bucket]);
    }
    assert.equal(store.size, 3);
    assert.equal(
      (await store.peek('acc_busy', [bucket])).buckets[0]?.remaining,
      8,
      'kept, with both requests',
    );
    assert.equal((await store.peek('acc_1', [bucket])).buckets[0]?.remaining, 10, 'evicted first');
    assert.equal((await store.peek('acc_4', [bucket])).buckets[0]?.remaining, 9);
  });
});

if (REDIS_URL) {
  rateLimitStoreSuite('redis', async (clock) => {
    const redis = new Redis(REDIS_URL);
    const prefix = testPrefix();
    return {
      store: new RedisRateLimitStore(redis, { clock, prefix }),
      close: async () => {
        await deletePrefix(redis, prefix);
        await redis.quit();
      },
    };
  });

  describe('redis store', () => {
    let redis: Redis;
    const prefix = testPrefix();
    before(() => {
      redis = new Redis(REDIS_URL);
    });
    after(async () => {
      await deletePrefix(redis, prefix);
      await redis.quit();
    });

    test("takes time from the Redis server's clock when no test clock is given", async () => {
      const store = new RedisRateLimitStore(redis, { prefix });
      const bucket = { name: 'account', limit: 3, windowMs: 60_000 };
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await store.consume('acc_time', [bucket]));
      // A real window boundary may fall between the requests, and carry-over keeps the count: still 3 of 4.
      assert.deepEqual(
        results.map((r) => r.allowed),
        [true, true, true, false],
      );
      const [seconds] = await redis.time();
      const refused = results[3];
      assert.ok(refused && refused.retryAfterMs > 0 && refused.retryAfterMs <= 120_000);
      assert.ok(Math.abs(Number(seconds) * 1000 - Date.now()) < 60_000, 'the local Redis runs on real time');
    });

    test('loads the script again after SCRIPT FLUSH (EVALSHA falls back to EVAL)', async () => {
      const store = new RedisRateLimitStore(redis, { prefix });
      const bucket = { name: 'account', limit: 5, windowMs: 60_000 };
      await store.consume('acc_flush', [bucket]);
      await redis.script('FLUSH');
      const result = await store.consume('acc_flush', [bucket]);
      assert.equal(result.allowed, true);
      assert.equal(result.buckets[0]?.remaining, 3);
    });

    test('one hash per bucket, all under the scope hash tag, expiring with their last window', async () => {
      const clock = new ManualClock('2026-11-01T00:00:10.000Z');
      const store = new RedisRateLimitStore(redis, { clock, prefix });
      await store.consume('acc_tags', [
        { name: 'account', limit: 5, windowMs: 60_000 },
        { name: 'key:key_1', limit: 5, windowMs: 60_000 },
      ]);
      const keys = (await redis.keys(`${prefix}{acc_tags}:*`)).sort();
      assert.deepEqual(keys, [`${prefix}{acc_tags}:account`, `${prefix}{acc_tags}:key:key_1`]);
      // Redis Cluster hashes only the part in braces: both keys share {acc_tags}, so one slot and one script.
      const ttl = await redis.pttl(keys[0] as string);
      assert.ok(ttl > 100_000 && ttl <= 110_000, `ttl ${ttl}`);
      assert.deepEqual(await redis.hgetall(keys[0] as string), {
        w: String(Math.floor(Date.parse('2026-11-01T00:00:10Z') / 60_000)),
        c: '1',
        p: '0',
      });
    });
  });
}
