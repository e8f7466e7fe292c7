import { DEPARTMENT_CODES } from '../../../src/resources/department-codes/resource.js';
import type { Fixtures } from '../../helpers/fixtures.js';
import { catalogueFixtures } from '../code-catalogues/fixture-factory.js';

export const fixtures: Fixtures = catalogueFixtures(DEPARTMENT_CODES);
