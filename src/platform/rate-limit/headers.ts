import type { BucketState, RateLimitResult } from './sliding-window.js';

const seconds = (ms: number): number => Math.ceil(ms / 1000);

/**
 * The bucket the X-RateLimit-* and RateLimit fields describe: on a refusal the one that decides the wait; else the
 * one closest to refusing (fewest remaining; then the smaller limit, then the longer reset).
 */
export function shownBucket(result: RateLimitResult): BucketState | undefined {
  if (!result.allowed) {
    const refusing = result.buckets.filter((bucket) => !bucket.fits);
    return refusing.reduce<BucketState | undefined>(
      (best, bucket) => (!best || bucket.retryAfterMs > best.retryAfterMs ? bucket : best),
      undefined,
    );
  }
  return result.buckets.reduce<BucketState | undefined>((best, bucket) => {
    if (!best) return bucket;
    if (bucket.remaining !== best.remaining) return bucket.remaining < best.remaining ? bucket : best;
    if (bucket.limit !== best.limit) return bucket.limit < best.limit ? bucket : best;
    return bucket.resetMs > best.resetMs ? bucket : best;
  }, undefined);
}

/** Retry-After in whole seconds, rounded up so a client that waits exactly that long gets through. */
export function retryAfterSeconds(result: RateLimitResult): number {
  return Math.max(1, seconds(result.retryAfterMs));
}

/**
 * The contract's headers (DESIGN §3.6): X-RateLimit-Limit / -Remaining / -Reset (seconds until fully recovered)
 * and the IETF httpapi draft fields — `RateLimit-Policy` lists every policy that applied (`600;w=60, 30;w=60`),
 * `RateLimit` the state of the one shown. A refusal adds Retry-After.
 */
export function rateLimitHeaders(result: RateLimitResult): Record<string, string> {
  const shown = shownBucket(result);
  if (!shown) return {};
  const limit = String(shown.limit);
  const remaining = String(shown.remaining);
  const reset = String(seconds(shown.resetMs));
  return {
    'X-RateLimit-Limit': limit,
    'X-RateLimit-Remaining': remaining,
    'X-RateLimit-Reset': reset,
    'RateLimit-Policy': result.buckets
      .map((bucket) => `${bucket.limit};w=${seconds(bucket.windowMs)}`)
      .join(', '),
    RateLimit: `limit=${limit}, remaining=${remaining}, reset=${reset}`,
    ...(result.allowed ? {} : { 'Retry-After': String(retryAfterSeconds(result)) }),
  };
}
