/**
 * The top-level `webhooks` section of the OpenAPI 3.1 document (issue 5): one entry per event type, a POST whose
 * body is the event, so code generators and readers get every payload. An event's `data.object` is described by the
 * schema the API itself returns that object with, read from the document's own operations: the payloads cannot
 * drift from the API.
 */

import type { ResourceRegistry } from '../descriptors/registry.js';
import { responseExample } from '../openapi/examples.js';
import { documentedEventTypes, eventDescription, PING, PING_OBJECT } from './catalogue.js';

type Json = Record<string, unknown>;

const TAG = 'Webhook endpoints';

const SIGNATURE_HEADERS: Json[] = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: 'The event id (`evt_...`): the same on every retry, so receivers can drop duplicates.',
    schema: { type: 'string', examples: ['evt_01JD2X6Y3Z4A5B6C7D8E9F0G1H'] },
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'When this attempt was signed, in Unix seconds; refuse deliveries too far from your clock.',
    schema: { type: 'string', examples: ['1793628191'] },
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">` keyed with the endpoint secret (Standard Webhooks; the `standardwebhooks` libraries verify it). During the 24 hours after a rotation it holds two signatures separated by a space, one per secret.',
    schema: { type: 'string', examples: ['v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='] },
  },
];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `object` name a schema of an API object declares (`employee` for `object: { enum: ['employee'] }`). */
function objectNameOf(schema: Json): string | undefined {
  const properties = schema.properties;
  if (!isObject(properties) || 'deleted' in properties || !isObject(properties.object)) return undefined;
  const name = properties.object.const ?? (properties.object.enum as unknown[] | undefined)?.[0];
  return typeof name === 'string' ? name : undefined;
}

/** `time_off` → `TimeOff`: the component name of an object's schema. */
function componentName(objectName: string): string {
  return objectName
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The schema of every API object, by `object` name, from the 2xx responses of the document's /v1 operations —
 * reads first, so an object's plain shape wins over a variant a write returns (an endpoint with its secret).
 */
function objectSchemas(document: Json): Map<string, Json> {
  const operations = Object.entries((document.paths ?? {}) as Record<string, Record<string, Json>>)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([, item]) => Object.entries(item))
    .sort(([a], [b]) => Number(b === 'get') - Number(a === 'get'));
  const schemas = new Map<string, Json>();
  for (const [, op] of operations) {
    for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
      if (!status.startsWith('2')) continue;
      const content = response.content as Record<string, Json> | undefined;
      const schema = content?.['application/json']?.schema;
      if (!isObject(schema)) continue;
      const data = isObject(schema.properties) ? schema.properties.data : undefined;
      for (const candidate of [schema, isObject(data) ? data.items : undefined]) {
        if (!isObject(candidate)) continue;
        const name = objectNameOf(candidate);
        if (name && !schemas.has(name)) schemas.set(name, candidate);
      }
    }
  }
  return schemas;
}

/** The object an event of this type carries: its resource's; a `ping` carries the endpoint it tests. */
function objectOfType(registry: ResourceRegistry, type: string): string {
  return type === PING ? PING_OBJECT : (registry.event(type)?.resource.object ?? type.split('.')[0] ?? '');
}

function describeType(registry: ResourceRegistry, type: string): string {
  const described = eventDescription(registry, type);
  if (described !== undefined) return described;
  const [object = '', change] = type.split('.');
  const noun = object.replaceAll('_', ' ');
  const article = /^[aeiou]/.test(noun) ? 'An' : 'A';
  if (change === 'created') return `${article} ${noun} was created; \`data.object\` is the new ${noun}.`;
  if (change === 'updated') {
    return `${article} ${noun} changed; \`data.object\` is the ${noun} after the change and \`data.previousAttributes\` holds the previous values of the attributes that changed.`;
  }
  return `${article} ${noun} was deleted; \`data.object\` is the ${noun} as it was just before.`;
}

function whoReceives(type: string): string {
  return type === PING
    ? 'POSTed only to the endpoint named in `POST /v1/webhook-endpoints/{id}/test`.'
    : `POSTed to every enabled endpoint whose \`enabledEvents\` include \`${type}\` (or \`*\`).`;
}

/** `time_off.approved` → `timeOffApprovedEvent`. */
function operationIdOf(type: string): string {
  const words = type.split(/[._]/);
  return `${words[0]}${words
    .slice(1)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')}Event`;
}

/**
 * Adds each API object's schema to `components.schemas` (by its PascalCase name) and returns the `webhooks`
 * section. `eventSchema` is the event object as the feed documents it; each type narrows its `type` and `data`.
 */
export function webhooksSection(document: Json, registry: ResourceRegistry): Json {
  const schemas = objectSchemas(document);
  const eventSchema = schemas.get('event');
  // Without the events routes (never in the real app) there is no event schema to build on; the OpenAPI test
  // asserts the section is complete, where throwing here would take /openapi.json down.
  if (!eventSchema) return {};
  const components = (document.components ?? {}) as Json;
  const componentSchemas = (components.schemas ?? {}) as Json;
  components.schemas = componentSchemas;
  document.components = components;

  const section: Json = {};
  for (const type of documentedEventTypes(registry)) {
    const object = objectOfType(registry, type);
    const objectSchema = schemas.get(object);
    const ref = `#/components/schemas/${componentName(object)}`;
    if (objectSchema) componentSchemas[componentName(object)] = objectSchema;
    const base = structuredClone(eventSchema);
    const properties = base.properties as Json;
    const data = structuredClone(properties.data) as Json & { properties: Json; required?: string[] };
    data.properties.object = objectSchema ? { $ref: ref } : data.properties.object;
    if (type.endsWith('.updated')) {
      // The feed's example names an employee's attribute; every object has `updatedAt`.
      const previous = data.properties.previousAttributes as Json;
      data.properties.previousAttributes = {
        ...previous,
        examples: [{ updatedAt: '2026-11-01T09:12:44.120Z' }],
      };
    } else {
      delete data.properties.previousAttributes;
    }
    data.required = type.endsWith('.updated') ? ['object', 'previousAttributes'] : ['object'];
    properties.type = { type: 'string', enum: [type], description: 'The event type.' };
    properties.data = data;
    const schema = { ...base, description: describeType(registry, type) };
    section[type] = {
      post: {
        operationId: operationIdOf(type),
        summary: type,
        description: `${describeType(registry, type)}\n\n${whoReceives(type)} Answer with any 2xx within 15 seconds; anything else is retried.`,
        tags: [TAG],
        security: [],
        parameters: SIGNATURE_HEADERS,
        requestBody: {
          required: true,
          description:
            'The event, its object rendered in the API version the endpoint pins (or the account’s).',
          content: { 'application/json': { schema, example: responseExample(schema, document) } },
        },
        responses: {
          '200': {
            description:
              'Any 2xx acknowledges the delivery. Other statuses and timeouts are retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; `410 Gone` disables the endpoint.',
          },
        },
      },
    };
  }
  return section;
}
