import type { Clock } from '../../shared/clock.js';
import type { MaybePromise } from '../../shared/maybe-promise.js';
import type { CounterLedger } from './database-ledger.js';
import {
  type Bucket,
  decide,
  fits,
  type RateLimitResult,
  type WindowCounts,
  windowAt,
} from './sliding-window.js';
import { type RateLimitStore, UNLIMITED } from './store.js';

/** One bucket's counts, updated in place: the hot path allocates nothing to count a request. */
interface Counter {
  windowMs: number;
  /** The fixed window `current` counts. */
  index: number;
  current: number;
  /** The count of window `index - 1`. */
  previous: number;
}

/** The counters of one scope, by bucket name. */
interface ScopeCounters {
  readonly counters: Map<string, Counter>;
  /** Written again since eviction last passed it: the "second chance" of the CLOCK eviction below. */
  written: boolean;
}

export interface MemoryStoreOptions {
  /**
   * At most this many counters. Expired ones are swept every minute; past the bound, scopes not written recently go
   * first (their callers start a fresh window: a gap in limiting, never a wrong refusal).
   */
  maxCounters?: number;
  /**
   * Counters of windows at least `minWindowMs` long (the daily write cap) are also written to `ledger`, and `load()`
   * reads them back at start: a restart must not hand out a fresh day. A request that moves such a counter is
   * answered once the ledger has it, so an acknowledged write is always counted.
   */
  durable?: { ledger: CounterLedger; minWindowMs: number };
}

const SWEEP_INTERVAL_MS = 60_000;
const NO_COUNTS: WindowCounts = { previous: 0, current: 0 };

/**
 * The counters of one process, for embedded mode (no Redis): nothing to share with another process. Answers
 * synchronously. Counters are kept per scope (an account, a client address) and then per bucket name, so a request
 * looks them up with the strings it already holds instead of building a key per request.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #clock: Clock;
  readonly #maxCounters: number;
  readonly #durable: MemoryStoreOptions['durable'];
  /** Scopes in the order eviction visits them (see #evictOverflow). */
  readonly #scopes = new Map<string, ScopeCounters>();
  #size = 0;
  #nextSweepAt = 0;

  constructor(clock: Clock, options: MemoryStoreOptions = {}) {
    this.#clock = clock;
    this.#maxCounters = options.maxCounters ?? 100_000;
    this.#durable = options.durable;
  }

  /** Reads the durable counters back from the ledger (call once, before the first request). */
  async load(): Promise<void> {
    if (!this.#durable) return;
    for (const stored of await this.#durable.ledger.load(this.#clock.now().getTime())) {
      let entry = this.#scopes.get(stored.scope);
      if (!entry) {
        entry = { counters: new Map(), written: false };
        this.#scopes.set(stored.scope, entry);
      }
      if (!entry.counters.has(stored.name)) this.#size++;
      entry.counters.set(stored.name, {
        windowMs: stored.windowMs,
        index: stored.index,
        current: stored.current,
        previous: stored.previous,
      });
    }
  }

  consume(scope: string, buckets: readonly Bucket[], nowMs?: number): MaybePromise<RateLimitResult> {
    const result = this.#decide(scope, buckets, true, nowMs);
    if (!this.#durable || !result.allowed) return result;
    const { ledger, minWindowMs } = this.#durable;
    // Most requests move no day-long counter: they allocate nothing here and stay synchronous.
    let saved: Promise<void>[] | undefined;
    for (const bucket of buckets) {
      if (bucket.windowMs < minWindowMs) continue;
      const counter = this.#scopes.get(scope)?.counters.get(bucket.name);
      if (!counter) continue;
      saved = saved ?? [];
      saved.push(ledger.save({ scope, name: bucket.name, ...counter }));
    }
    return saved ? Promise.all(saved).then(() => result) : result;
  }

  peek(scope: string, buckets: readonly Bucket[], nowMs?: number): RateLimitResult {
    return this.#decide(scope, buckets, false, nowMs);
  }

  /** Live counters (for tests of the memory bound). */
  get size(): number {
    return this.#size;
  }

  #decide(
    scope: string,
    buckets: readonly Bucket[],
    consume: boolean,
    nowMs: number | undefined,
  ): RateLimitResult {
    if (buckets.length === 0) return UNLIMITED;
    const now = nowMs ?? this.#clock.now().getTime();
    this.#sweep(now);
    const entry = this.#scopes.get(scope);
    const counts: WindowCounts[] = [];
    let allFit = true;
    for (const bucket of buckets) {
      const windowCounts = countsAt(entry?.counters.get(bucket.name), bucket.windowMs, now);
      counts.push(windowCounts);
      if (
        allFit &&
        !fits(windowCounts, bucket.limit, bucket.windowMs, windowAt(now, bucket.windowMs).elapsedMs)
      ) {
        allFit = false;
      }
    }
    const take = consume && allFit;
    if (take) this.#take(scope, entry, buckets, counts, now);
    return decide(buckets, counts, now, take);
  }

  #take(
    scope: string,
    existing: ScopeCounters | undefined,
    buckets: readonly Bucket[],
    countsBefore: readonly WindowCounts[],
    now: number,
  ): void {
    let entry = existing;
    if (entry) {
      entry.written = true;
    } else {
      // New scopes join at the end, unmarked: a scope earns its second chance by being written again.
      entry = { counters: new Map(), written: false };
      this.#scopes.set(scope, entry);
    }
    const { counters } = entry;
    buckets.forEach((bucket, i) => {
      const before = countsBefore[i] as WindowCounts;
      let counter = counters.get(bucket.name);
      if (!counter) {
        counter = { windowMs: bucket.windowMs, index: 0, current: 0, previous: 0 };
        counters.set(bucket.name, counter);
        this.#size++;
      }
      counter.windowMs = bucket.windowMs;
      counter.index = windowAt(now, bucket.windowMs).index;
      counter.current = before.current + 1;
      counter.previous = before.previous;
    });
    if (this.#size > this.#maxCounters) this.#evictOverflow();
  }

  /** Drops counters whose windows no longer weigh on any estimate (two windows after the one they count). */
  #sweep(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [scope, { counters }] of this.#scopes) {
      for (const [name, counter] of counters) {
        if ((counter.index + 2) * counter.windowMs > now) continue;
        counters.delete(name);
        this.#size--;
      }
      if (counters.size === 0) this.#scopes.delete(scope);
    }
  }

  /**
   * CLOCK eviction, an approximation of least-recently-written that costs nothing per request: a scope written
   * since the last pass gets a second chance (its flag is cleared and it moves to the end); the first one found
   * unwritten goes. Reordering on every write instead (delete + set) was the store's largest cost.
   */
  #evictOverflow(): void {
    for (const [scope, entry] of this.#scopes) {
      if (this.#size <= this.#maxCounters) return;
      this.#scopes.delete(scope);
      if (entry.written) {
        entry.written = false;
        this.#scopes.set(scope, entry);
      } else {
        this.#size -= entry.counters.size;
      }
    }
  }
}

/** A counter's counts as of `now`: its windows roll forward as time passes, without being written. */
function countsAt(counter: Counter | undefined, windowMs: number, now: number): WindowCounts {
  if (!counter || counter.windowMs !== windowMs) return NO_COUNTS;
  const { index } = windowAt(now, windowMs);
  if (counter.index === index) return { previous: counter.previous, current: counter.current };
  if (counter.index === index - 1) return { previous: counter.current, current: 0 };
  return NO_COUNTS;
}
