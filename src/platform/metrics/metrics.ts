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

/**
 * The app's Prometheus metrics, in a registry of its own (never prom-client's global one: tests build many apps
 * in one process, and two apps must not share or collide on series).
 */
export class AppMetrics {
  readonly registry = new Registry();
  /**
   * Answered /v1 requests by route, method and status, counted here and copied into the counter when scraped: a
   * prom-client inc() per request (label validation and hashing) cost more than the rest of the counting.
   */
  readonly #requestCounts = new Map<string, Map<string, Map<number, number>>>();
  readonly #httpDuration: Histogram<'method' | 'route'>;
  readonly #rateLimitRefusals: Counter<'reason'>;

  constructor(sources: () => MetricSources) {
    const registers = [this.registry];
    const requestCounts = this.#requestCounts;
    new Counter({
      name: 'punchclock_http_requests_total',
      help: 'Requests to /v1, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
      collect() {
        this.reset();
        for (const [route, byMethod] of requestCounts) {
          for (const [method, byStatus] of byMethod) {
            for (const [status, count] of byStatus)
              this.inc({ method, route, status: String(status) }, count);
          }
        }
      },
    });
    this.#httpDuration = new Histogram({
      name: 'punchclock_http_request_duration_seconds',
      help: 'Time to answer /v1 requests, by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
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
    let byMethod = this.#requestCounts.get(routeLabel);
    if (!byMethod) {
      byMethod = new Map();
      this.#requestCounts.set(routeLabel, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.#httpDuration.observe({ method, route: routeLabel }, durationMs / 1000);
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
