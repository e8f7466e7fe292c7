import { SHIFTS } from '../../../src/resources/shifts/resource.js';
import { createFixture, type Fixtures } from '../../helpers/fixtures.js';

const path = `/v1${SHIFTS.path}`;

/** The documented examples (an open shift; `{ published: true }`) name no other object, so they work as they are. */
export const fixtures: Fixtures = {
  [path]: {
    create: (t, authorization) =>
      createFixture(t, authorization, path, { start: '2026-11-02T14:00:00Z', end: '2026-11-02T22:00:00Z' }),
  },
};
