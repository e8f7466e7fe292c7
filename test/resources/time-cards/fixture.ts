import assert from 'node:assert/strict';
import { TIME_CARDS } from '../../../src/resources/time-cards/resource.js';
import { type Fixtures, fixtureEmployee, listed } from '../../helpers/fixtures.js';

const path = `/v1${TIME_CARDS.path}`;

/** Every active employee has a card in the current pay period. */
export const fixtures: Fixtures = {
  [path]: {
    create: async (t, authorization) => {
      const employeeId = await fixtureEmployee(t, authorization);
      const [card] = await listed<{ id: string }>(t, authorization, `${path}?employeeId=${employeeId}`);
      assert.ok(card, 'a new employee has a time card');
      return { id: card.id };
    },
  },
};
