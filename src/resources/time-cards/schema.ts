import { type Static, Type } from '@sinclair/typebox';
import { objectSchema } from '../../platform/descriptors/object-schema.js';
import { NOT_BLANK } from '../../platform/http/text.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { EMPLOYEES } from '../employees/resource.js';
import { PAY_PERIODS } from '../pay-periods/resource.js';
import { TIME_CARDS } from './resource.js';

const EXAMPLE_ID = exampleId(TIME_CARDS);
const timestamp = Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] });
/** Who changed an approval: an API key (`key_…`) or a portal user (`usr_…`). */
const actor = Type.String({ pattern: '^(key|usr)_', examples: ['key_01JD2X6Y3Z4A5B6C7D8E9F0G1H'] });
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
    approved: Type.Boolean({
      description:
        'Whether a manager approved the card. While it is approved, the time it is computed from is frozen: creating, changing or deleting a punch or time entry inside its pay period, or approving time off there, is refused with 409 `time_card_approved` until the card is unapproved.',
      examples: [true],
    }),
    approvedAt: Type.Union([timestamp, Type.Null()], { description: 'When it was approved; null if not.' }),
    approvedBy: Type.Union([actor, Type.Null()], {
      description:
        'Who approved it: the id of the API key (`key_…`) or of the portal user (`usr_…`) that approved it; null if not approved (or approved before approvals recorded who).',
    }),
    unapprovedAt: Type.Union([timestamp, Type.Null()], {
      description:
        'When its approval was last withdrawn; null if it never was. Kept when the card is approved again.',
    }),
    unapprovedBy: Type.Union([actor, Type.Null()], {
      description:
        'Who last withdrew its approval: an API key’s id (`key_…`) or a portal user’s (`usr_…`); null if nobody did.',
    }),
    unapprovalReason: Type.Union(
      [
        Type.String({
          maxLength: 500,
          examples: ['Tuesday’s clock-out was 5 hours early; fixing the entry.'],
        }),
        Type.Null(),
      ],
      {
        description:
          'Why its approval was last withdrawn, as given to `unapprove`; null if no reason was given.',
      },
    ),
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

export const UnapproveTimeCardBody = Type.Object(
  {
    reason: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        pattern: NOT_BLANK,
        description:
          'Why the approval is withdrawn (trimmed; 1–500 characters): kept on the card as `unapprovalReason` and carried by the `time_card.unapproved` event.',
        examples: ['Tuesday’s clock-out was 5 hours early; fixing the entry.'],
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Optional: the body may be left out altogether.',
    examples: [{ reason: 'Tuesday’s clock-out was 5 hours early; fixing the entry.' }],
  },
);
