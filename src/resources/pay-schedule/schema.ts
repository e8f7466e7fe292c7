import { type Static, Type } from '@sinclair/typebox';
import type { PayFrequency } from '../../db/tables.js';
import { ACCOUNTS } from '../../platform/accounts/ids.js';
import { objectSchema } from '../../platform/descriptors/object-schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { weekdayOf } from '../pay-periods/calendar.js';
import { OVERTIME_RULE_TYPES, type OvertimeRule, thresholdsOf } from '../time-cards/overtime.js';
import { PAY_SCHEDULE } from './resource.js';
import { MAX_GRACE_MINUTES, ROUNDING_MODES, ROUNDING_STEPS, type RoundingRule } from './rounding.js';

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

const roundingMode = Type.Union(
  ROUNDING_MODES.map((m) => Type.Literal(m)),
  {
    description:
      '`none`: the time counts as punched. `up`: to the next step (later). `down`: to the previous step (earlier). `nearest`: to the closer step; exactly half a step rounds up. A time already on a step stays.',
    examples: ['nearest'],
  },
);
const roundingMinutes = Type.Union(
  ROUNDING_STEPS.map((m) => Type.Literal(m)),
  {
    description:
      'The step in minutes. Steps are cut on the account’s wall clock (its time zone’s UTC offset at the punch), so a 15-minute step lands on local :00, :15, :30 and :45, and a 6-minute one on :00, :06, … even in a +05:45 zone.',
    examples: [15],
  },
);

function punchRoundingSchema(punch: string) {
  return Type.Object(
    { mode: roundingMode, minutes: roundingMinutes },
    {
      description: `How a ${punch} time is rounded when no shift grace applies.`,
      examples: [{ mode: 'nearest', minutes: 15 }],
    },
  );
}

function punchRoundingInput(punch: string) {
  return Type.Object(
    {
      mode: roundingMode,
      minutes: Type.Optional({
        ...roundingMinutes,
        description: `${roundingMinutes.description} Required unless mode is \`none\` (then it is kept, default 1).`,
      }),
    },
    {
      additionalProperties: false,
      description: `How a ${punch} time is rounded; omitted: not rounded.`,
      examples: [{ mode: 'nearest', minutes: 15 }],
    },
  );
}

const beforeStartMinutes = Type.Integer({
  minimum: 0,
  maximum: MAX_GRACE_MINUTES,
  description:
    'A clock-in at most this many minutes before the start of one of the employee’s published shifts counts from the shift’s start (instead of being rounded). 0 = off.',
  examples: [7],
});
const afterEndMinutes = Type.Integer({
  minimum: 0,
  maximum: MAX_GRACE_MINUTES,
  description:
    'A clock-out at most this many minutes after the end of one of the employee’s published shifts counts until the shift’s end (instead of being rounded). 0 = off.',
  examples: [7],
});

const ROUNDING_DESCRIPTION = [
  'How clock-in and clock-out punches count on time cards; break punches are never rounded, and time entries a manager creates or corrects are taken as typed.',
  'Steps are cut on the account’s wall clock, with its time zone’s UTC offset at the punch instant, exact to the second: on a day the zone changes offset a punch still moves by less than one step (01:59:40 EST to the nearest minute is 02:00 EST, the instant the clocks show 03:00 EDT).',
  'Shift grace, when it applies, replaces rounding: a clock-in up to `beforeStartMinutes` before one of the employee’s published shifts starts counts from its start, a clock-out up to `afterEndMinutes` after one ends counts until its end; otherwise the direction’s rounding applies.',
  'Punches keep their raw time (`at`) and show the time counted (`countedAt`); time entries count the counted times (`start`, `end`, `durationSeconds`, which time cards, overtime and the `from`/`to` filters use) and show the raw ones (`punchedStart`, `punchedEnd`).',
  'Rounding never refuses a punch: a counted end is never before its entry’s counted start, a counted start never before the counted end of the employee’s previous entry, only the part of a break inside the counted span is unpaid, and a time that rounding would move onto a day of a locked pay period counts as punched.',
].join(' ');

export const RoundingSchema = Type.Object(
  {
    clockIn: punchRoundingSchema('clock-in'),
    clockOut: punchRoundingSchema('clock-out'),
    shiftGrace: Type.Object(
      { beforeStartMinutes, afterEndMinutes },
      {
        description: 'Minutes around published shifts within which a punch counts from the shift’s own time.',
      },
    ),
  },
  {
    description: `${ROUNDING_DESCRIPTION} Until changed: no rounding and no grace.`,
    examples: [
      {
        clockIn: { mode: 'nearest', minutes: 15 },
        clockOut: { mode: 'nearest', minutes: 15 },
        shiftGrace: { beforeStartMinutes: 7, afterEndMinutes: 7 },
      },
    ],
  },
);

export const RoundingInput = Type.Object(
  {
    clockIn: Type.Optional(punchRoundingInput('clock-in')),
    clockOut: Type.Optional(punchRoundingInput('clock-out')),
    shiftGrace: Type.Optional(
      Type.Object(
        {
          beforeStartMinutes: Type.Optional(beforeStartMinutes),
          afterEndMinutes: Type.Optional(afterEndMinutes),
        },
        {
          additionalProperties: false,
          description: 'Shift grace; an omitted side is off (0).',
          examples: [{ beforeStartMinutes: 7 }],
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    description: `Replaces the rule as a whole: an omitted part is off. It applies to punches recorded from then on; stored punches and time entries keep their times. ${ROUNDING_DESCRIPTION}`,
    examples: [
      {
        clockIn: { mode: 'nearest', minutes: 15 },
        clockOut: { mode: 'nearest', minutes: 15 },
        shiftGrace: { beforeStartMinutes: 7 },
      },
    ],
  },
);
export type RoundingInputValue = Static<typeof RoundingInput>;

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
    rounding: RoundingSchema,
    createdAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
    updatedAt: Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] }),
  },
  {
    description:
      'How the account’s pay periods and overtime are computed, and how punch times are rounded. Until changed: biweekly, anchored on Monday 2024-01-01, weekly40, no rounding.',
  },
);
export type PaySchedule = Static<typeof PayScheduleSchema>;

export const UpdatePayScheduleBody = Type.Object(
  {
    frequency: Type.Optional(frequency),
    anchorDate: Type.Optional(anchorDate),
    overtimeRule: Type.Optional(OvertimeRuleInput),
    rounding: Type.Optional(RoundingInput),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [
      {
        overtimeRule: { type: 'california' },
        rounding: {
          clockIn: { mode: 'nearest', minutes: 15 },
          clockOut: { mode: 'nearest', minutes: 15 },
          shiftGrace: { beforeStartMinutes: 7, afterEndMinutes: 0 },
        },
      },
    ],
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
  rounding: RoundingRule;
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
    rounding: {
      clockIn: { ...schedule.rounding.clockIn },
      clockOut: { ...schedule.rounding.clockOut },
      shiftGrace: { ...schedule.rounding.shiftGrace },
    },
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
  };
}
