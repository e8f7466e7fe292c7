import type { Db } from '../../db/tables.js';
import { findAccount } from '../../platform/accounts/repository.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import { localDateOf } from '../../shared/local-time.js';
import { findLockedPeriodTouching } from './repository.js';

/**
 * 409 pay_period_locked when the time between `from` and `to` (instants; `to` defaults to `from`) touches a local
 * date of a locked pay period. Every service that changes time (punches, time entries, time off) calls this for the
 * old and the new extent of what it changes, inside the transaction that makes the change.
 */
export async function assertTimeUnlocked(
  db: Db,
  accountId: string,
  from: string,
  to: string = from,
): Promise<void> {
  const account = await findAccount(db, accountId);
  if (!account) throw notFound('Account', accountId, 'account');
  await assertDatesUnlocked(
    db,
    accountId,
    localDateOf(from, account.timezone),
    localDateOf(to, account.timezone),
  );
}

/** The same check for a range of local dates (YYYY-MM-DD, inclusive), as time off is requested. */
export async function assertDatesUnlocked(
  db: Db,
  accountId: string,
  fromDate: string,
  toDate: string,
): Promise<void> {
  const locked = await findLockedPeriodTouching(db, accountId, fromDate, toDate);
  if (locked) {
    throw new ApiError(
      'pay_period_locked',
      `The pay period ${locked.start_date} – ${locked.end_date} (${locked.id}) is locked; unlock it before changing time inside it.`,
    );
  }
}
