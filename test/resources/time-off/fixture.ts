import { TIME_OFF } from '../../../src/resources/time-off/resource.js';
import type { TestApp } from '../../helpers/app.js';
import { createFixture, type Fixtures, fixtureEmployee } from '../../helpers/fixtures.js';

const path = `/v1${TIME_OFF.path}`;

async function request(t: TestApp, authorization: string): Promise<Record<string, unknown>> {
  return {
    employeeId: await fixtureEmployee(t, authorization),
    type: 'vacation',
    startDate: '2026-12-21',
    endDate: '2026-12-23',
  };
}

/** A fresh request each time, still `requested`, so approve, deny and cancel all succeed. */
export const fixtures: Fixtures = {
  [path]: {
    create: async (t, authorization) =>
      createFixture(t, authorization, path, await request(t, authorization)),
    body: (t, authorization) => request(t, authorization),
  },
};
