import type { ServiceContext } from '../context.js';
import { type SuspiciousKey, suspiciousKeys } from './repository.js';

/**
 * The one rule for "this key may be compromised": at least `threshold` refused requests (401/403) made with it
 * within the last `windowMs`. A working integration is almost never refused that often; someone trying a leaked or
 * revoked key, or an integration that lost a scope and retries blindly, is.
 */
export const REFUSAL_BURST = { threshold: 10, windowMs: 60 * 60 * 1000 } as const;

/** The account's keys in a refusal burst now, most refused first. */
export function keysWithRefusalBurst(ctx: ServiceContext, accountId: string): Promise<SuspiciousKey[]> {
  const since = new Date(ctx.clock.now().getTime() - REFUSAL_BURST.windowMs).toISOString();
  return suspiciousKeys(ctx.database.db, accountId, since, REFUSAL_BURST.threshold);
}
