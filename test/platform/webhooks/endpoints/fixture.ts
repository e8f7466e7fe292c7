import assert from 'node:assert/strict';
import { WEBHOOK_ENDPOINTS } from '../../../../src/platform/webhooks/endpoints/resource.js';
import type { TestApp } from '../../../helpers/app.js';
import { call } from '../../../helpers/app.js';
import { createFixture, type Fixtures } from '../../../helpers/fixtures.js';

const path = `/v1${WEBHOOK_ENDPOINTS.path}`;

/**
 * The documented URL is a host name, which the SSRF check would resolve (this machine may have no DNS): a public IP
 * literal is checked without resolving.
 */
export const FIXTURE_WEBHOOK_ENDPOINT = {
  url: 'https://93.184.215.14/hooks/punchclock',
  enabledEvents: ['*'],
};

export function fixtureWebhookEndpoint(t: TestApp, authorization: string): Promise<Record<string, string>> {
  return createFixture(t, authorization, path, FIXTURE_WEBHOOK_ENDPOINT);
}

export const fixtures: Fixtures = {
  [path]: {
    create: (t, authorization) => fixtureWebhookEndpoint(t, authorization),
    body: async (_t, _authorization, operation) =>
      operation.method === 'POST' && operation.path === path
        ? FIXTURE_WEBHOOK_ENDPOINT
        : operation.bodyExample,
  },
  // A test ping queues a delivery to its endpoint.
  '/v1/webhook-deliveries': {
    create: async (t, authorization) => {
      const { id } = await fixtureWebhookEndpoint(t, authorization);
      const sent = await call<{ id: string }>(t, 'POST', `${path}/${id}/test`, {
        headers: { authorization },
      });
      assert.equal(sent.status, 200, sent.raw);
      return { id: sent.body.id };
    },
  },
};
