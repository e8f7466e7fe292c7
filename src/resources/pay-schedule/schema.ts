import { type Static, Type } from '@sinclair/typebox';
import type { PayFrequency } from '../../db/tables.js';
import { ACCOUNTS } from '../../platform/accounts/ids.js';
import { objectSchema } from '../../platform/descriptors/object-schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { weekdayOf } from '../pay-periods/calendar.js';
import { OVERTIME_RULE_TYPES, type OvertimeRule, thresholdsOf } from '../time-cards/overtime.js';
import { PAY_SCHEDULE } from './resource.js';

export const PAY_FREQUENCIES = ['weekly', 'biweekly', 'semimonthly', 'monthly'] as const;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const frequency = Type.Union(
  PAY_FREQUENCIES.map((f) => Type.Literal(f)),
  {
    description:
      'How often pay periods repeat. `semimonthly` periods are the 1st–15th and the 16th–end of each month.',
    examples: ['biweekly'],
  },
);
const anchorDate = Type.String({
  format: 'date',
  description:
    'YYYY-MM-DD: the first day of one pay period. Workweeks (for weekly overtime) start on its weekday. Semimonthly needs a 1st or 16th; monthly a day 1–28.',
  examples: ['2024-01-01'],
});

const dailyHours = (description: string) =>
  Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 24 }), Type.Null()], {
    description,
    examples: [8],
  });
const weeklyHours = Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 168 }), Type.Null()], {
  description: 'Regular hours in a workweek after which time is overtime (1.5×); null = no weekly overtime.',
  examples: [40],
});
const dailyOvertime = dailyHours('Hours in a day after which time is overtime (1.5×); null = none.');
const dailyDoubleTime = dailyHours(
  'Hours in a day after which time is double time (2×); null = none. Must exceed the daily overtime threshold.',
);
const ruleType = Type.Union(
  OVERTIME_RULE_TYPES.map((r) => Type.Literal(r)),
  {
    description:
      '`none`: all hours regular. `weekly40`: 1.5× after 40 regular hours per workweek. `california`: 1.5× after 8 h/day, 2× after 12 h/day, 1.5× after 40 regular hours per workweek, and on the 7th consecutive workday of a workweek 1.5× for the first 8 h and 2× beyond. `custom`: the thresholds given.',
    examples: ['california'],
  },
);

export const OvertimeRuleSchema = Type.Object(
  {
    type: ruleType,
    dailyOvertimeAfterHours: dailyOvertime,
    dailyDoubleTimeAfterHours: dailyDoubleTime,
    weeklyOvertimeAfterHours: weeklyHours,
  },
  {
    description:
      'How worked hours split into regular, overtime and double time. Thresholds shown are in effect.',
  },
);

export const OvertimeRuleInput = Type.Object(
  {
    type: ruleType,
    dailyOvertimeAfterHours: Type.Optional(dailyOvertime),
    dailyDoubleTimeAfterHours: Type.Optional(dailyDoubleTime),
    weeklyOvertimeAfterHours: Type.Optional(weeklyHours),
  },
  {
    additionalProperties: false,
    description:
      'Replaces the rule. Thresholds are set only with type `custom` (omitted = null); with a named type they may be omitted or repeat its own values.',
  },
);
export type OvertimeRuleInputValue = Static<typeof OvertimeRuleInput>;

export const PayScheduleSchema = objectSchema(
  PAY_SCHEDULE,
  {
    id: Type.String({
      pattern: idPattern(ACCOUNTS),
      description: 'The account id: the schedule is the account’s own.',
      examples: [exampleId(ACCOUNTS)],
    }),
    object: Type.Literal('pay_schedule'),
    frequency,
    anchorDate,
    workweekStartsOn: Type.Union(
      WEEKDAYS.map((d) => Type.Literal(d)),
      { description: "The weekday workweeks start on: the anchor date's.", examples: ['monday'] },
    ),
    overtimeRule: OvertimeRuleSchema,
    createdAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
    updatedAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
  },
  {
    description:
      'How the account’s pay periods and overtime are computed. Until changed: biweekly, anchored on Monday 2024-01-01, weekly40.',
  },
);
export type PaySchedule = Static<typeof PayScheduleSchema>;

export const UpdatePayScheduleBody = Type.Object(
  {
    frequency: Type.Optional(frequency),
    anchorDate: Type.Optional(anchorDate),
    overtimeRule: Type.Optional(OvertimeRuleInput),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ overtimeRule: { type: 'california' } }],
  },
);
export type UpdatePayScheduleInput = Static<typeof UpdatePayScheduleBody>;

/** The schedule as services use it, with the account facts every pay computation needs. */
export interface AccountSchedule {
  accountId: string;
  /** The account's IANA zone: days, weeks and periods are cut in it. */
  timeZone: string;
  frequency: PayFrequency;
  anchorDate: string;
  overtimeRule: OvertimeRule;
  createdAt: string;
  updatedAt: string;
}

export function toPaySchedule(schedule: AccountSchedule): PaySchedule {
  return {
    id: schedule.accountId,
    object: 'pay_schedule',
    frequency: schedule.frequency,
    anchorDate: schedule.anchorDate,
    workweekStartsOn: WEEKDAYS[weekdayOf(schedule.anchorDate)] ?? 'sunday',
    overtimeRule: { type: schedule.overtimeRule.type, ...thresholdsOf(schedule.overtimeRule) },
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
  };
}
