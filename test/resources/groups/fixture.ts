import { GROUPS } from '../../../src/resources/groups/resource.js';
import type { Fixtures } from '../../helpers/fixtures.js';
import { catalogueFixtures } from '../code-catalogues/fixture-factory.js';

export const fixtures: Fixtures = catalogueFixtures(GROUPS);
