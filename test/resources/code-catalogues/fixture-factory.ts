import type { CodeCatalogue } from '../../../src/resources/code-catalogues/definition.js';
import { createFixture, type Fixtures, nextFixtureNumber } from '../../helpers/fixtures.js';

/** Department codes, positions, groups and cost codes: codes are unique per account, so each call takes a new one. */
export function catalogueFixtures(catalogue: CodeCatalogue): Fixtures {
  const path = `/v1${catalogue.path}`;
  const body = () => {
    const n = nextFixtureNumber();
    return { code: `FX-${n}`, name: `Fixture ${n}` };
  };
  return {
    [path]: {
      create: (t, authorization) => createFixture(t, authorization, path, body()),
      body: async (_t, _authorization, operation) =>
        operation.method === 'POST' ? body() : operation.bodyExample,
    },
  };
}
