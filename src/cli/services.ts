import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { type DatabaseHandle, migrateToLatest } from '../db/database.js';
import { KeyCache } from '../platform/api-keys/cache.js';
import { redisInvalidationPublisher } from '../platform/api-keys/invalidation.js';
import type { UsersContext } from '../platform/users/service.js';
import { RESOURCES } from '../resources/registry.js';
import { openConfiguredDatabase } from '../server.js';
import { systemClock } from '../shared/clock.js';

/** Runs `work` against the configured database and always closes it, so a command never leaves a pool open. */
export async function withDatabase<T>(
  config: Config,
  work: (database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const database = openConfiguredDatabase(config);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/**
 * Runs `work` with the services' context on a migrated database, so every command works on a fresh one. Without
 * Redis, running servers see the CLI's changes when their cached key entries expire (5 s). The context carries the
 * configuration too: links the users service makes point at PUNCHCLOCK_PUBLIC_URL.
 */
export async function withServices<T>(config: Config, work: (ctx: UsersContext) => Promise<T>): Promise<T> {
  return withDatabase(config, async (database) => {
    await migrateToLatest(database.db);
    // With Redis, running servers hear about revocations at once rather than when their cache entries expire.
    const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : null;
    const keyCache = new KeyCache(systemClock, {
      // An unreachable Redis only delays the servers' update to their 5 s cache expiry, so it is not an error here.
      ...(redis ? { publish: redisInvalidationPublisher(redis, () => {}) } : {}),
    });
    try {
      return await work({ database, clock: systemClock, keyCache, resources: RESOURCES, config });
    } finally {
      await keyCache.settle();
      await redis?.quit();
    }
  });
}
