import type { Db } from '../../db/tables.js';
import { findAccount } from '../../platform/accounts/repository.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import { localDateOf } from '../../shared/local-time.js';
import { findApprovedCardTouching } from '../time-cards/repository.js';
import { findLockedPeriodTouching } from './repository.js';

/**
 * Whose time a change touches: one employee's, or — for a pay schedule change, which replaces every employee's
 * periods — everyone's.
 */
export type TimeOwner = { readonly employeeId: string } | 'everyone';

/**
 * May the time of `owner` between `from` and `to` (instants; `to` defaults to `from`) change? Every service that
 * changes time (punches, time entries, time off, the pay schedule) asks this for the old and the new extent of what
 * it changes, inside the transaction that makes the change and after taking the employee's lock (lockEmployee) —
 * for everyone's time, the pay periods' exclusive hold. Approving a card takes both the employee's lock and the
 * shared hold, so an approval commits before the check reads or after the change commits, never between them (see
 * changeApproval in time-cards/service.ts). Refused with 409 when the time touches a local date of
 * - a locked pay period (pay_period_locked): the stronger freeze, answered first;
 * - a pay period in which the employee's time card is approved (time_card_approved). Cards are computed, and a card
 *   with no row yet is not approved: only an approved row freezes.
 */
export async function assertTimeMayChange(
  db: Db,
  accountId: string,
  owner: TimeOwner,
  from: string,
  to: string = from,
): Promise<void> {
  const account = await findAccount(db, accountId);
  if (!account) throw notFound('Account', accountId, 'account');
  await assertDatesMayChange(
    db,
    accountId,
    owner,
    localDateOf(from, account.timezone),
    localDateOf(to, account.timezone),
  );
}

/** The same check for a range of local dates (YYYY-MM-DD, inclusive), as time off is requested. */
export async function assertDatesMayChange(
  db: Db,
  accountId: string,
  owner: TimeOwner,
  fromDate: string,
  toDate: string,
): Promise<void> {
  await assertDatesUnlocked(db, accountId, fromDate, toDate);
  const employeeId = owner === 'everyone' ? null : owner.employeeId;
  const approved = await findApprovedCardTouching(db, accountId, employeeId, fromDate, toDate);
  if (approved) {
    throw new ApiError(
      'time_card_approved',
      `The time card ${approved.id} of employee ${approved.employee_id} for the pay period ${approved.start_date} – ${approved.end_date} is approved; unapprove the card before changing time inside it.`,
    );
  }
}

/**
 * Only the lock: for what changes no time but is final once its period is (requesting time off, withdrawing a card's
 * approval). 409 pay_period_locked when [fromDate, toDate] touches a locked pay period.
 */
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
