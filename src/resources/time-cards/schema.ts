import { type Static, Type } from '@sinclair/typebox';
import { objectSchema } from '../../platform/descriptors/object-schema.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { EMPLOYEES } from '../employees/resource.js';
import { PAY_PERIODS } from '../pay-periods/resource.js';
import { TIME_CARDS } from './resource.js';

const EXAMPLE_ID = exampleId(TIME_CARDS);
const timestamp = Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] });
const seconds = (description: string, example: number) =>
  Type.Integer({ minimum: 0, description, examples: [example] });
const date = (description: string, example: string) =>
  Type.String({ format: 'date', description, examples: [example] });

const figures = {
  workedSeconds: seconds('Time worked (entries minus unpaid breaks).', 162000),
  regularSeconds: seconds('Worked time paid at the regular rate.', 144000),
  overtimeSeconds: seconds('Worked time paid at 1.5×.', 14400),
  doubleTimeSeconds: seconds('Worked time paid at 2×. regular + overtime + doubleTime = worked.', 3600),
  ptoSeconds: seconds('Approved paid time off; never counts toward overtime.', 28800),
};

export const TimeCardDaySchema = Type.Object(
  { date: date('The local date (account time zone).', '2026-11-02'), ...figures },
  { description: 'One day of the card, cut at local midnight: DST days are 23 or 25 hours long.' },
);

export const TimeCardSchema = objectSchema(
  TIME_CARDS,
  {
    id: Type.String({ pattern: idPattern(TIME_CARDS), examples: [EXAMPLE_ID] }),
    object: Type.Literal('time_card'),
    employeeId: Type.String({ pattern: idPattern(EMPLOYEES), examples: [exampleId(EMPLOYEES)] }),
    payPeriodId: Type.String({
      pattern: idPattern(PAY_PERIODS),
      examples: [exampleId(PAY_PERIODS)],
    }),
    periodStart: date('First day of the pay period.', '2026-10-26'),
    periodEnd: date('Last day of the pay period, inclusive.', '2026-11-08'),
    ...figures,
    approved: Type.Boolean({ description: 'Whether a manager approved the card.', examples: [false] }),
    approvedAt: Type.Union([timestamp, Type.Null()], { description: 'When it was approved; null if not.' }),
    days: Type.Array(TimeCardDaySchema, { description: 'Every day of the pay period, oldest first.' }),
    createdAt: timestamp,
    updatedAt: Type.String({
      format: 'date-time',
      description:
        'The latest change to the card or to the time entries and approved time off it is computed from.',
      examples: ['2026-11-02T14:03:11.482Z'],
    }),
  },
  {
    description:
      'One employee’s time in one pay period, computed under the overtime rule of the pay schedule. Time entries count with their counted times (`start` and `end`: punches after the account’s rounding rule; open entries up to now); an entry crossing local midnight is split there, its unpaid break prorated by time. Workweeks start on the anchor’s weekday; a workweek that began in the previous period still counts its earlier hours toward weekly thresholds.',
  },
);
export type TimeCard = Static<typeof TimeCardSchema>;
export type TimeCardDay = Static<typeof TimeCardDaySchema>;

export const ListTimeCardsQuery = listQuerySchema(TIME_CARDS, {
  payPeriodId: Type.Optional(
    Type.String({
      pattern: idPattern(PAY_PERIODS),
      description: 'The pay period whose cards to list; default: the current one.',
      examples: [exampleId(PAY_PERIODS)],
    }),
  ),
  employeeId: Type.Optional(
    Type.String({
      pattern: idPattern(EMPLOYEES),
      description: 'Only this employee’s card.',
      examples: [exampleId(EMPLOYEES)],
    }),
  ),
});
