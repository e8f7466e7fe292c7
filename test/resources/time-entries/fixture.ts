import { TIME_ENTRIES } from '../../../src/resources/time-entries/resource.js';
import type { TestApp } from '../../helpers/app.js';
import { createFixture, type Fixtures, fixtureEmployee } from '../../helpers/fixtures.js';

const path = `/v1${TIME_ENTRIES.path}`;

/** A closed manual time entry's body: on a fresh employee it can overlap nothing. */
async function closedEntry(t: TestApp, authorization: string): Promise<Record<string, unknown>> {
  return {
    employeeId: await fixtureEmployee(t, authorization),
    start: '2026-10-30T14:00:00Z',
    end: '2026-10-30T22:30:00Z',
    breakSeconds: 1800,
  };
}

/** Entries name an employee too; the PATCH example (`breakSeconds`, `notes`) fits any fixture entry. */
export const fixtures: Fixtures = {
  [path]: {
    create: async (t, authorization) =>
      createFixture(t, authorization, path, await closedEntry(t, authorization)),
    body: async (t, authorization, operation) =>
      operation.method === 'POST' ? closedEntry(t, authorization) : operation.bodyExample,
  },
};
