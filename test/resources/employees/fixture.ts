import { EMPLOYEES } from '../../../src/resources/employees/resource.js';
import { createFixture, type Fixtures, nextFixtureNumber } from '../../helpers/fixtures.js';

const path = `/v1${EMPLOYEES.path}`;

export const fixtures: Fixtures = {
  [path]: {
    create: (t, authorization) =>
      createFixture(t, authorization, path, {
        firstName: 'Fixture',
        lastName: `Employee ${nextFixtureNumber()}`,
      }),
    // The documented example carries an employeeRef, unique per account: vary it so every call succeeds.
    body: async (_t, _authorization, operation) =>
      operation.method === 'POST' && operation.path === path
        ? { firstName: 'Maria', lastName: 'Lopez', employeeRef: `HR-${nextFixtureNumber()}` }
        : operation.bodyExample,
  },
};
