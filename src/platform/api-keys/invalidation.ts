import type { Redis } from 'ioredis';
import type { InvalidationPublisher, KeyCache, KeyCacheInvalidation } from './cache.js';

/** The pub/sub channel every process listens on for key-cache invalidations. */
export const KEY_CACHE_CHANNEL = 'punchclock:key-cache-invalidations';

function isInvalidation(value: unknown): value is KeyCacheInvalidation {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, id } = value as Record<string, unknown>;
  return (kind === 'key' || kind === 'account') && typeof id === 'string';
}

/** Publishes invalidations on Redis. A failed publish is reported and left to the 5 s cache expiry. */
export function redisInvalidationPublisher(
  redis: Redis,
  onError: (error: unknown) => void,
): InvalidationPublisher {
  return async (invalidation) => {
    try {
      await redis.publish(KEY_CACHE_CHANNEL, JSON.stringify(invalidation));
    } catch (error) {
      onError(error);
    }
  };
}

/**
 * Applies other processes' invalidations to this process's cache. A subscribed Redis connection cannot run other
 * commands, so it is a duplicate of the shared client. Returns the function that unsubscribes and closes it.
 */
export async function subscribeToInvalidations(
  redis: Redis,
  cache: KeyCache,
  onError: (error: unknown) => void,
): Promise<() => Promise<void>> {
  const subscriber = redis.duplicate();
  subscriber.on('error', onError);
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== KEY_CACHE_CHANNEL) return;
    try {
      const invalidation: unknown = JSON.parse(message);
      if (isInvalidation(invalidation)) cache.apply(invalidation);
    } catch (error) {
      onError(error);
    }
  });
  await subscriber.subscribe(KEY_CACHE_CHANNEL);
  return async () => {
    await subscriber.quit();
  };
}
