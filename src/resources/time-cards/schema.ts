import { type Static, Type } from '@sinclair/typebox';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { idPattern } from '../../shared/ids.js';

const EXAMPLE_ID = 'tcd_01JD2X6Y3Z4A5B6C7D8E9F0G1H';
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

export const TimeCardSchema = Type.Object(
  {
    id: Type.String({ pattern: idPattern('timeCard'), examples: [EXAMPLE_ID] }),
    object: Type.Literal('time_card'),
    employeeId: Type.String({ pattern: idPattern('employee'), examples: ['emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H'] }),
    payPeriodId: Type.String({
      pattern: idPattern('payPeriod'),
      examples: ['ppd_01JD2X6Y3Z4A5B6C7D8E9F0G1H'],
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
      'One employee’s time in one pay period, computed under the overtime rule of the pay schedule. Time entries count as recorded (open ones up to now); an entry crossing local midnight is split there, its unpaid break prorated by time. Workweeks start on the anchor’s weekday; a workweek that began in the previous period still counts its earlier hours toward weekly thresholds.',
  },
);
export type TimeCard = Static<typeof TimeCardSchema>;
export type TimeCardDay = Static<typeof TimeCardDaySchema>;

export const TIME_CARD_FIELDS: readonly string[] = Object.keys(TimeCardSchema.properties).filter(
  (field) => field !== 'id' && field !== 'object',
);

export const TimeCardIdParams = Type.Object({
  id: Type.String({
    pattern: idPattern('timeCard'),
    description: 'The time card id.',
    examples: [EXAMPLE_ID],
  }),
});

export const ListTimeCardsQuery = listQuerySchema('timeCard', {
  payPeriodId: Type.Optional(
    Type.String({
      pattern: idPattern('payPeriod'),
      description: 'The pay period whose cards to list; default: the current one.',
      examples: ['ppd_01JD2X6Y3Z4A5B6C7D8E9F0G1H'],
    }),
  ),
  employeeId: Type.Optional(
    Type.String({
      pattern: idPattern('employee'),
      description: 'Only this employee’s card.',
      examples: ['emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H'],
    }),
  ),
});
