import { type Static, Type } from '@sinclair/typebox';
import { fromDbBoolean } from '../../db/columns.js';
import type { PayPeriodRow } from '../../db/tables.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { idPattern } from '../../shared/ids.js';
import { PAY_SCHEDULE_FIELDS } from '../pay-schedule/schema.js';

const EXAMPLE_ID = 'ppd_01JD2X6Y3Z4A5B6C7D8E9F0G1H';
const timestamp = Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] });

export const PayPeriodSchema = Type.Object(
  {
    id: Type.String({ pattern: idPattern('payPeriod'), examples: [EXAMPLE_ID] }),
    object: Type.Literal('pay_period'),
    startDate: Type.String({
      format: 'date',
      description: 'First day (YYYY-MM-DD, in the account’s time zone).',
      examples: ['2026-10-26'],
    }),
    endDate: Type.String({
      format: 'date',
      description: 'Last day, inclusive.',
      examples: ['2026-11-08'],
    }),
    locked: Type.Boolean({
      description: 'A locked period refuses every change of time inside it (409 `pay_period_locked`).',
      examples: [false],
    }),
    lockedAt: Type.Union([timestamp, Type.Null()], {
      description: 'When it was locked; null while unlocked.',
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  { description: 'One pay period of the account’s pay schedule.' },
);
export type PayPeriod = Static<typeof PayPeriodSchema>;

/** Fields a restriction on `payperiods` may name: that scope covers the pay periods and the pay schedule. */
export const PAY_PERIOD_FIELDS: readonly string[] = [
  ...new Set([...Object.keys(PayPeriodSchema.properties), ...PAY_SCHEDULE_FIELDS]),
].filter((field) => field !== 'id' && field !== 'object');

export const PayPeriodIdParams = Type.Object({
  id: Type.String({
    pattern: idPattern('payPeriod'),
    description: 'The pay period id.',
    examples: [EXAMPLE_ID],
  }),
});

export const ListPayPeriodsQuery = listQuerySchema('payPeriod', {
  date: Type.Optional(
    Type.String({
      format: 'date',
      description: 'Only the period containing this date (YYYY-MM-DD).',
      examples: ['2026-11-02'],
    }),
  ),
});

export function toPayPeriod(row: PayPeriodRow): PayPeriod {
  return {
    id: row.id,
    object: 'pay_period',
    startDate: row.start_date,
    endDate: row.end_date,
    locked: fromDbBoolean(row.locked),
    lockedAt: row.locked_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
