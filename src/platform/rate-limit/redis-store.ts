import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../shared/clock.js';
import { type Bucket, decide, type RateLimitResult, type WindowCounts } from './sliding-window.js';
import { type RateLimitStore, UNLIMITED } from './store.js';

/**
 * One round trip per request: reads every bucket, and only when all of them fit takes one request from each, so
 * a request refused by one limit spends nothing of the others even with many processes racing. Each bucket is one
 * hash (w = fixed window index, c = its count, p = the count of window w − 1): every key the script touches is
 * declared in KEYS, as Redis Cluster requires. The fit test repeats `fits` of sliding-window.ts.
 *
 * KEYS[i]: bucket i. ARGV[1]: '1' to consume, '0' to look only. ARGV[2]: now in ms, or '' for the Redis server's
 * clock. ARGV[1 + 2i], ARGV[2 + 2i]: limit and window (ms) of bucket i.
 * Returns { now, consumed (0|1), previous_1, current_1, previous_2, current_2, … } with the counts before this
 * request.
 */
export const RATE_LIMIT_SCRIPT = `
local now
if ARGV[2] == '' then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
else
  now = tonumber(ARGV[2])
end
local result = { now, 0 }
local windows = {}
local all_fit = true
for i = 1, #KEYS do
  local limit = tonumber(ARGV[1 + 2 * i])
  local size = tonumber(ARGV[2 + 2 * i])
  local index = math.floor(now / size)
  local elapsed = now - index * size
  local stored = redis.call('HMGET', KEYS[i], 'w', 'c', 'p')
  local w = tonumber(stored[1])
  local previous, current = 0, 0
  if w == index then
    previous, current = tonumber(stored[3]) or 0, tonumber(stored[2]) or 0
  elseif w == index - 1 then
    previous = tonumber(stored[2]) or 0
  end
  if previous * (size - elapsed) + (current + 1) * size > limit * size then all_fit = false end
  windows[i] = { index, size, elapsed, previous, current }
  result[1 + 2 * i] = previous
  result[2 + 2 * i] = current
end
if all_fit and ARGV[1] == '1' then
  for i = 1, #KEYS do
    local window = windows[i]
    redis.call('HSET', KEYS[i], 'w', window[1], 'c', window[5] + 1, 'p', window[4])
    -- Until the end of the next window: after that this window no longer weighs on any estimate.
    redis.call('PEXPIRE', KEYS[i], 2 * window[2] - window[3])
  end
  result[2] = 1
end
return result
`;

const SCRIPT_SHA = createHash('sha1').update(RATE_LIMIT_SCRIPT).digest('hex');

/** What the store needs of a client; a Cluster client has the same two methods. */
export type ScriptRunner = Pick<Redis, 'evalsha' | 'eval'>;

export interface RedisStoreOptions {
  /** Prefix of every key (default `rl:`): lets tests running side by side on one Redis keep apart. */
  prefix?: string;
  /**
   * Tests only: read time from this clock instead of Redis TIME, so the shared store suite moves time (window
   * carry-over, Retry-After) the same way on both stores. Production leaves it unset: every process must count in
   * the same windows, and only the Redis server's clock is common to them all.
   */
  clock?: Clock;
}

/** Counters shared by every process through Redis (scale-out mode). */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: ScriptRunner;
  readonly #prefix: string;
  readonly #clock: Clock | undefined;

  constructor(redis: ScriptRunner, options: RedisStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? 'rl:';
    this.#clock = options.clock;
  }

  consume(scope: string, buckets: readonly Bucket[]): Promise<RateLimitResult> {
    return this.#run(scope, buckets, true);
  }

  peek(scope: string, buckets: readonly Bucket[]): Promise<RateLimitResult> {
    return this.#run(scope, buckets, false);
  }

  async #run(scope: string, buckets: readonly Bucket[], consume: boolean): Promise<RateLimitResult> {
    if (buckets.length === 0) return UNLIMITED;
    // The hash tag: Redis Cluster hashes only the part in braces, so all of one scope's buckets share a slot.
    const keys = buckets.map((bucket) => `${this.#prefix}{${scope}}:${bucket.name}`);
    const args = [
      consume ? '1' : '0',
      this.#clock ? String(this.#clock.now().getTime()) : '',
      ...buckets.flatMap((bucket) => [String(bucket.limit), String(bucket.windowMs)]),
    ];
    const reply = await this.#evaluate(keys, args);
    if (!Array.isArray(reply) || reply.length !== 2 + 2 * buckets.length) {
      throw new Error(`Unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
    }
    const numbers = reply.map(Number);
    const counts: WindowCounts[] = buckets.map((_, i) => ({
      previous: numbers[2 + 2 * i] as number,
      current: numbers[3 + 2 * i] as number,
    }));
    return decide(buckets, counts, numbers[0] as number, numbers[1] === 1);
  }

  /** EVALSHA, and EVAL once when the server does not know the script yet (restart, failover, SCRIPT FLUSH). */
  async #evaluate(keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await this.#redis.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.#redis.eval(RATE_LIMIT_SCRIPT, keys.length, ...keys, ...args);
    }
  }
}
