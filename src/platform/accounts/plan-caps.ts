import type { Db } from '../../db/tables.js';
import { inTransaction } from '../../db/transaction.js';
import { ApiError, notFound } from '../errors/api-error.js';
import { PLAN_LIMITS, type PlanLimits } from './plans.js';
import { findAccount, lockAccount } from './repository.js';

/** The caps on how many objects of a kind an account holds (DESIGN §3.6, trial extras). */
export type ObjectCap = keyof Pick<PlanLimits, 'maxEmployees' | 'maxLocations' | 'maxWebhookEndpoints'>;

const CAPPED_OBJECTS: Readonly<Record<ObjectCap, string>> = {
  maxEmployees: 'employees',
  maxLocations: 'locations',
  maxWebhookEndpoints: 'webhook endpoints',
};

/**
 * Runs `create` unless the account's plan caps this kind of object and `count` says the account is at the cap
 * (403 plan_limit_reached). Under a cap, the count and the creation run in one transaction with the account row
 * locked, so concurrent creations cannot overshoot it; uncapped plans pay only the plan lookup.
 */
export async function createWithinPlanCap<T>(
  db: Db,
  accountId: string,
  cap: ObjectCap,
  count: (db: Db) => Promise<number>,
  create: (db: Db) => Promise<T>,
): Promise<T> {
  const account = await findAccount(db, accountId);
  if (!account) throw notFound('Account', accountId, 'account');
  const limit = PLAN_LIMITS[account.plan][cap];
  if (limit === null) return create(db);
  return inTransaction(db, async (trx) => {
    await lockAccount(trx, accountId);
    if ((await count(trx)) >= limit) {
      throw new ApiError(
        'plan_limit_reached',
        `The ${account.plan} plan allows at most ${limit} ${CAPPED_OBJECTS[cap]}. Delete one or upgrade the plan.`,
      );
    }
    return create(trx);
  });
}
