/**
 * The sliding-window counter (DESIGN §3.6): a window's estimate is the count of the previous fixed window, weighted
 * by the share of it the sliding window still covers, plus the count of the current fixed window. Both stores
 * decide with these functions — the Redis script repeats only `fits`, multiplied out the same way — so they agree
 * to the millisecond. Everything is integer milliseconds: no rounding can differ between Lua and JavaScript.
 */

/** One budget a request spends from. */
export interface Bucket {
  /**
   * What the counter counts within its scope (`account`, `key:key_…`, `daily-writes`): never the limit, so that
   * changing a plan or a key's limit keeps the window it has already spent.
   */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** Requests counted in the fixed window before the current one, and in the current one. */
export interface WindowCounts {
  readonly previous: number;
  readonly current: number;
}

/** A bucket after the decision: what the rate-limit headers report. */
export interface BucketState {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  /** Whether this bucket alone would have let the request through. */
  readonly fits: boolean;
  /** Requests that would still pass right now. */
  readonly remaining: number;
  /** Time until the bucket is back to its full limit, if nothing more is spent. */
  readonly resetMs: number;
  /** Time until this bucket lets one request through (0 when it does now). */
  readonly retryAfterMs: number;
}

export interface RateLimitResult {
  /** Every bucket fits. After `consume`, one request was then taken from each of them; otherwise from none. */
  readonly allowed: boolean;
  readonly buckets: readonly BucketState[];
  /** The names of the buckets that did not fit. */
  readonly refusedBy: readonly string[];
  /** Time until a request would pass every bucket (0 when allowed): the longest of the refusing buckets' waits. */
  readonly retryAfterMs: number;
}

/** The fixed window `nowMs` falls in, and how far into it. */
export function windowAt(nowMs: number, windowMs: number): { index: number; elapsedMs: number } {
  const index = Math.floor(nowMs / windowMs);
  return { index, elapsedMs: nowMs - index * windowMs };
}

/** previous × (W − elapsed) / W + current + 1 ≤ limit, multiplied by W to stay in integers. */
export function fits(counts: WindowCounts, limit: number, windowMs: number, elapsedMs: number): boolean {
  return counts.previous * (windowMs - elapsedMs) + (counts.current + 1) * windowMs <= limit * windowMs;
}

/** How many more requests fit now: ⌊limit − estimate⌋, never negative. */
export function remainingOf(
  counts: WindowCounts,
  limit: number,
  windowMs: number,
  elapsedMs: number,
): number {
  const spent = counts.previous * (windowMs - elapsedMs) + counts.current * windowMs;
  return Math.max(0, Math.floor((limit * windowMs - spent) / windowMs));
}

/**
 * Until the estimate is zero: this window's requests keep weighing until the end of the next window; the previous
 * window's until the end of this one.
 */
export function resetOf(counts: WindowCounts, windowMs: number, elapsedMs: number): number {
  if (counts.current > 0) return 2 * windowMs - elapsedMs;
  if (counts.previous > 0) return windowMs - elapsedMs;
  return 0;
}

/**
 * The real wait until one request fits, if nothing more is spent. The estimate only falls with time (and is
 * continuous across the window boundary), so the first moment it fits is found in two steps:
 *  1. later in this window, as the previous window's weight decays: previous × (W − t) ≤ (limit − current − 1) × W;
 *  2. else in the next window, where this window's count becomes the previous one: current × (W − t) ≤ (limit − 1) × W
 *     (t = W there means the start of the window after next, when a limit of 1 was spent in this window).
 */
export function retryAfterOf(
  counts: WindowCounts,
  limit: number,
  windowMs: number,
  elapsedMs: number,
): number {
  if (fits(counts, limit, windowMs, elapsedMs)) return 0;
  // No request ever fits a limit below one; report a whole window so clients back off rather than spin.
  if (limit < 1) return windowMs;
  const { previous, current } = counts;
  if (current + 1 <= limit && previous > 0) {
    const at = windowMs - Math.floor(((limit - current - 1) * windowMs) / previous);
    if (at < windowMs) return at - elapsedMs;
  }
  const atNext = current === 0 ? 0 : Math.max(0, windowMs - Math.floor(((limit - 1) * windowMs) / current));
  return windowMs - elapsedMs + Math.min(atNext, windowMs);
}

/**
 * The decision over all buckets of one request, from their counts before it. `consumed` says whether the store
 * took the request (it did exactly when every bucket fits and the caller asked to consume).
 */
export function decide(
  buckets: readonly Bucket[],
  countsBefore: readonly WindowCounts[],
  nowMs: number,
  consumed: boolean,
): RateLimitResult {
  // One pass, no intermediate arrays: this runs on every /v1 request.
  const states: BucketState[] = [];
  const refusedBy: string[] = [];
  let retryAfterMs = 0;
  buckets.forEach((bucket, i) => {
    const before = countsBefore[i] ?? { previous: 0, current: 0 };
    const { elapsedMs } = windowAt(nowMs, bucket.windowMs);
    const after = consumed ? { previous: before.previous, current: before.current + 1 } : before;
    const state: BucketState = {
      name: bucket.name,
      limit: bucket.limit,
      windowMs: bucket.windowMs,
      fits: fits(before, bucket.limit, bucket.windowMs, elapsedMs),
      remaining: remainingOf(after, bucket.limit, bucket.windowMs, elapsedMs),
      resetMs: resetOf(after, bucket.windowMs, elapsedMs),
      retryAfterMs: consumed ? 0 : retryAfterOf(before, bucket.limit, bucket.windowMs, elapsedMs),
    };
    states.push(state);
    if (!state.fits) {
      refusedBy.push(state.name);
      retryAfterMs = Math.max(retryAfterMs, state.retryAfterMs);
    }
  });
  return { allowed: refusedBy.length === 0, buckets: states, refusedBy, retryAfterMs };
}
