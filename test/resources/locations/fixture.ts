import { LOCATIONS } from '../../../src/resources/locations/resource.js';
import { createFixture, type Fixtures } from '../../helpers/fixtures.js';

const path = `/v1${LOCATIONS.path}`;

/** The documented examples name no other object and no unique value. */
export const fixtures: Fixtures = {
  [path]: { create: (t, authorization) => createFixture(t, authorization, path, { name: 'Fixture site' }) },
};
