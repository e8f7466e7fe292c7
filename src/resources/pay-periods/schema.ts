import { type Static, Type } from '@sinclair/typebox';
import { fromDbBoolean } from '../../db/columns.js';
import type { PayPeriodRow } from '../../db/tables.js';
import { objectSchema } from '../../platform/descriptors/object-schema.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { PAY_PERIODS } from './resource.js';

const EXAMPLE_ID = exampleId(PAY_PERIODS);
const timestamp = Type.String({ format: 'date-time', examples: ['2026-11-02T14:03:11.482Z'] });

export const PayPeriodSchema = objectSchema(
  PAY_PERIODS,
  {
    id: Type.String({ pattern: idPattern(PAY_PERIODS), examples: [EXAMPLE_ID] }),
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

export const ListPayPeriodsQuery = listQuerySchema(PAY_PERIODS, {
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
