import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { documentedEventTypes, eventDescription } from '../../../src/platform/webhooks/catalogue.js';
import { RESOURCES } from '../../../src/resources/registry.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { fetchDocument, type Json, type OpenApiDocument } from '../../openapi/openapi-document.js';

interface WebhookOperation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody: { content: { 'application/json': { schema: Json; example: Json } } };
  responses: Record<string, Json>;
}

const EVENT_TYPES = documentedEventTypes(RESOURCES);
/** The domain events and `ping`, with what they mean. */
const DOMAIN_EVENTS = Object.fromEntries(
  EVENT_TYPES.flatMap((type) => {
    const description = eventDescription(RESOURCES, type);
    return description === undefined ? [] : [[type, description]];
  }),
);

describe('the webhooks section of /openapi.json', () => {
  let t: TestApp;
  let document: OpenApiDocument;
  let webhooks: Record<string, { post: WebhookOperation }>;
  const schemas = () => document.components.schemas as Record<string, Json>;

  before(async () => {
    t = await createTestApp('sqlite');
    ({ document } = await fetchDocument(t));
    webhooks = document.webhooks as typeof webhooks;
  });
  after(() => t.close());

  test('describes every event type with a POST of its event, signed per Standard Webhooks', () => {
    assert.deepEqual(Object.keys(webhooks).sort(), [...EVENT_TYPES].sort());
    const tags = new Set((document.tags ?? []).map((tag) => tag.name));
    const operationIds = new Set<string>();
    for (const type of EVENT_TYPES) {
      const op = webhooks[type]?.post as WebhookOperation;
      assert.ok(op, type);
      assert.equal(op.summary, type);
      assert.ok(
        op.tags.every((tag) => tags.has(tag)),
        type,
      );
      assert.ok(!operationIds.has(op.operationId), op.operationId);
      operationIds.add(op.operationId);
      assert.deepEqual(
        op.parameters.map((p) => [p.name, p.in, p.required]),
        [
          ['webhook-id', 'header', true],
          ['webhook-timestamp', 'header', true],
          ['webhook-signature', 'header', true],
        ],
      );
      const { schema, example } = op.requestBody.content['application/json'];
      const properties = schema.properties as Record<string, Json>;
      assert.deepEqual(properties.type?.enum, [type]);
      assert.equal(example.type, type);
      assert.equal(example.object, 'event');
      assert.ok(op.responses['200'], type);
    }
  });

  test('descriptions come from the catalogue for domain events', () => {
    for (const [type, description] of Object.entries(DOMAIN_EVENTS)) {
      assert.ok(webhooks[type]?.post.description.startsWith(description), type);
    }
    assert.match(webhooks['time_entry.deleted']?.post.description ?? '', /^A time entry was deleted/);
    assert.match(webhooks['employee.created']?.post.description ?? '', /^An employee was created/);
  });

  test('data.object is the schema the API returns the object with; only updates carry previousAttributes', () => {
    const dataOf = (type: string) => {
      const op = webhooks[type]?.post;
      assert.ok(op, type);
      const properties = op.requestBody.content['application/json'].schema.properties as Record<string, Json>;
      return properties.data as { properties: Record<string, Json>; required: string[] };
    };
    for (const [type, component] of [
      ['employee.created', 'Employee'],
      ['time_off.approved', 'TimeOff'],
      ['punch.clock_in', 'Punch'],
      ['api_key.rolled', 'ApiKey'],
      ['webhook_endpoint.disabled', 'WebhookEndpoint'],
      ['ping', 'WebhookEndpoint'],
    ] as const) {
      assert.equal(dataOf(type).properties.object?.$ref, `#/components/schemas/${component}`, type);
      const properties = schemas()[component]?.properties as Record<string, Json> | undefined;
      assert.ok(properties, component);
    }
    assert.deepEqual(dataOf('shift.updated').required, ['object', 'previousAttributes']);
    assert.deepEqual(dataOf('shift.created').required, ['object']);
    assert.equal('previousAttributes' in dataOf('shift.deleted').properties, false);
    // The endpoint a ping or an endpoint event carries never includes its secret.
    const endpoint = schemas().WebhookEndpoint;
    assert.ok(endpoint);
    assert.equal('secret' in (endpoint.properties as Json), false);
  });
});
