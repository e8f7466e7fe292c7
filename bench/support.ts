import autocannon from 'autocannon';
import type { RateLimitPolicy } from '../src/platform/rate-limit/limiter.js';

/**
 * The rate limiter runs on every benchmarked request, as in production, but with limits no run can reach: at
 * production limits (1000 a minute even for enterprise) nearly every request would be a 429 and the benchmark would
 * measure refusals instead of what it is about.
 */
const OUT_OF_REACH = { requestsPerMinute: 1_000_000_000, dailyWriteCap: null };
export const BENCH_RATE_LIMITS: RateLimitPolicy = {
  plans: { trial: OUT_OF_REACH, starter: OUT_OF_REACH, pro: OUT_OF_REACH, enterprise: OUT_OF_REACH },
  authFailuresPerIpPerMinute: 1_000_000_000,
  anonymousRequestsPerIpPerMinute: 1_000_000_000,
  signInFailuresPerIp: 1_000_000_000,
  signInFailuresPerEmail: 1_000_000_000,
};

export interface LoadResult {
  requestsPerSecond: number;
  /** Mean ms per request by Little's law (connections ÷ throughput): autocannon's histogram has 1 ms resolution. */
  msPerRequest: number;
  latencyP50: number;
  latencyP99: number;
  total: number;
  statuses: string;
}

/** One autocannon run after a warm-up, on loopback, bounded in time. */
export async function runLoad(options: {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Called between warm-up and measurement (e.g. to reset counters). */
  beforeMeasure?: () => void;
}): Promise<LoadResult> {
  const base = { url: options.url, headers: options.headers ?? {}, connections: options.connections };
  await autocannon({ ...base, duration: options.warmupSeconds });
  options.beforeMeasure?.();
  const result = await autocannon({ ...base, duration: options.durationSeconds });
  return {
    requestsPerSecond: result.requests.average,
    msPerRequest: (options.connections * 1000) / Math.max(result.requests.average, 1),
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    total: Math.max(result.requests.total, 1),
    statuses: Object.entries(result.statusCodeStats)
      .map(([status, { count }]) => `${status}×${count}`)
      .join(' '),
  };
}

export function ratio(a: number, b: number): string {
  return b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`;
}
