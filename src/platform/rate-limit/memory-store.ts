import type { Clock } from '../../shared/clock.js';
import { type Bucket, decide, type RateLimitResult, type WindowCounts, windowAt } from './sliding-window.js';
import { type RateLimitStore, UNLIMITED } from './store.js';

interface Counter {
  windowMs: number;
  /** The fixed window `current` counts. */
  index: number;
  current: number;
  /** The count of window `index - 1`. */
  previous: number;
}

export interface MemoryStoreOptions {
  /**
   * At most this many counters. Expired ones are swept every minute; past the bound the least recently used go
   * first (their callers start a fresh window: a gap in limiting, never a wrong refusal).
   */
  maxCounters?: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/** The counters of one process, for embedded mode (no Redis): nothing to share with another process. */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #clock: Clock;
  readonly #maxCounters: number;
  /** In least-recently-written order: a write re-inserts its counter at the end. */
  readonly #counters = new Map<string, Counter>();
  #nextSweepAt = 0;

  constructor(clock: Clock, options: MemoryStoreOptions = {}) {
    this.#clock = clock;
    this.#maxCounters = options.maxCounters ?? 100_000;
  }

  async consume(scope: string, buckets: readonly Bucket[]): Promise<RateLimitResult> {
    return this.#decide(scope, buckets, true);
  }

  async peek(scope: string, buckets: readonly Bucket[]): Promise<RateLimitResult> {
    return this.#decide(scope, buckets, false);
  }

  /** Live counters (for tests of the memory bound). */
  get size(): number {
    return this.#counters.size;
  }

  #decide(scope: string, buckets: readonly Bucket[], consume: boolean): RateLimitResult {
    if (buckets.length === 0) return UNLIMITED;
    const now = this.#clock.now().getTime();
    this.#sweep(now);
    const keys = buckets.map((bucket) => `{${scope}}:${bucket.name}`);
    const counts = buckets.map((bucket, i) => this.#countsAt(keys[i] as string, bucket.windowMs, now));
    const take = consume && decide(buckets, counts, now, false).allowed;
    if (take) {
      buckets.forEach((bucket, i) => {
        const key = keys[i] as string;
        const before = counts[i] as WindowCounts;
        this.#counters.delete(key);
        this.#counters.set(key, {
          windowMs: bucket.windowMs,
          index: windowAt(now, bucket.windowMs).index,
          current: before.current + 1,
          previous: before.previous,
        });
      });
      this.#evictOverflow();
    }
    return decide(buckets, counts, now, take);
  }

  #countsAt(key: string, windowMs: number, now: number): WindowCounts {
    const counter = this.#counters.get(key);
    if (!counter || counter.windowMs !== windowMs) return { previous: 0, current: 0 };
    const { index } = windowAt(now, windowMs);
    if (counter.index === index) return { previous: counter.previous, current: counter.current };
    if (counter.index === index - 1) return { previous: counter.current, current: 0 };
    return { previous: 0, current: 0 };
  }

  /** Drops counters whose windows no longer weigh on any estimate (two windows after the one they count). */
  #sweep(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [key, counter] of this.#counters) {
      if ((counter.index + 2) * counter.windowMs <= now) this.#counters.delete(key);
    }
  }

  #evictOverflow(): void {
    for (const key of this.#counters.keys()) {
      if (this.#counters.size <= this.#maxCounters) return;
      this.#counters.delete(key);
    }
  }
}
