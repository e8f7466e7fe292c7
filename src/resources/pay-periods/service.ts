import { isUniqueViolation } from '../../db/errors.js';
import type { Db, PayPeriodRow } from '../../db/tables.js';
import type { ServiceContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors/api-error.js';
import type { PageRequest } from '../../platform/pagination/keyset.js';
import { type Page, pageOfObjects } from '../../platform/pagination/respond.js';
import { flagEvents } from '../../platform/webhooks/change-events.js';
import { recordChange } from '../../platform/webhooks/outbox.js';
import { newId } from '../../shared/ids.js';
import type { AccountSchedule } from '../pay-schedule/schema.js';
import { loadAccountSchedule, localToday } from '../pay-schedule/service.js';
import { periodsToMaterialise } from './calendar.js';
import * as repo from './repository.js';
import { PAY_PERIODS } from './resource.js';
import { type PayPeriod, toPayPeriod } from './schema.js';

/**
 * Makes sure the stored periods reach the one after the current period (see periodsToMaterialise), and returns
 * the schedule and today's local date it used. Two requests racing to add the same periods collide on the unique
 * (account, start date) index; the loser's periods are already there, so its error is dropped.
 */
export async function materialisePayPeriods(
  ctx: ServiceContext,
  accountId: string,
): Promise<{ schedule: AccountSchedule; today: string }> {
  const db = ctx.database.db;
  const schedule = await loadAccountSchedule(db, accountId);
  const today = localToday(ctx, schedule);
  const latest = await repo.findLatestPeriod(db, accountId);
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
    try {
      await repo.insertPeriods(db, rows);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
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
  await materialisePayPeriods(ctx, accountId);
  return pageOfObjects(
    await repo.listPeriods(ctx.database.db, accountId, filters, page),
    page,
    (rows) => rows.map(toPayPeriod),
    () => repo.countPeriods(ctx.database.db, accountId, filters),
  );
}

/** The period containing today, materialising periods first. */
export async function currentPayPeriodRow(ctx: ServiceContext, accountId: string): Promise<PayPeriodRow> {
  const { today } = await materialisePayPeriods(ctx, accountId);
  const row = await repo.findPeriodContaining(ctx.database.db, accountId, today);
  if (!row) throw new Error(`No pay period contains ${today} right after materialising them.`);
  return row;
}

/**
 * Locks or unlocks a period. Both are idempotent: locking a locked period changes nothing (its lockedAt stays the
 * first lock's), and so does unlocking an unlocked one, so neither emits an event.
 */
export async function setPayPeriodLocked(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  locked: boolean,
): Promise<PayPeriod> {
  const now = ctx.clock.now().toISOString();
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const before = toPayPeriod(await loadPayPeriodRow(trx, accountId, id));
    await repo.setPeriodLocked(trx, accountId, id, locked, now);
    const after = toPayPeriod(await loadPayPeriodRow(trx, accountId, id));
    return { result: after, events: flagEvents(PAY_PERIODS, before, after, 'locked', 'locked') };
  });
}
