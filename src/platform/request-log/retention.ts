import type { Db } from '../../db/tables.js';
import type { Clock } from '../../shared/clock.js';
import { deleteRequestLogBefore } from './repository.js';

const DAY_MS = 86_400_000;

/**
 * Deletes request-log rows older than `retentionDays` (config.logRetentionDays); returns how many. The app runs it
 * periodically; tests and the operator CLI call it directly.
 */
export async function sweepRequestLog(db: Db, clock: Clock, retentionDays: number): Promise<number> {
  const cutoff = new Date(clock.now().getTime() - retentionDays * DAY_MS).toISOString();
  return deleteRequestLogBefore(db, cutoff);
}
