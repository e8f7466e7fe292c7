/**
 * The rate-limit store suite (DESIGN §3.6): one set of cases that every store must pass. stores.test.ts runs it on
 * the memory store and, when TEST_REDIS_URL is set, on the Redis store — both on a ManualClock, so carry-over from
 * the previous window and Retry-After are checked to the millisecond.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Bucket, RateLimitResult } from '../../../src/platform/rate-limit/sliding-window.js';
import type { RateLimitStore } from '../../../src/platform/rate-limit/store.js';
import { ManualClock } from '../../../src/shared/clock.js';

export interface StoreUnderTest {
  store: RateLimitStore;
  close(): Promise<void>;
}

/** Makes a fresh store reading time from `clock`. */
export type StoreFactory = (clock: ManualClock) => Promise<StoreUnderTest>;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A minute boundary (and a day boundary): the first request of a case falls at the start of a fixed window. */
const WINDOW_START = '2026-11-01T00:00:00.000Z';

/** A scope of its own per case, so stores shared between cases (Redis) never mix their counters. */
function freshScope(): string {
  return `acc_${randomBytes(8).toString('hex')}`;
}

function bucket(name: string, limit: number, windowMs = MINUTE): Bucket {
  return { name, limit, windowMs };
}

function stateOf(result: RateLimitResult, name: string) {
  const state = result.buckets.find((b) => b.name === name);
  assert.ok(state, `no state for bucket ${name}`);
  return state;
}

async function consumeTimes(
  store: RateLimitStore,
  scope: string,
  buckets: readonly Bucket[],
  times: number,
): Promise<RateLimitResult[]> {
  const results: RateLimitResult[] = [];
  for (let i = 0; i < times; i++) results.push(await store.consume(scope, buckets));
  return results;
}

export function rateLimitStoreSuite(name: string, factory: StoreFactory): void {
  describe(`rate-limit store: ${name}`, () => {
    let clock: ManualClock;
    let subject: StoreUnderTest;
    let store: RateLimitStore;

    beforeEach(async () => {
      clock = new ManualClock(WINDOW_START);
      subject = await factory(clock);
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    test('a fresh window lets exactly N of N + k back-to-back requests through', async () => {
      const scope = freshScope();
      const limit = 5;
      const results = await consumeTimes(store, scope, [bucket('account', limit)], limit + 3);
      assert.deepEqual(
        results.map((r) => r.allowed),
        [true, true, true, true, true, false, false, false],
      );
      assert.deepEqual(
        results.map((r) => stateOf(r, 'account').remaining),
        [4, 3, 2, 1, 0, 0, 0, 0],
      );
      const refused = results[limit] as RateLimitResult;
      assert.deepEqual(refused.refusedBy, ['account']);
      assert.equal(stateOf(refused, 'account').limit, limit);
    });

    test('Retry-After is the real wait: refused 1 ms before it, let through at it', async () => {
      const scope = freshScope();
      const limit = 5;
      await consumeTimes(store, scope, [bucket('account', limit)], limit);
      const refused = await store.consume(scope, [bucket('account', limit)]);
      // 5 requests at the start of window 0 weigh 5 × (W − t)/W in window 1: one fits once that is ≤ 4, t = W/5.
      assert.equal(refused.retryAfterMs, MINUTE + MINUTE / 5);
      clock.advance(refused.retryAfterMs - 1);
      assert.equal((await store.consume(scope, [bucket('account', limit)])).allowed, false);
      clock.advance(1);
      assert.equal((await store.consume(scope, [bucket('account', limit)])).allowed, true);
      assert.equal((await store.consume(scope, [bucket('account', limit)])).allowed, false);
    });

    test('the previous window carries over, weighted by the time it still covers', async () => {
      const scope = freshScope();
      const limit = 10;
      await consumeTimes(store, scope, [bucket('account', limit)], 6);
      // 15 s into the next window: 6 × 45/60 = 4.5 still count, so 5 more fit and the sixth does not.
      clock.set('2026-11-01T00:01:15.000Z');
      const peeked = await store.peek(scope, [bucket('account', limit)]);
      assert.equal(peeked.allowed, true);
      assert.equal(stateOf(peeked, 'account').remaining, 5);
      const results = await consumeTimes(store, scope, [bucket('account', limit)], 6);
      assert.deepEqual(
        results.map((r) => r.allowed),
        [true, true, true, true, true, false],
      );
      const refused = results[5] as RateLimitResult;
      // 4.5 − 6 × t/60 + 5 + 1 ≤ 10 from t = 20 s on: 5 s from now, still inside this window.
      assert.equal(refused.retryAfterMs, 5_000);
      clock.advance(4_999);
      assert.equal((await store.peek(scope, [bucket('account', limit)])).allowed, false);
      clock.advance(1);
      assert.equal((await store.consume(scope, [bucket('account', limit)])).allowed, true);
    });

    test('two windows later nothing is remembered; reset says when that is', async () => {
      const scope = freshScope();
      clock.advance(10_000);
      const first = await store.consume(scope, [bucket('account', 3)]);
      // The request weighs until the end of the next window: 50 s of this one and 60 s of that one.
      assert.equal(stateOf(first, 'account').resetMs, 110_000);
      await consumeTimes(store, scope, [bucket('account', 3)], 2);
      assert.equal((await store.peek(scope, [bucket('account', 3)])).allowed, false);
      clock.advance(110_000);
      const later = await store.peek(scope, [bucket('account', 3)]);
      assert.equal(later.allowed, true);
      assert.equal(stateOf(later, 'account').remaining, 3);
      assert.equal(stateOf(later, 'account').resetMs, 0);
    });

    test('peek decides like consume but takes nothing', async () => {
      const scope = freshScope();
      for (let i = 0; i < 5; i++) {
        const peeked = await store.peek(scope, [bucket('account', 2)]);
        assert.equal(peeked.allowed, true);
        assert.equal(stateOf(peeked, 'account').remaining, 2);
      }
      await consumeTimes(store, scope, [bucket('account', 2)], 2);
      const peeked = await store.peek(scope, [bucket('account', 2)]);
      assert.equal(peeked.allowed, false);
      assert.ok(peeked.retryAfterMs > 0);
    });

    test('a request refused by the key limit takes nothing from the account limit', async () => {
      const scope = freshScope();
      const account = bucket('account', 5);
      const key = bucket('key:key_1', 3);
      const results = await consumeTimes(store, scope, [account, key], 4);
      assert.deepEqual(
        results.map((r) => r.allowed),
        [true, true, true, false],
      );
      assert.deepEqual((results[3] as RateLimitResult).refusedBy, ['key:key_1']);
      assert.equal(stateOf(results[3] as RateLimitResult, 'account').remaining, 2);
      // The account still has exactly the two requests the key's refusals did not take.
      const other = await consumeTimes(store, scope, [account], 3);
      assert.deepEqual(
        other.map((r) => r.allowed),
        [true, true, false],
      );
    });

    test('a request refused by the account limit takes nothing from the key limit', async () => {
      const scope = freshScope();
      const account = bucket('account', 3);
      const key = bucket('key:key_2', 10);
      await consumeTimes(store, scope, [account], 3);
      const refused = await consumeTimes(store, scope, [account, key], 4);
      assert.ok(refused.every((r) => !r.allowed && r.refusedBy.join() === 'account'));
      const keyAlone = await store.peek(scope, [key]);
      assert.equal(stateOf(keyAlone, 'key:key_2').remaining, 10);
    });

    test('when several buckets refuse, the wait is the longest of theirs', async () => {
      const scope = freshScope();
      const minute = bucket('account', 2);
      const day = bucket('daily-writes', 2, DAY);
      await consumeTimes(store, scope, [minute, day], 2);
      const refused = await store.consume(scope, [minute, day]);
      assert.deepEqual([...refused.refusedBy].sort(), ['account', 'daily-writes']);
      assert.equal(refused.retryAfterMs, DAY + DAY / 2);
      assert.equal(stateOf(refused, 'account').retryAfterMs, MINUTE + MINUTE / 2);
    });

    test('counters are named by what they count: a new limit keeps the window already spent', async () => {
      const scope = freshScope();
      await consumeTimes(store, scope, [bucket('account', 10)], 5);
      assert.equal(stateOf(await store.peek(scope, [bucket('account', 6)]), 'account').remaining, 1);
      assert.equal(stateOf(await store.peek(scope, [bucket('account', 20)]), 'account').remaining, 15);
      assert.equal((await store.consume(scope, [bucket('account', 5)])).allowed, false);
    });

    test('scopes and bucket names keep their counters apart', async () => {
      const a = freshScope();
      const b = freshScope();
      await consumeTimes(store, a, [bucket('account', 2)], 2);
      assert.equal((await store.consume(a, [bucket('account', 2)])).allowed, false);
      assert.equal((await store.consume(b, [bucket('account', 2)])).allowed, true);
      assert.equal((await store.consume(a, [bucket('key:key_3', 2)])).allowed, true);
    });

    test('a day-long window counts the same way', async () => {
      const scope = freshScope();
      const day = bucket('daily-writes', 3, DAY);
      const results = await consumeTimes(store, scope, [day], 4);
      assert.deepEqual(
        results.map((r) => r.allowed),
        [true, true, true, false],
      );
      clock.advance(DAY + DAY / 3);
      assert.equal((await store.consume(scope, [day])).allowed, true);
      assert.equal((await store.consume(scope, [day])).allowed, false);
    });

    test('concurrent requests: still exactly N through', async () => {
      const scope = freshScope();
      const results = await Promise.all(
        Array.from({ length: 30 }, () => store.consume(scope, [bucket('account', 20)])),
      );
      assert.equal(results.filter((r) => r.allowed).length, 20);
    });

    test('no buckets: nothing to limit', async () => {
      const result = await store.consume(freshScope(), []);
      assert.deepEqual(result, { allowed: true, buckets: [], refusedBy: [], retryAfterMs: 0 });
    });
  });
}
