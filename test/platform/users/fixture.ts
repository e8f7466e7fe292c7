import { USERS } from '../../../src/platform/users/resource.js';
import { createFixture, type Fixtures, nextFixtureNumber } from '../../helpers/fixtures.js';

const path = `/v1${USERS.path}`;

/** A manager's invitation: emails are unique across the installation, so each fixture user gets its own. */
function invitation(): Record<string, unknown> {
  return {
    email: `fixture.${nextFixtureNumber()}.${Date.now()}@users.test`,
    name: 'Fixture Manager',
    role: 'manager',
  };
}

export const fixtures: Fixtures = {
  [path]: {
    create: (t, authorization) => createFixture(t, authorization, path, invitation()),
    body: async (_t, _authorization, operation) => {
      if (operation.method === 'POST' && operation.path === path) return invitation();
      // A manager of the fixture is no key owner: the documented reassignment would name a user of no account.
      if (operation.method === 'PATCH') return { name: 'Renamed Manager' };
      if (operation.path.endsWith('/deactivate')) return { apiKeys: { action: 'revoke' } };
      return operation.bodyExample;
    },
  },
};
