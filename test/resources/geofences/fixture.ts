import { GEOFENCES } from '../../../src/resources/geofences/resource.js';
import { createFixture, type Fixtures } from '../../helpers/fixtures.js';

const path = `/v1${GEOFENCES.path}`;

/** The documented examples name no other object and no unique value. */
export const fixtures: Fixtures = {
  [path]: {
    create: (t, authorization) =>
      createFixture(t, authorization, path, {
        name: 'Fixture fence',
        latitude: 41.88,
        longitude: -87.65,
        radiusMeters: 100,
      }),
  },
};
