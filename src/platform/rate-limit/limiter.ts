import type { Clock } from '../../shared/clock.js';
import { andThen, type MaybePromise } from '../../shared/maybe-promise.js';
import {
  ANONYMOUS_REQUESTS_PER_IP_PER_MINUTE,
  AUTH_FAILURES_PER_IP_PER_MINUTE,
  PLAN_LIMITS,
  type Plan,
  type PlanLimits,
  SIGN_IN_FAILURES_PER_EMAIL,
  SIGN_IN_FAILURES_PER_IP,
  SIGN_IN_WINDOW_MS,
} from '../accounts/plans.js';
import type { Principal } from '../auth/principal.js';
import { ApiError } from '../errors/api-error.js';
import { rateLimitHeaders, retryAfterSeconds, shownBucket } from './headers.js';
import type { Bucket, RateLimitResult } from './sliding-window.js';
import type { RateLimitStore } from './store.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

/** Which limit refused a request: the one whose wait decides Retry-After. */
export type RefusalReason = 'account' | 'key' | 'daily_write_cap' | 'ip';

export interface RateLimitRefusal {
  readonly reason: RefusalReason;
  /** Null for a refusal by client IP, before any key was verified. */
  readonly accountId: string | null;
  readonly keyId: string | null;
  readonly retryAfterMs: number;
}

/** The numbers the limiter applies. Production uses the plan table; benchmarks raise them out of reach. */
export interface RateLimitPolicy {
  readonly plans: Readonly<Record<Plan, Pick<PlanLimits, 'requestsPerMinute' | 'dailyWriteCap'>>>;
  readonly authFailuresPerIpPerMinute: number;
  readonly anonymousRequestsPerIpPerMinute: number;
  /** Failed portal sign-ins per SIGN_IN_WINDOW_MS, per client address and per email. */
  readonly signInFailuresPerIp: number;
  readonly signInFailuresPerEmail: number;
}

export const DEFAULT_RATE_LIMIT_POLICY: RateLimitPolicy = {
  plans: PLAN_LIMITS,
  authFailuresPerIpPerMinute: AUTH_FAILURES_PER_IP_PER_MINUTE,
  anonymousRequestsPerIpPerMinute: ANONYMOUS_REQUESTS_PER_IP_PER_MINUTE,
  signInFailuresPerIp: SIGN_IN_FAILURES_PER_IP,
  signInFailuresPerEmail: SIGN_IN_FAILURES_PER_EMAIL,
};

/** What the limiter logs through (the app's logger). */
export interface RateLimitLogger {
  error(details: object, message: string): void;
}

export interface RateLimiterOptions {
  store: RateLimitStore;
  clock: Clock;
  policy?: RateLimitPolicy;
  logger?: RateLimitLogger;
}

export type RateLimitedCaller = Pick<Principal, 'accountId' | 'keyId' | 'plan' | 'rateLimitPerMinute'>;

const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Counter names: what is counted, never the limit (DESIGN §3.6: a new plan or key limit keeps the window). */
const ACCOUNT_BUCKET = 'account';
const DAILY_WRITES_BUCKET = 'daily-writes';
const AUTH_FAILURES_BUCKET = 'auth-failures';
const ANONYMOUS_BUCKET = 'anonymous';
const keyBucket = (keyId: string): string => `key:${keyId}`;

/** How long an address that failed authentication is checked before authenticating: its counter's lifetime. */
const SUSPECT_MS = 2 * MINUTE_MS;
const MAX_SUSPECTS = 10_000;

/**
 * The /v1 rate limits (DESIGN §3.6) over a store: per account by plan, per key when the key has its own limit, the
 * daily write cap of plans that have one, and per client IP for requests refused with 401. Refusals are announced
 * to `onRefused` listeners (metrics).
 *
 * If the store fails (Redis down), requests are let through and the failure is logged: losing rate limiting for a
 * while is better than losing the API.
 */
export class RateLimiter {
  readonly store: RateLimitStore;
  readonly #clock: Clock;
  readonly #policy: RateLimitPolicy;
  readonly #logger: RateLimitLogger | undefined;
  readonly #listeners = new Set<(refusal: RateLimitRefusal) => void>();
  /**
   * Addresses that failed authentication in this process lately, with when that stops mattering. Only they pay a
   * store round trip before authenticating; another process's failures reach this one on its first 401 from them.
   */
  readonly #suspects = new Map<string, number>();
  /** The budget of a client address for requests charged to no account: the same for every request. */
  readonly #anonymousBuckets: readonly Bucket[];

  constructor(options: RateLimiterOptions) {
    this.store = options.store;
    this.#clock = options.clock;
    this.#policy = options.policy ?? DEFAULT_RATE_LIMIT_POLICY;
    this.#logger = options.logger;
    this.#anonymousBuckets = [
      { name: ANONYMOUS_BUCKET, limit: this.#policy.anonymousRequestsPerIpPerMinute, windowMs: MINUTE_MS },
    ];
  }

  /** Calls `listener` for every refused request; returns the function that unsubscribes it. */
  onRefused(listener: (refusal: RateLimitRefusal) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Takes one request from every budget of an authenticated caller, all or nothing. Returns the rate-limit headers
   * for the response, or throws the 429 (`rate_limited`, or `daily_write_cap` for a spent daily write cap) with
   * those headers and Retry-After. Synchronous with a synchronous store (memory). `nowMs`: the request's time (the
   * clock is read when it is not given).
   */
  admit(caller: RateLimitedCaller, method: string, nowMs?: number): MaybePromise<Record<string, string>> {
    const limits = this.#policy.plans[caller.plan];
    const buckets: Bucket[] = [
      { name: ACCOUNT_BUCKET, limit: limits.requestsPerMinute, windowMs: MINUTE_MS },
    ];
    if (caller.rateLimitPerMinute !== null) {
      buckets.push({ name: keyBucket(caller.keyId), limit: caller.rateLimitPerMinute, windowMs: MINUTE_MS });
    }
    if (limits.dailyWriteCap !== null && WRITE_METHODS.has(method)) {
      buckets.push({ name: DAILY_WRITES_BUCKET, limit: limits.dailyWriteCap, windowMs: DAY_MS });
    }
    return andThen(
      this.#safely(() => this.store.consume(caller.accountId, buckets, nowMs)),
      (result) => this.#admitted(result, caller, limits),
    );
  }

  #admitted(
    result: RateLimitResult | null,
    caller: RateLimitedCaller,
    limits: RateLimitPolicy['plans'][Plan],
  ): Record<string, string> {
    if (!result) return {};
    const headers = rateLimitHeaders(result);
    if (result.allowed) return headers;

    const decisive = shownBucket(result)?.name;
    const reason: RefusalReason =
      decisive === DAILY_WRITES_BUCKET ? 'daily_write_cap' : decisive === ACCOUNT_BUCKET ? 'account' : 'key';
    this.#announce({
      reason,
      accountId: caller.accountId,
      keyId: caller.keyId,
      retryAfterMs: result.retryAfterMs,
    });
    const wait = `Retry in ${retryAfterSeconds(result)} seconds.`;
    if (reason === 'daily_write_cap') {
      throw new ApiError(
        'daily_write_cap',
        `The ${caller.plan} plan allows ${limits.dailyWriteCap} write requests per day. ${wait} Upgrade the plan to lift the cap.`,
        { headers },
      );
    }
    const message =
      reason === 'account'
        ? `Too many requests: the ${caller.plan} plan allows ${limits.requestsPerMinute} requests per minute for the account. ${wait}`
        : `Too many requests: this API key is limited to ${caller.rateLimitPerMinute} requests per minute. ${wait}`;
    throw new ApiError('rate_limited', message, { headers });
  }

  /**
   * Before authentication: throws 429 when the address has spent its budget of failed authentications, whatever
   * key it sends now — so guessing keys gets no answer at all past the limit. Addresses with no recent failure are
   * let through at once, without asking the store.
   */
  admitUnauthenticated(ip: string, nowMs?: number): MaybePromise<void> {
    if (!this.#isSuspect(ip, nowMs)) return;
    return andThen(
      this.#safely(() => this.store.peek(ipScope(ip), [this.#authFailureBucket()], nowMs)),
      (result) => this.#admittedAfterFailures(result),
    );
  }

  #admittedAfterFailures(result: RateLimitResult | null): void {
    if (!result || result.allowed) return;
    this.#announce({ reason: 'ip', accountId: null, keyId: null, retryAfterMs: result.retryAfterMs });
    throw new ApiError(
      'rate_limited',
      `Too many requests with invalid API keys from this address. Retry in ${retryAfterSeconds(result)} seconds.`,
      { headers: rateLimitHeaders(result) },
    );
  }

  /**
   * A /v1 request charged to no account (a public or unknown route, an account with API access off): takes one
   * from the client address's budget for such requests. Returns the headers, or throws the 429.
   */
  admitAnonymous(ip: string, nowMs?: number): MaybePromise<Record<string, string>> {
    return andThen(
      this.#safely(() => this.store.consume(ipScope(ip), this.#anonymousBuckets, nowMs)),
      (result) => this.#admittedAnonymously(result),
    );
  }

  #admittedAnonymously(result: RateLimitResult | null): Record<string, string> {
    if (!result) return {};
    const headers = rateLimitHeaders(result);
    if (result.allowed) return headers;
    this.#announce({ reason: 'ip', accountId: null, keyId: null, retryAfterMs: result.retryAfterMs });
    throw new ApiError(
      'rate_limited',
      `Too many requests from this address. Retry in ${retryAfterSeconds(result)} seconds.`,
      { headers },
    );
  }

  /** After a 401: spends one of the address's failed authentications; returns the headers for the 401. */
  async noteAuthenticationFailure(ip: string): Promise<Record<string, string>> {
    this.#markSuspect(ip);
    const result = await this.#safely(() => this.store.consume(ipScope(ip), [this.#authFailureBucket()]));
    if (!result) return {};
    // The answer stays the 401 it earned; the next request from here is the one refused.
    const { 'Retry-After': _retryAfter, ...headers } = rateLimitHeaders(result);
    return headers;
  }

  /**
   * Before a portal sign-in is checked: the seconds to wait when the address or the email has used up its failed
   * sign-ins, else null. Successful sign-ins cost nothing.
   */
  async signInRetryAfterSeconds(ip: string, email: string): Promise<number | null> {
    for (const [scope, bucket] of this.#signInBuckets(ip, email)) {
      const result = await this.#safely(() => this.store.peek(scope, [bucket]));
      if (result && !result.allowed) return retryAfterSeconds(result);
    }
    return null;
  }

  /** After a failed portal sign-in: spends one of the address's and one of the email's attempts. */
  async noteSignInFailure(ip: string, email: string): Promise<void> {
    for (const [scope, bucket] of this.#signInBuckets(ip, email)) {
      await this.#safely(() => this.store.consume(scope, [bucket]));
    }
  }

  #signInBuckets(ip: string, email: string): [string, Bucket][] {
    return [
      [
        ipScope(ip),
        { name: 'sign-in', limit: this.#policy.signInFailuresPerIp, windowMs: SIGN_IN_WINDOW_MS },
      ],
      [
        `sign-in:${email.trim().toLowerCase()}`,
        { name: 'sign-in', limit: this.#policy.signInFailuresPerEmail, windowMs: SIGN_IN_WINDOW_MS },
      ],
    ];
  }

  #authFailureBucket(): Bucket {
    return {
      name: AUTH_FAILURES_BUCKET,
      limit: this.#policy.authFailuresPerIpPerMinute,
      windowMs: MINUTE_MS,
    };
  }

  #safely(work: () => MaybePromise<RateLimitResult>): MaybePromise<RateLimitResult | null> {
    try {
      const result = work();
      return result instanceof Promise ? result.catch((error: unknown) => this.#storeFailed(error)) : result;
    } catch (error) {
      return this.#storeFailed(error);
    }
  }

  #storeFailed(error: unknown): null {
    this.#logger?.error({ err: error }, 'rate-limit store failed; request let through unlimited');
    return null;
  }

  #announce(refusal: RateLimitRefusal): void {
    for (const listener of this.#listeners) {
      try {
        listener(refusal);
      } catch (error) {
        this.#logger?.error({ err: error }, 'rate-limit refusal listener failed');
      }
    }
  }

  #isSuspect(ip: string, nowMs: number | undefined): boolean {
    const until = this.#suspects.get(ip);
    if (until === undefined) return false;
    if (until > (nowMs ?? this.#clock.now().getTime())) return true;
    this.#suspects.delete(ip);
    return false;
  }

  #markSuspect(ip: string): void {
    this.#suspects.delete(ip);
    this.#suspects.set(ip, this.#clock.now().getTime() + SUSPECT_MS);
    // Oldest first: under a flood of addresses the longest-quiet ones are forgotten.
    for (const oldest of this.#suspects.keys()) {
      if (this.#suspects.size <= MAX_SUSPECTS) break;
      this.#suspects.delete(oldest);
    }
  }
}

/** The hash tag of an address's counters: never collides with an account id (`acc_…`). */
function ipScope(ip: string): string {
  return `ip:${ip}`;
}
