import assert from 'node:assert/strict';
import { PAY_PERIODS } from '../../../src/resources/pay-periods/resource.js';
import { type Fixtures, listed } from '../../helpers/fixtures.js';

const path = `/v1${PAY_PERIODS.path}`;

/**
 * Periods are materialised, not created: the oldest one, about a year back, so that locking it in the suite never
 * blocks the time other fixtures record around now.
 */
export const fixtures: Fixtures = {
  [path]: {
    create: async (t, authorization) => {
      const oldest = (await listed<{ id: string }>(t, authorization, `${path}?limit=100`)).at(-1);
      assert.ok(oldest, 'the account has pay periods');
      return { id: oldest.id };
    },
  },
};
