import { POSITIONS } from '../../../src/resources/positions/resource.js';
import type { Fixtures } from '../../helpers/fixtures.js';
import { catalogueFixtures } from '../code-catalogues/fixture-factory.js';

export const fixtures: Fixtures = catalogueFixtures(POSITIONS);
