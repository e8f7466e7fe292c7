import { fromDbBoolean } from '../../db/columns.js';
import type { Db, PayPeriodRow, TimeCardRow } from '../../db/tables.js';
import type { ServiceContext } from '../../platform/context.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import type { PageRequest } from '../../platform/pagination/keyset.js';
import { pageOf } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/respond.js';
import { flagEvents } from '../../platform/webhooks/change-events.js';
import { recordChange } from '../../platform/webhooks/outbox.js';
import { newId } from '../../shared/ids.js';
import { localDayStartMs } from '../../shared/local-time.js';
import { listEmployeeStates } from '../employees/repository.js';
import { addDays, workweekStart } from '../pay-periods/calendar.js';
import { assertDatesUnlocked } from '../pay-periods/locks.js';
import { holdPayPeriods } from '../pay-periods/repository.js';
import { findCurrentPayPeriodRow, holdingPayPeriods, loadPayPeriodRow } from '../pay-periods/service.js';
import type { AccountSchedule } from '../pay-schedule/schema.js';
import { loadAccountSchedule } from '../pay-schedule/service.js';
import { assertFilterObjectsExist } from '../references.js';
import { lockEmployee } from '../time-entries/clock-state.js';
import {
  findOpenTimeEntry,
  listEmployeeEntriesOverlapping,
  listEntriesOverlapping,
} from '../time-entries/repository.js';
import { type TimeEntry, toTimeEntry } from '../time-entries/schema.js';
import { listApprovedTimeOff } from '../time-off/repository.js';
import {
  buildDayGrid,
  type CardDay,
  computeCardDays,
  type DayGrid,
  type PaidTimeOff,
  totalsOf,
  type WorkedInterval,
} from './overtime.js';
import * as repo from './repository.js';
import { TIME_CARDS } from './resource.js';
import type { TimeCard } from './schema.js';

/**
 * How long before the first day of the computation an entry may have started and still be counted: no shift is a
 * week long, and the bound keeps the entry query an index range scan.
 */
const LONGEST_ENTRY_MS = 7 * 86_400_000;

/** Everything a period's cards are computed from, loaded with a fixed number of queries. */
interface PeriodInputs {
  schedule: AccountSchedule;
  period: PayPeriodRow;
  grid: DayGrid;
  nowMs: number;
  intervals: Map<string, WorkedInterval[]>;
  timeOff: Map<string, PaidTimeOff[]>;
  /** Newest updatedAt of what each employee's card is computed from. */
  sourcesUpdatedAt: Map<string, string>;
  /** Memoised per employee. */
  days: Map<string, CardDay[]>;
}

function pushTo<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function noteUpdate(map: Map<string, string>, key: string, updatedAt: string): void {
  const seen = map.get(key);
  if (seen === undefined || updatedAt > seen) map.set(key, updatedAt);
}

async function loadPeriodInputs(
  ctx: ServiceContext,
  db: Db,
  schedule: AccountSchedule,
  period: PayPeriodRow,
  employeeId?: string,
): Promise<PeriodInputs> {
  const grid = buildDayGrid(
    schedule.timeZone,
    workweekStart(schedule.anchorDate, period.start_date),
    period.start_date,
    period.end_date,
  );
  const fromMs = grid.dayStartsMs[0] as number;
  const toMs = grid.dayStartsMs.at(-1) as number;
  const [entries, requests] = await Promise.all([
    listEntriesOverlapping(
      db,
      schedule.accountId,
      {
        fromIso: new Date(fromMs).toISOString(),
        toIso: new Date(toMs).toISOString(),
        startedAfterIso: new Date(fromMs - LONGEST_ENTRY_MS).toISOString(),
      },
      employeeId,
    ),
    listApprovedTimeOff(db, schedule.accountId, period.start_date, period.end_date, employeeId),
  ]);
  const intervals = new Map<string, WorkedInterval[]>();
  const timeOff = new Map<string, PaidTimeOff[]>();
  const sourcesUpdatedAt = new Map<string, string>();
  for (const entry of entries) {
    pushTo(intervals, entry.employee_id, {
      startMs: Date.parse(entry.start_at),
      endMs: entry.end_at === null ? null : Date.parse(entry.end_at),
      breakSeconds: entry.break_seconds,
    });
    noteUpdate(sourcesUpdatedAt, entry.employee_id, entry.updated_at);
  }
  for (const request of requests) {
    pushTo(timeOff, request.employee_id, {
      startDate: request.start_date,
      endDate: request.end_date,
      hoursPerDay: request.hours_per_day,
      paid: request.type !== 'unpaid',
    });
    noteUpdate(sourcesUpdatedAt, request.employee_id, request.updated_at);
  }
  return {
    schedule,
    period,
    grid,
    nowMs: ctx.clock.now().getTime(),
    intervals,
    timeOff,
    sourcesUpdatedAt,
    days: new Map(),
  };
}

function daysOf(inputs: PeriodInputs, employeeId: string): CardDay[] {
  let days = inputs.days.get(employeeId);
  if (!days) {
    days = computeCardDays(
      inputs.grid,
      inputs.schedule.overtimeRule,
      inputs.intervals.get(employeeId) ?? [],
      inputs.timeOff.get(employeeId) ?? [],
      inputs.nowMs,
    );
    inputs.days.set(employeeId, days);
  }
  return days;
}

function toTimeCard(inputs: PeriodInputs, row: TimeCardRow): TimeCard {
  const days = daysOf(inputs, row.employee_id);
  const sourcesUpdatedAt = inputs.sourcesUpdatedAt.get(row.employee_id);
  return {
    id: row.id,
    object: 'time_card',
    employeeId: row.employee_id,
    payPeriodId: row.pay_period_id,
    periodStart: inputs.period.start_date,
    periodEnd: inputs.period.end_date,
    ...totalsOf(days),
    approved: fromDbBoolean(row.approved),
    approvedAt: row.approved_at,
    approvedBy: row.approved_by,
    unapprovedAt: row.unapproved_at,
    unapprovedBy: row.unapproved_by,
    unapprovalReason: row.unapproval_reason,
    days,
    createdAt: row.created_at,
    updatedAt: sourcesUpdatedAt && sourcesUpdatedAt > row.updated_at ? sourcesUpdatedAt : row.updated_at,
  };
}

/**
 * The card rows of a period for `due` employees: existing ones are kept (approvals live there), missing ones are
 * inserted. A concurrent read inserting the same cards wins some of them (see insertCards); the rows are then
 * re-read. Inserted in employee order, so two reads inserting the same cards take their row locks in one order.
 */
async function ensureCards(
  ctx: ServiceContext,
  trx: Db,
  accountId: string,
  periodId: string,
  due: readonly string[],
  employeeId?: string,
): Promise<TimeCardRow[]> {
  const existing = await repo.listCardsOfPeriod(trx, accountId, periodId, employeeId);
  const have = new Set(existing.map((row) => row.employee_id));
  const now = ctx.clock.now().toISOString();
  const missing: TimeCardRow[] = due
    .filter((id) => !have.has(id))
    .sort()
    .map((id) => ({
      id: newId(TIME_CARDS),
      account_id: accountId,
      employee_id: id,
      pay_period_id: periodId,
      approved: 0,
      approved_at: null,
      approved_by: null,
      unapproved_at: null,
      unapproved_by: null,
      unapproval_reason: null,
      created_at: now,
      updated_at: now,
    }));
  if (missing.length === 0) return existing;
  const inserted = await repo.insertCards(trx, missing);
  if (inserted < missing.length) return repo.listCardsOfPeriod(trx, accountId, periodId, employeeId);
  return [...existing, ...missing];
}

/**
 * What the cards of one period (or one employee's) are computed from, and their rows. Cards exist for every active
 * employee and every employee with time in the period; they are created on first computation. A constant number of
 * queries whatever the number of employees: the schedule, the employees, the entries, the time off, the card rows
 * and the inserts of missing cards in batches. `trx` runs inside holdingPayPeriods, so no schedule change replaces
 * the period meanwhile and leaves cards of a deleted period behind.
 */
async function loadPeriodCards(
  ctx: ServiceContext,
  trx: Db,
  accountId: string,
  period: PayPeriodRow,
  employeeId?: string,
): Promise<{ inputs: PeriodInputs; rows: TimeCardRow[] }> {
  const schedule = await loadAccountSchedule(trx, accountId);
  const [inputs, employees] = await Promise.all([
    loadPeriodInputs(ctx, trx, schedule, period, employeeId),
    listEmployeeStates(trx, accountId, employeeId),
  ]);
  const due = employees
    .filter((employee) => {
      if (fromDbBoolean(employee.active)) return true;
      const totals = totalsOf(daysOf(inputs, employee.id));
      return totals.workedSeconds > 0 || totals.ptoSeconds > 0;
    })
    .map((employee) => employee.id);
  return { inputs, rows: await ensureCards(ctx, trx, accountId, period.id, due, employeeId) };
}

/** The card rows of the period `findPeriod` finds in the hold, and what they are computed from. */
function loadCards(
  ctx: ServiceContext,
  accountId: string,
  findPeriod: (trx: Db) => Promise<PayPeriodRow>,
  employeeId?: string,
): Promise<{ inputs: PeriodInputs; rows: TimeCardRow[] }> {
  return holdingPayPeriods(ctx, accountId, async (trx) =>
    loadPeriodCards(ctx, trx, accountId, await findPeriod(trx), employeeId),
  );
}

/** Every card of the period `findPeriod` finds in the hold, computed once the hold is released. */
async function computeCards(
  ctx: ServiceContext,
  accountId: string,
  findPeriod: (trx: Db) => Promise<PayPeriodRow>,
  employeeId?: string,
): Promise<TimeCard[]> {
  const { inputs, rows } = await loadCards(ctx, accountId, findPeriod, employeeId);
  return rows.map((row) => toTimeCard(inputs, row));
}

/** Every card of one pay period (or one employee's), computed; 404 when a schedule change has replaced it. */
export function computePayPeriodCards(
  ctx: ServiceContext,
  accountId: string,
  period: PayPeriodRow,
  employeeId?: string,
): Promise<TimeCard[]> {
  return computeCards(ctx, accountId, (trx) => loadPayPeriodRow(trx, accountId, period.id), employeeId);
}

/**
 * Keyset paging over cards or card rows held in memory (bounded by the account's employees): the same cursors as SQL
 * lists. A card's id is its row's, so rows page exactly as their cards would.
 */
function pageById<T extends { readonly id: string }>(
  items: readonly T[],
  page: PageRequest,
): { items: T[]; hasMore: boolean } {
  const newestFirst = [...items].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const { endingBefore, startingAfter } = page;
  const window = endingBefore
    ? newestFirst.filter((item) => item.id > endingBefore).reverse()
    : newestFirst.filter((item) => !startingAfter || item.id < startingAfter);
  return pageOf(window.slice(0, page.limit + 1), page);
}

export interface TimeCardFilters {
  payPeriodId?: string | undefined;
  employeeId?: string | undefined;
  updatedSince?: string | undefined;
}

export async function listTimeCards(
  ctx: ServiceContext,
  accountId: string,
  filters: TimeCardFilters,
  page: PageRequest,
): Promise<Page<TimeCard>> {
  const { payPeriodId, employeeId } = filters;
  const since = filters.updatedSince;
  const { inputs, rows } = await loadCards(
    ctx,
    accountId,
    async (trx) => {
      const period = payPeriodId
        ? await loadPayPeriodRow(trx, accountId, payPeriodId, 'payPeriodId')
        : await findCurrentPayPeriodRow(ctx, trx, accountId);
      // An unknown employee is a 404 (param employeeId), not an empty list: after the period, in filter order.
      await assertFilterObjectsExist(trx, accountId, { employeeId });
      return period;
    },
    employeeId,
  );
  if (since === undefined) {
    // Only the page's cards are computed, not every card of the period; `updatedSince` filters on what a card is
    // computed from, so with it every card is.
    const { items, hasMore } = pageById(rows, page);
    return {
      items: items.map((row) => toTimeCard(inputs, row)),
      hasMore,
      countTotal: async () => rows.length,
    };
  }
  const cards = rows.map((row) => toTimeCard(inputs, row)).filter((card) => card.updatedAt >= since);
  return { ...pageById(cards, page), countTotal: async () => cards.length };
}

/**
 * Which of these employees' cards of the period are approved, read from the card rows alone (no computation): an
 * employee whose card has no row yet has no approved card.
 */
export async function approvedCardHolders(
  ctx: ServiceContext,
  accountId: string,
  payPeriodId: string,
  employeeIds: readonly string[],
): Promise<ReadonlySet<string>> {
  return new Set(await repo.listApprovedEmployeeIds(ctx.database.db, accountId, payPeriodId, employeeIds));
}

async function loadCard(db: Db, accountId: string, id: string): Promise<TimeCardRow> {
  const row = await repo.findCard(db, accountId, id);
  if (!row) throw notFound('Time card', id);
  return row;
}

/** What one card is computed from: its period's inputs for its employee. */
async function loadCardInputs(
  ctx: ServiceContext,
  db: Db,
  accountId: string,
  row: TimeCardRow,
): Promise<PeriodInputs> {
  const [schedule, period] = await Promise.all([
    loadAccountSchedule(db, accountId),
    loadPayPeriodRow(db, accountId, row.pay_period_id),
  ]);
  return loadPeriodInputs(ctx, db, schedule, period, row.employee_id);
}

export async function getTimeCard(ctx: ServiceContext, accountId: string, id: string): Promise<TimeCard> {
  const db = ctx.database.db;
  const row = await loadCard(db, accountId, id);
  return toTimeCard(await loadCardInputs(ctx, db, accountId, row), row);
}

/**
 * Runs one change of a card's approval and announces it. Inside the transaction it holds the pay periods (shared),
 * so a schedule change, which deletes the cards of the periods it replaces unless one is approved, runs wholly
 * before or after it; and it takes the employee's lock, which every change to the employee's time takes before
 * asking whether that time may change (pay-periods/locks.ts): an approval can never slip between that check and
 * the change. Approval changes no hours: one computation renders the card before and after.
 */
function changeApproval(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  change: (trx: Db, card: TimeCardRow, now: string) => Promise<void>,
): Promise<TimeCard> {
  const now = ctx.clock.now().toISOString();
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    await holdPayPeriods(trx, accountId, 'shared');
    const { employee_id } = await loadCard(trx, accountId, id);
    await lockEmployee(trx, accountId, employee_id);
    const card = await loadCard(trx, accountId, id);
    await change(trx, card, now);
    const inputs = await loadCardInputs(ctx, trx, accountId, card);
    const before = toTimeCard(inputs, card);
    const after = toTimeCard(inputs, await loadCard(trx, accountId, id));
    return {
      result: after,
      events: flagEvents(TIME_CARDS, before, after, 'approved', 'approved', 'unapproved'),
    };
  });
}

/**
 * Approves a card, recording who (`actor`: an API key's id or a portal user's) and when. Idempotent: approving an
 * approved card changes nothing (its first approval stands) and emits no event. While it is approved, the time it is
 * computed from cannot change (409 time_card_approved, see pay-periods/locks.ts).
 */
export function approveTimeCard(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  actor: string,
): Promise<TimeCard> {
  return changeApproval(ctx, accountId, id, async (trx, card, now) => {
    if (card.approved !== 1) await assertNoOpenEntry(trx, accountId, card);
    await repo.approveCard(trx, accountId, card.id, actor, now);
  });
}

/**
 * An open entry counts up to now, so a card approved while one runs into its period would keep growing, and the
 * freeze would then refuse the clock-out: 409 time_entry_open until the entry ends (runs under the employee's lock).
 */
async function assertNoOpenEntry(trx: Db, accountId: string, card: TimeCardRow): Promise<void> {
  const open = await findOpenTimeEntry(trx, accountId, card.employee_id);
  if (!open) return;
  const period = await loadPayPeriodRow(trx, accountId, card.pay_period_id);
  const { timeZone } = await loadAccountSchedule(trx, accountId);
  const periodEndIso = new Date(localDayStartMs(addDays(period.end_date, 1), timeZone)).toISOString();
  if (open.start_at < periodEndIso) {
    throw new ApiError(
      'time_entry_open',
      `Time entry ${open.id} of employee ${card.employee_id} is still open (on the clock since ${open.start_at}); approve the card once it ends.`,
    );
  }
}

/**
 * Withdraws a card's approval, recording who, when and why (`reason`, trimmed; optional). Refused inside a locked
 * pay period (409 pay_period_locked): payroll ran on the approved card. Unapproving a card that is not approved
 * changes nothing, records nothing and emits no event.
 */
export function unapproveTimeCard(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  actor: string,
  reason: string | undefined,
): Promise<TimeCard> {
  return changeApproval(ctx, accountId, id, async (trx, card, now) => {
    const period = await loadPayPeriodRow(trx, accountId, card.pay_period_id);
    await assertDatesUnlocked(trx, accountId, period.start_date, period.end_date);
    await repo.unapproveCard(trx, accountId, card.id, actor, reason?.trim() ?? null, now);
  });
}

/**
 * The time entries a card counts, oldest first: its employee's entries sharing time with the local days of its
 * period (an entry crossing the period's first or last midnight included), with their counted and raw times.
 */
export async function listCardEntries(
  ctx: ServiceContext,
  accountId: string,
  card: Pick<TimeCard, 'employeeId' | 'periodStart' | 'periodEnd'>,
): Promise<TimeEntry[]> {
  const db = ctx.database.db;
  const { timeZone } = await loadAccountSchedule(db, accountId);
  const fromMs = localDayStartMs(card.periodStart, timeZone);
  const rows = await listEmployeeEntriesOverlapping(db, accountId, card.employeeId, {
    fromIso: new Date(fromMs).toISOString(),
    toIso: new Date(localDayStartMs(addDays(card.periodEnd, 1), timeZone)).toISOString(),
    startedAfterIso: new Date(fromMs - LONGEST_ENTRY_MS).toISOString(),
  });
  return rows.map(toTimeEntry);
}
