import { PUNCHES } from '../../../src/resources/punches/resource.js';
import type { TestApp } from '../../helpers/app.js';
import { createFixture, type Fixtures, fixtureEmployee } from '../../helpers/fixtures.js';

const path = `/v1${PUNCHES.path}`;

/** A clock-in of a fresh employee, who is off the clock. */
async function clockIn(t: TestApp, authorization: string): Promise<Record<string, unknown>> {
  return { employeeId: await fixtureEmployee(t, authorization), type: 'in' };
}

/** A punch names an employee who must exist in the caller's account and be off the clock: a new one each time. */
export const fixtures: Fixtures = {
  [path]: {
    create: async (t, authorization) =>
      createFixture(t, authorization, path, await clockIn(t, authorization)),
    body: (t, authorization) => clockIn(t, authorization),
  },
};
