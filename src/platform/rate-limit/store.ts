import type { MaybePromise } from '../../shared/maybe-promise.js';
import type { Bucket, RateLimitResult } from './sliding-window.js';

/**
 * Where the counters live: memory for one process (embedded mode), Redis when processes share them. Both decide
 * with sliding-window.ts and pass the same test suite (test/platform/rate-limit/store-suite.ts).
 *
 * `scope` groups the buckets of one decision (an account id, `ip:<address>`): the Redis store puts it in a hash
 * tag, so one request's counters sit in one Redis Cluster slot and a single script can update them atomically.
 *
 * The memory store answers synchronously, the Redis store with a promise: callers take either (`andThen`), so that
 * in embedded mode a request never waits a microtask for its counters.
 */
export interface RateLimitStore {
  /**
   * All or nothing: takes one request from every bucket when every bucket fits, else from none. `nowMs` is the
   * request's time as the app's clock read it (one read per request); a store that counts by the clock of this
   * process decides at that time, and reads its clock when none is given. The Redis store counts by the Redis
   * server's clock, the one clock all processes share, and ignores it.
   */
  consume(scope: string, buckets: readonly Bucket[], nowMs?: number): MaybePromise<RateLimitResult>;
  /** The same decision without taking anything: would a request pass now? */
  peek(scope: string, buckets: readonly Bucket[], nowMs?: number): MaybePromise<RateLimitResult>;
}

/** The answer for no buckets at all (a caller with nothing to limit). */
export const UNLIMITED: RateLimitResult = { allowed: true, buckets: [], refusedBy: [], retryAfterMs: 0 };
