import assert from 'node:assert/strict';
import { EVENTS } from '../../../../src/platform/webhooks/events/resource.js';
import { type Fixtures, listed } from '../../../helpers/fixtures.js';
import { fixtureWebhookEndpoint } from '../endpoints/fixture.js';

const path = `/v1${EVENTS.path}`;

/** Creating an endpoint is a change, so it is an event of the feed. */
export const fixtures: Fixtures = {
  [path]: {
    create: async (t, authorization) => {
      const { id } = await fixtureWebhookEndpoint(t, authorization);
      const events = await listed<{ id: string; data: { object: { id: string } } }>(
        t,
        authorization,
        `${path}?type=webhook_endpoint.created&limit=100`,
      );
      const event = events.find((item) => item.data.object.id === id);
      assert.ok(event, 'the endpoint made an event');
      return { id: event.id };
    },
  },
};
