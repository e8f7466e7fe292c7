import { COST_CODES } from '../../../src/resources/cost-codes/resource.js';
import type { Fixtures } from '../../helpers/fixtures.js';
import { catalogueFixtures } from '../code-catalogues/fixture-factory.js';

export const fixtures: Fixtures = catalogueFixtures(COST_CODES);
