import { fromDbJson, toDbJson } from '../../db/columns.js';
import type { Db, PayPeriodRow } from '../../db/tables.js';
import type { ServiceContext } from '../../platform/context.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import { deletedEvent, updatedEvent } from '../../platform/webhooks/change-events.js';
import { recordChange } from '../../platform/webhooks/outbox.js';
import { localDateOf } from '../../shared/local-time.js';
import { anchorProblem } from '../pay-periods/calendar.js';
import { assertDatesMayChange } from '../pay-periods/locks.js';
import { deletePeriodsEndingFrom, holdPayPeriods } from '../pay-periods/repository.js';
import { toPayPeriod } from '../pay-periods/schema.js';
import { OVERTIME_PRESETS, type OvertimeRule, type OvertimeThresholds } from '../time-cards/overtime.js';
import { deleteCardsOfPeriods } from '../time-cards/repository.js';
import * as repo from './repository.js';
import { NO_ROUNDING, type PunchRounding, type RoundingRule } from './rounding.js';
import type {
  AccountSchedule,
  OvertimeRuleInputValue,
  PaySchedule,
  RoundingInputValue,
  UpdatePayScheduleInput,
} from './schema.js';
import { toPaySchedule } from './schema.js';

/** What an account's schedule is until it is first changed (documented on the pay schedule object). */
export const DEFAULT_SCHEDULE: Readonly<
  Pick<AccountSchedule, 'frequency' | 'anchorDate' | 'overtimeRule' | 'rounding'>
> = {
  frequency: 'biweekly',
  anchorDate: '2024-01-01',
  overtimeRule: { type: 'weekly40', ...OVERTIME_PRESETS.none },
  rounding: NO_ROUNDING,
};

/** The account's zone and schedule (or the default), in one query. */
export async function loadAccountSchedule(db: Db, accountId: string): Promise<AccountSchedule> {
  const row = await repo.findAccountSchedule(db, accountId);
  if (!row) throw notFound('Account', accountId, 'account');
  if (row.frequency === null || row.anchor_date === null || row.overtime_rule === null) {
    return {
      accountId,
      timeZone: row.timezone,
      ...DEFAULT_SCHEDULE,
      createdAt: row.account_created_at,
      updatedAt: row.account_created_at,
    };
  }
  return {
    accountId,
    timeZone: row.timezone,
    frequency: row.frequency,
    anchorDate: row.anchor_date,
    overtimeRule: fromDbJson<OvertimeRule>(row.overtime_rule),
    // Schedules stored before rounding existed have none.
    rounding: row.rounding === null ? NO_ROUNDING : fromDbJson<RoundingRule>(row.rounding),
    createdAt: row.created_at ?? row.account_created_at,
    updatedAt: row.updated_at ?? row.account_created_at,
  };
}

/** Today's date in the account's zone. */
export function localToday(ctx: Pick<ServiceContext, 'clock'>, schedule: AccountSchedule): string {
  return localDateOf(ctx.clock.now(), schedule.timeZone);
}

export async function getPaySchedule(ctx: ServiceContext, accountId: string): Promise<PaySchedule> {
  return toPaySchedule(await loadAccountSchedule(ctx.database.db, accountId));
}

const THRESHOLD_FIELDS = [
  'dailyOvertimeAfterHours',
  'dailyDoubleTimeAfterHours',
  'weeklyOvertimeAfterHours',
] as const satisfies readonly (keyof OvertimeThresholds)[];

/** The stored form of a rule: named rules keep no thresholds of their own, custom ones keep what was sent. */
function overtimeRuleOf(input: OvertimeRuleInputValue): OvertimeRule {
  const given = (field: (typeof THRESHOLD_FIELDS)[number]) => input[field] ?? null;
  if (input.type !== 'custom') {
    const preset = OVERTIME_PRESETS[input.type];
    for (const field of THRESHOLD_FIELDS) {
      const value = given(field);
      if (value !== null && value !== preset[field]) {
        throw new ApiError(
          'parameter_invalid',
          `Thresholds can be set only with overtimeRule.type "custom"; "${input.type}" uses ${preset[field] ?? 'none'} for ${field}.`,
          { param: `overtimeRule.${field}` },
        );
      }
    }
    return { type: input.type, ...OVERTIME_PRESETS.none };
  }
  const rule: OvertimeRule = {
    type: 'custom',
    dailyOvertimeAfterHours: given('dailyOvertimeAfterHours'),
    dailyDoubleTimeAfterHours: given('dailyDoubleTimeAfterHours'),
    weeklyOvertimeAfterHours: given('weeklyOvertimeAfterHours'),
  };
  if (
    rule.dailyOvertimeAfterHours !== null &&
    rule.dailyDoubleTimeAfterHours !== null &&
    rule.dailyDoubleTimeAfterHours <= rule.dailyOvertimeAfterHours
  ) {
    throw new ApiError(
      'parameter_invalid',
      'dailyDoubleTimeAfterHours must be greater than dailyOvertimeAfterHours.',
      { param: 'overtimeRule.dailyDoubleTimeAfterHours' },
    );
  }
  return rule;
}

/** A direction's rounding as sent: the step is required once the mode rounds; with `none` it is kept (default 1). */
function punchRoundingOf(
  input: NonNullable<RoundingInputValue['clockIn']> | undefined,
  param: string,
): PunchRounding {
  if (input === undefined) return { ...NO_ROUNDING.clockIn };
  if (input.minutes === undefined) {
    if (input.mode !== 'none') {
      throw new ApiError(
        'parameter_invalid',
        `${param}.minutes is required with mode "${input.mode}": one of 1, 5, 6, 10 or 15.`,
        { param: `${param}.minutes` },
      );
    }
    return { mode: 'none', minutes: NO_ROUNDING.clockIn.minutes };
  }
  return { mode: input.mode, minutes: input.minutes };
}

/** The stored form of a rounding rule: what was sent, with every omitted part off. */
function roundingRuleOf(input: RoundingInputValue): RoundingRule {
  return {
    clockIn: punchRoundingOf(input.clockIn, 'rounding.clockIn'),
    clockOut: punchRoundingOf(input.clockOut, 'rounding.clockOut'),
    shiftGrace: {
      beforeStartMinutes: input.shiftGrace?.beforeStartMinutes ?? 0,
      afterEndMinutes: input.shiftGrace?.afterEndMinutes ?? 0,
    },
  };
}

/** Far enough ahead to cover every materialised period. */
const END_OF_TIME = '9999-12-31';

/**
 * Changes the schedule. A new frequency or anchor replaces the periods that are not over yet (the current and
 * future ones, with their time cards) in the same transaction; periods that have ended keep their dates, so pay
 * already run stays as it was, and the next list continues after them (the first new period is shortened to start
 * the day after the last kept one). A locked period among those replaced refuses the change (409 pay_period_locked),
 * and so does an approved time card in one of them (409 time_card_approved): its approval would go with it.
 *
 * A new rounding rule applies to punches from then on: punches and entries already stored keep the times they count.
 *
 * Events: `pay_schedule.updated`, and `pay_period.deleted` for each replaced period (a client may have listed it).
 * Their time cards go with them unannounced: a card is computed from time entries and time off, and the
 * `pay_period.deleted` of its period already says it is gone.
 *
 * It holds the periods exclusively (see holdingPayPeriods) before reading the schedule it changes: reads that
 * materialise periods or compute cards from them never see half of it, and two changes take turns instead of the
 * second writing back what it read before the first committed.
 */
export async function updatePaySchedule(
  ctx: ServiceContext,
  accountId: string,
  input: UpdatePayScheduleInput,
): Promise<PaySchedule> {
  const now = ctx.clock.now().toISOString();
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    await holdPayPeriods(trx, accountId, 'exclusive');
    const current = await loadAccountSchedule(trx, accountId);
    const next: AccountSchedule = {
      ...current,
      frequency: input.frequency ?? current.frequency,
      anchorDate: input.anchorDate ?? current.anchorDate,
      overtimeRule: input.overtimeRule ? overtimeRuleOf(input.overtimeRule) : current.overtimeRule,
      rounding: input.rounding ? roundingRuleOf(input.rounding) : current.rounding,
      updatedAt: now,
    };
    const problem = anchorProblem(next.frequency, next.anchorDate);
    if (problem) throw new ApiError('parameter_invalid', problem, { param: 'anchorDate' });

    const replaced =
      next.frequency !== current.frequency || next.anchorDate !== current.anchorDate
        ? await replaceOpenPeriods(ctx, trx, accountId, current)
        : [];
    await repo.upsertSchedule(trx, {
      account_id: accountId,
      frequency: next.frequency,
      anchor_date: next.anchorDate,
      overtime_rule: toDbJson(next.overtimeRule),
      rounding: toDbJson(next.rounding),
      // The default schedule existed since the account did: its first change keeps that createdAt.
      created_at: current.createdAt,
      updated_at: now,
    });
    const schedule = toPaySchedule(next);
    return {
      result: schedule,
      events: [
        updatedEvent(toPaySchedule(current), schedule),
        ...replaced.map((period) => deletedEvent(toPayPeriod(period))),
      ],
    };
  });
}

/**
 * Deletes the periods not over yet, with their time cards, unless one is locked or holds an approved card (409):
 * either would be lost with it. Returns the periods.
 */
async function replaceOpenPeriods(
  ctx: ServiceContext,
  trx: Db,
  accountId: string,
  current: AccountSchedule,
): Promise<PayPeriodRow[]> {
  const today = localToday(ctx, current);
  await assertDatesMayChange(trx, accountId, 'everyone', today, END_OF_TIME);
  // Oldest first, so the `pay_period.deleted` events come in date order whatever order the database returns.
  const replaced = (await deletePeriodsEndingFrom(trx, accountId, today)).sort((a, b) =>
    a.start_date.localeCompare(b.start_date),
  );
  await deleteCardsOfPeriods(
    trx,
    accountId,
    replaced.map((period) => period.id),
  );
  return replaced;
}
