import type { Db, PayPeriodRow } from '../../db/tables.js';
import { inTransaction } from '../../db/transaction.js';
import type { ServiceContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors/api-error.js';
import type { PageRequest } from '../../platform/pagination/keyset.js';
import { type Page, pageOfObjects } from '../../platform/pagination/respond.js';
import { flagEvents } from '../../platform/webhooks/change-events.js';
import { recordChange } from '../../platform/webhooks/outbox.js';
import { newId } from '../../shared/ids.js';
import type { AccountSchedule } from '../pay-schedule/schema.js';
import { loadAccountSchedule, localToday } from '../pay-schedule/service.js';
import { addDays, periodsToMaterialise } from './calendar.js';
import * as repo from './repository.js';
import { PAY_PERIODS } from './resource.js';
import { type PayPeriod, toPayPeriod } from './schema.js';

/**
 * Runs `work` in one transaction holding the account's pay periods (repo.holdPayPeriods, shared), which a schedule
 * change takes exclusively: the change commits before the read or after it, never between its statements. Each
 * statement otherwise saw whatever had committed by then, so a read could miss the current period it had just
 * materialised (a 500), add periods of the replaced schedule, or create cards of a deleted period; retrying the
 * lookup, or computing the period from one snapshot, would cover only the first. Cheap for a read: reads share the
 * hold (one statement on PostgreSQL) and do not wait for one another. `work` must use the transaction it is given.
 */
export function holdingPayPeriods<T>(
  ctx: ServiceContext,
  accountId: string,
  work: (trx: Db) => Promise<T>,
): Promise<T> {
  return inTransaction(ctx.database.db, async (trx) => {
    await repo.holdPayPeriods(trx, accountId, 'shared');
    return work(trx);
  });
}

/**
 * Makes sure the stored periods reach the one after the current period (see periodsToMaterialise), and returns
 * the schedule and today's local date it used. Runs inside holdingPayPeriods, so the periods it adds follow the
 * schedule still in force; two reads adding the same periods at once add the same dates, and the second's are
 * skipped (see insertPeriods).
 */
async function materialisePayPeriods(
  ctx: ServiceContext,
  trx: Db,
  accountId: string,
): Promise<{ schedule: AccountSchedule; today: string }> {
  const schedule = await loadAccountSchedule(trx, accountId);
  const today = localToday(ctx, schedule);
  const latest = await repo.findLatestPeriod(trx, accountId);
  const missing = periodsToMaterialise(schedule, today, latest?.end_date ?? null);
  if (missing.length > 0) {
    const now = ctx.clock.now().toISOString();
    // Oldest first: ids are time-ordered, so lists (newest first by id) come out in date order.
    const rows: PayPeriodRow[] = missing.map((period) => ({
      id: newId(PAY_PERIODS),
      account_id: accountId,
      start_date: period.startDate,
      end_date: period.endDate,
      locked: 0,
      locked_at: null,
      created_at: now,
      updated_at: now,
    }));
    await repo.insertPeriods(trx, rows);
  }
  return { schedule, today };
}

/** One stored period of the account, or 404: also what time cards compute inside. */
export async function loadPayPeriodRow(
  db: Db,
  accountId: string,
  id: string,
  param = 'id',
): Promise<PayPeriodRow> {
  const row = await repo.findPeriod(db, accountId, id);
  if (!row) throw notFound('Pay period', id, param);
  return row;
}

export async function getPayPeriod(ctx: ServiceContext, accountId: string, id: string): Promise<PayPeriod> {
  return toPayPeriod(await loadPayPeriodRow(ctx.database.db, accountId, id));
}

export async function listPayPeriods(
  ctx: ServiceContext,
  accountId: string,
  filters: repo.PayPeriodFilters,
  page: PageRequest,
): Promise<Page<PayPeriod>> {
  const rows = await holdingPayPeriods(ctx, accountId, async (trx) => {
    await materialisePayPeriods(ctx, trx, accountId);
    return repo.listPeriods(trx, accountId, filters, page);
  });
  return pageOfObjects(
    rows,
    page,
    (rows) => rows.map(toPayPeriod),
    () => repo.countPeriods(ctx.database.db, accountId, filters),
  );
}

/** The period containing today, materialising periods first; `trx` runs inside holdingPayPeriods. */
export async function findCurrentPayPeriodRow(
  ctx: ServiceContext,
  trx: Db,
  accountId: string,
): Promise<PayPeriodRow> {
  const { today } = await materialisePayPeriods(ctx, trx, accountId);
  const row = await repo.findPeriodContaining(trx, accountId, today);
  if (!row) throw new Error(`No pay period contains ${today} right after materialising them.`);
  return row;
}

/** The period containing today, materialising periods first. */
export function currentPayPeriodRow(ctx: ServiceContext, accountId: string): Promise<PayPeriodRow> {
  return holdingPayPeriods(ctx, accountId, (trx) => findCurrentPayPeriodRow(ctx, trx, accountId));
}

/** The stored periods just before and just after `period` (null where none is), to step from one to the next. */
export async function adjacentPayPeriodRows(
  ctx: ServiceContext,
  accountId: string,
  period: PayPeriodRow,
): Promise<{ previous: PayPeriodRow | null; next: PayPeriodRow | null }> {
  const db = ctx.database.db;
  const [previous, next] = await Promise.all([
    repo.findPeriodContaining(db, accountId, addDays(period.start_date, -1)),
    repo.findPeriodContaining(db, accountId, addDays(period.end_date, 1)),
  ]);
  return { previous: previous ?? null, next: next ?? null };
}

/**
 * Locks or unlocks a period. Both are idempotent: locking a locked period changes nothing (its lockedAt stays the
 * first lock's), and so does unlocking an unlocked one, so neither emits an event. It holds the periods (shared)
 * like a read: a schedule change checks that no period it replaces is locked, and a lock committed between that
 * check and its delete would otherwise be deleted with the period.
 */
export async function setPayPeriodLocked(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  locked: boolean,
): Promise<PayPeriod> {
  const now = ctx.clock.now().toISOString();
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    await repo.holdPayPeriods(trx, accountId, 'shared');
    const before = toPayPeriod(await loadPayPeriodRow(trx, accountId, id));
    await repo.setPeriodLocked(trx, accountId, id, locked, now);
    const after = toPayPeriod(await loadPayPeriodRow(trx, accountId, id));
    return { result: after, events: flagEvents(PAY_PERIODS, before, after, 'locked', 'locked') };
  });
}
