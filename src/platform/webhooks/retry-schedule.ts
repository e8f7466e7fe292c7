/**
 * When a failed webhook delivery is tried again (DESIGN §3.10): after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h,
 * each with jitter so that the deliveries of an endpoint that came back do not all arrive in the same second. A
 * delivery is attempted at most `RETRY_DELAYS_MS.length + 1` times.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const RETRY_DELAYS_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** The longest a receiver's `Retry-After` may postpone the next attempt: the schedule's longest step. */
export const MAX_RETRY_AFTER_MS = 10 * HOUR;

/** Turns a scheduled delay into the one used; injectable so tests can walk the schedule exactly. */
export type Jitter = (delayMs: number) => number;

/** ±10 %, uniformly. */
export const defaultJitter: Jitter = (delayMs) => Math.round(delayMs * (0.9 + Math.random() * 0.2));

export const noJitter: Jitter = (delayMs) => delayMs;

/**
 * The delay before the next attempt after `attemptsMade` attempts failed, or null when the schedule is exhausted
 * and the delivery has failed for good.
 */
export function retryDelayAfter(attemptsMade: number, jitter: Jitter): number | null {
  const delay = RETRY_DELAYS_MS[attemptsMade - 1];
  return delay === undefined ? null : jitter(delay);
}

/** 429 Too Many Requests and 503 Service Unavailable may say when to come back. */
export function honoursRetryAfter(statusCode: number | null): boolean {
  return statusCode === 429 || statusCode === 503;
}

/**
 * The wait a `Retry-After` header asks for (delay-seconds or an HTTP date, RFC 9110 §10.2.3), capped at
 * `MAX_RETRY_AFTER_MS`; null when it is absent, unreadable or already past, so the schedule applies instead.
 */
export function retryAfterDelay(header: string | null, now: Date): number | null {
  if (header === null) return null;
  const value = header.trim();
  let delayMs: number;
  if (/^\d+$/.test(value)) {
    delayMs = Number(value) * SECOND;
  } else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return null;
    delayMs = at - now.getTime();
  }
  if (delayMs <= 0) return null;
  return Math.min(delayMs, MAX_RETRY_AFTER_MS);
}
