import assert from 'node:assert/strict';
import { EVENTS } from '../../../../src/platform/webhooks/events/resource.js';
import { type Fixtures, listed } from '../../../helpers/fixtures.js';

const path = `/v1${EVENTS.path}`;

/**
 * The account's newest `api_key.created` event: every test account's key made one, and key events (the account's
 * security trail) are the ones `events:read` reads without any other scope; an event of a resource also needs that
 * resource's read scope.
 */
export const fixtures: Fixtures = {
  [path]: {
    create: async (t, authorization) => {
      const events = await listed<{ id: string }>(t, authorization, `${path}?type=api_key.created&limit=1`);
      const event = events[0];
      assert.ok(event, 'the account has a key, so a key event');
      return { id: event.id };
    },
  },
};
