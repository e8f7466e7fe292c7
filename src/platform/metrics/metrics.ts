import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read when scraped, instead of being told about every event. */
export interface MetricSources {
  readonly requestLog: {
    readonly bufferedRows: number;
    readonly droppedRows: number;
    readonly failedFlushes: number;
  };
  readonly keyCache: { readonly hits: number; readonly misses: number };
}

/** Why a request was refused with 429 (or 403 for a plan cap); the label of the refusal counter. */
export type RateLimitRefusalReason = string;

/** The route label of requests no route matched: raw paths as labels would make the series unbounded. */
export const UNMATCHED_ROUTE = '(unmatched)';

let processRegistry: Registry | undefined;

/**
 * Process metrics (CPU, memory, event loop, GC) belong to the process, not to an app, and collecting them starts
 * monitors that are never stopped: one registry per process, created on first use, however many apps (tests).
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Copies a running total into a counter at scrape time (counters only go up, so the total is set afresh). */
function setTotal<T extends string>(
  counter: Counter<T>,
  value: number,
  labels?: Partial<Record<T, string>>,
): void {
  if (labels) counter.inc(labels, value);
  else counter.inc(value);
}

/** The duration histogram's buckets, in seconds (its `le` labels). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
/** The same bounds in milliseconds, the unit a request's duration is measured in. */
const DURATION_BUCKETS_MS: readonly number[] = DURATION_BUCKETS.map((seconds) => seconds * 1000);

/** What the answered requests of one route and method add up to since start. */
interface RouteTally {
  /** The series' labels: one object for the tally's life, by which collect() also finds its histogram series. */
  readonly labels: { readonly method: string; readonly route: string };
  readonly statuses: Map<number, number>;
  /** Requests per duration bucket, not cumulative: [i] counts the durations in (bound i−1, bound i]. */
  readonly buckets: number[];
  sumMs: number;
  count: number;
}

/** What prom-client's Histogram keeps per label set (lib/histogram.js); collect() fills it from the tallies. */
interface HistogramSeries {
  labels: object;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * The app's Prometheus metrics, in a registry of its own (never prom-client's global one: tests build many apps
 * in one process, and two apps must not share or collide on series).
 */
export class AppMetrics {
  readonly registry = new Registry();
  /**
   * Answered /v1 requests by route and method — statuses and durations — counted here in plain numbers and copied
   * into the counter and the histogram when scraped: a prom-client inc() or observe() per request validates the
   * labels and hashes the label set, which a tally in plain numbers does not.
   */
  readonly #tallies = new Map<string, Map<string, RouteTally>>();
  readonly #rateLimitRefusals: Counter<'reason'>;

  constructor(sources: () => MetricSources) {
    const registers = [this.registry];
    const tallies = this.#tallies;
    new Counter({
      name: 'punchclock_http_requests_total',
      help: 'Requests to /v1, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
      collect() {
        this.reset();
        for (const byMethod of tallies.values()) {
          for (const { labels, statuses } of byMethod.values()) {
            for (const [status, count] of statuses) this.inc({ ...labels, status: String(status) }, count);
          }
        }
      },
    });
    new Histogram({
      name: 'punchclock_http_request_duration_seconds',
      help: 'Time to answer /v1 requests, by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: [...DURATION_BUCKETS],
      registers,
      collect() {
        // zero() is prom-client's public way to create a series; its counts are then set from the tally.
        this.reset();
        const byLabels = new Map<object, RouteTally>();
        for (const byMethod of tallies.values()) {
          for (const tally of byMethod.values()) {
            byLabels.set(tally.labels, tally);
            this.zero(tally.labels);
          }
        }
        const { hashMap } = this as unknown as { hashMap: Record<string, HistogramSeries> };
        for (const series of Object.values(hashMap)) {
          const tally = byLabels.get(series.labels);
          if (!tally) continue;
          DURATION_BUCKETS.forEach((bound, i) => {
            series.bucketValues[bound] = tally.buckets[i] ?? 0;
          });
          series.sum = tally.sumMs / 1000;
          series.count = tally.count;
        }
      },
    });
    this.#rateLimitRefusals = new Counter({
      name: 'punchclock_rate_limit_refusals_total',
      help: 'Requests refused by a rate limit or plan cap, by reason.',
      labelNames: ['reason'],
      registers,
    });
    new Gauge({
      name: 'punchclock_request_log_buffered_rows',
      help: 'Request-log rows in memory, waiting to be written.',
      registers,
      collect() {
        this.set(sources().requestLog.bufferedRows);
      },
    });
    new Counter({
      name: 'punchclock_request_log_dropped_rows_total',
      help: 'Request-log rows dropped because the buffer was full (the database did not take writes).',
      registers,
      collect() {
        this.reset();
        setTotal(this, sources().requestLog.droppedRows);
      },
    });
    new Counter({
      name: 'punchclock_request_log_failed_flushes_total',
      help: 'Request-log batches the database refused (they are retried).',
      registers,
      collect() {
        this.reset();
        setTotal(this, sources().requestLog.failedFlushes);
      },
    });
    new Counter({
      name: 'punchclock_api_key_cache_lookups_total',
      help: 'API key cache lookups, by result (hit or miss).',
      labelNames: ['result'],
      registers,
      collect() {
        this.reset();
        setTotal(this, sources().keyCache.hits, { result: 'hit' });
        setTotal(this, sources().keyCache.misses, { result: 'miss' });
      },
    });
  }

  /** One answered /v1 request; `route` is the route pattern, null when no route matched. */
  recordHttpRequest(method: string, route: string | null, status: number, durationMs: number): void {
    const routeLabel = route ?? UNMATCHED_ROUTE;
    let byMethod = this.#tallies.get(routeLabel);
    if (!byMethod) {
      byMethod = new Map();
      this.#tallies.set(routeLabel, byMethod);
    }
    let tally = byMethod.get(method);
    if (!tally) {
      tally = {
        labels: { method, route: routeLabel },
        statuses: new Map(),
        buckets: DURATION_BUCKETS_MS.map(() => 0),
        sumMs: 0,
        count: 0,
      };
      byMethod.set(method, tally);
    }
    tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
    // A duration beyond the last bound is only in +Inf, which is the count.
    for (let i = 0; i < DURATION_BUCKETS_MS.length; i++) {
      if (durationMs <= (DURATION_BUCKETS_MS[i] as number)) {
        tally.buckets[i] = (tally.buckets[i] as number) + 1;
        break;
      }
    }
    tally.sumMs += durationMs;
    tally.count++;
  }

  /** One request refused by a limit: `reason` names the limit (`account`, `key`, `daily_write_cap`…). */
  recordRateLimitRefusal(reason: RateLimitRefusalReason): void {
    this.#rateLimitRefusals.inc({ reason });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition of the app's and the process's metrics. */
  async render(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}
