/**
 * One descriptor per resource (issue 10): everything that names a resource — the scope list, the fields a key may be
 * restricted to, the portal's permission matrix, the event catalogue and the OpenAPI document — must say what the
 * descriptors say, no more and no less. A list that is not derived from the descriptors would drift; this test is
 * what notices.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ResourceDescriptor } from '../../src/platform/descriptors/descriptor.js';
import { ResourceRegistry } from '../../src/platform/descriptors/registry.js';
import { documentedEventTypes, PING } from '../../src/platform/webhooks/catalogue.js';
import { eventTypesOf } from '../../src/platform/webhooks/events/service.js';
import { PERMISSION_MATRIX } from '../../src/portal/pages/api-keys/permissions.js';
import { RESOURCE_MODULES, RESOURCES } from '../../src/resources/registry.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  deref,
  fetchDocument,
  type Json,
  type OpenApiDocument,
  v1Operations,
} from '../openapi/openapi-document.js';

/** The operations of the document that serve this resource: those under its path (and its tag). */
function operationsOf(document: OpenApiDocument, resource: ResourceDescriptor) {
  return v1Operations(document).filter(
    ({ path }) => path === `/v1${resource.path}` || path.startsWith(`/v1${resource.path}/`),
  );
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `object` name a schema declares (`object: { const | enum }`), if it is an API object's schema. */
function objectNameOf(schema: Json): string | undefined {
  const properties = schema.properties;
  if (!isObject(properties) || !isObject(properties.object)) return undefined;
  const object = properties.object;
  const name = object.const ?? (Array.isArray(object.enum) ? object.enum[0] : undefined);
  return typeof name === 'string' ? name : undefined;
}

/** The schema the document gives this resource's objects, found in its GET responses (an object or a list). */
function objectSchemaOf(document: OpenApiDocument, resource: ResourceDescriptor): Json | undefined {
  for (const { method, op } of operationsOf(document, resource)) {
    if (method !== 'get') continue;
    const response = deref(document, op.responses?.['200'] ?? {});
    const schema = (response.content as Record<string, Json> | undefined)?.['application/json']?.schema;
    if (!isObject(schema)) continue;
    const data = isObject(schema.properties) ? schema.properties.data : undefined;
    const candidates = [schema, isObject(data) && isObject(data.items) ? data.items : undefined];
    for (const candidate of candidates) {
      if (isObject(candidate) && objectNameOf(candidate) === resource.object) return candidate;
      // The versions list carries its objects without ids: they are its `data` items.
      if (isObject(candidate) && candidate === candidates[1] && resource.idPrefix === null) return candidate;
    }
  }
  return undefined;
}

describe('every list that names a resource says what its descriptor says', () => {
  let t: TestApp;
  let document: OpenApiDocument;

  before(async () => {
    t = await createTestApp('sqlite');
    ({ document } = await fetchDocument(t));
  });
  after(() => t.close());

  test('the registry lists every resource the app serves, once, and the app hands exactly it to the platform', () => {
    assert.equal(t.app.context.resources, RESOURCES);
    assert.deepEqual(
      RESOURCES.resources,
      RESOURCE_MODULES.map((module) => module.resource),
    );
    const operationPaths = new Set(v1Operations(document).map(({ path }) => path));
    for (const path of operationPaths) {
      const owners: readonly ResourceDescriptor[] = RESOURCES.resources.filter(
        (resource) => path === `/v1${resource.path}` || path.startsWith(`/v1${resource.path}/`),
      );
      // /v1/webhook-deliveries/{id}/retry belongs to the webhook endpoints, under their tag.
      if (path.startsWith('/v1/webhook-deliveries/')) continue;
      assert.equal(owners.length, 1, `${path} belongs to exactly one resource`);
    }
  });

  test('scopes: the scope list, the docs and the portal matrix hold each scope of a descriptor, and no other', () => {
    const fromDescriptors = new Map(
      RESOURCES.resources.flatMap((resource) =>
        resource.scope ? [[resource.scope.name, resource.scope]] : [],
      ),
    );
    const expectedScopes = [...fromDescriptors.values()].flatMap((scope) =>
      scope.writable ? [`${scope.name}:read`, `${scope.name}:write`] : [`${scope.name}:read`],
    );
    assert.deepEqual([...RESOURCES.grantableScopes].sort(), expectedScopes.sort());
    assert.deepEqual(
      PERMISSION_MATRIX.map((row) => [row.resource, row.label, row.writable]),
      [...fromDescriptors.values()].map((scope) => [scope.name, scope.label, scope.writable]),
    );
    const description = (document.info as Json).description as string;
    const listed = /Scope resources: ([^.]+)\./.exec(description)?.[1] ?? '';
    assert.deepEqual(
      [...listed.matchAll(/`(\w+)`/g)].map((match) => match[1]),
      [...fromDescriptors.keys()],
    );
    for (const resource of RESOURCES.resources) {
      for (const { path, method, op } of operationsOf(document, resource)) {
        const scope = op['x-required-scope'];
        const where = `${method.toUpperCase()} ${path}`;
        if (resource.scope === null) {
          assert.ok(scope === null || scope === undefined, `${where} needs no scope`);
        } else {
          assert.ok(
            scope === `${resource.scope.name}:read` || scope === `${resource.scope.name}:write`,
            `${where} requires a scope of ${resource.scope.name}, not ${String(scope)}`,
          );
        }
      }
    }
  });

  test('fields: the document gives each object exactly its descriptor fields, and a restriction may name them', () => {
    for (const resource of RESOURCES.resources) {
      const schema = objectSchemaOf(document, resource);
      assert.ok(schema, `the document describes ${resource.object} objects`);
      const properties = Object.keys(schema.properties as Json).filter(
        (field) => field !== 'id' && field !== 'object',
      );
      assert.deepEqual(properties, [...resource.fields], `${resource.object}: fields, in order`);
      if (resource.restrictable && resource.scope) {
        const restrictable = RESOURCES.restrictableFields(resource.scope.name) ?? [];
        for (const field of resource.fields) {
          assert.ok(restrictable.includes(field), `${resource.scope.name} restrictions may name ${field}`);
        }
      }
    }
    for (const row of PERMISSION_MATRIX) {
      assert.deepEqual(
        row.fields,
        RESOURCES.restrictableFields(row.resource) ?? [],
        `matrix: ${row.resource}`,
      );
      const owners = RESOURCES.resources.filter(
        (resource) => resource.restrictable && resource.scope?.name === row.resource,
      );
      assert.deepEqual(
        new Set(row.fields),
        new Set(owners.flatMap((resource) => resource.fields)),
        `matrix: ${row.resource} offers the fields of its restrictable resources`,
      );
    }
  });

  test('ids: every operation takes and returns ids with the prefix of its resource', () => {
    for (const resource of RESOURCES.resources) {
      if (resource.idPrefix === null) continue;
      const schema = objectSchemaOf(document, resource);
      const id = (schema?.properties as Json | undefined)?.id as Json | undefined;
      assert.equal(id?.pattern, `^${resource.idPrefix}_[0-9A-HJKMNP-TV-Z]{26}$`, resource.object);
      for (const { path, op } of operationsOf(document, resource)) {
        for (const parameter of (op.parameters ?? []).map((p) => deref(document, p))) {
          if (parameter.in !== 'path' || parameter.name !== 'id') continue;
          assert.equal((parameter.schema as Json).pattern, id?.pattern, `${path}: {id}`);
        }
      }
    }
  });

  test('events: the catalogue, the webhooks section and the feed filter hold each event of a descriptor', () => {
    const expected = RESOURCES.resources.flatMap((resource) => [
      ...(resource.events?.changes
        ? ['created', 'updated', 'deleted'].map((change) => `${resource.object}.${change}`)
        : []),
      ...Object.keys(resource.events?.domain ?? {}).map((name) => `${resource.object}.${name}`),
    ]);
    assert.deepEqual(RESOURCES.events.map((event) => event.type).sort(), [...expected].sort());
    const webhooks = document.webhooks as Record<string, { post: { requestBody: Json } }>;
    assert.deepEqual(Object.keys(webhooks).sort(), [...expected, PING].sort());
    assert.deepEqual(documentedEventTypes(RESOURCES).sort(), [...expected, PING].sort());
    for (const event of RESOURCES.events) {
      assert.deepEqual(
        eventTypesOf(RESOURCES, event.type, { scopes: ['*'], fieldRestrictions: null }),
        [event.type],
        `the feed filters by ${event.type}`,
      );
      const operation = webhooks[event.type]?.post;
      assert.ok(operation, `the webhooks section documents ${event.type}`);
      const media = (operation.requestBody.content as Record<string, Json>)['application/json'] as Json;
      const data = ((media.schema as Json).properties as Json).data as Json;
      const object = (data.properties as Json).object as Json;
      const resolved = deref(document, object);
      assert.equal(
        objectNameOf(resolved),
        event.resource.object,
        `${event.type} carries ${event.resource.object}`,
      );
      if (event.description !== null) {
        assert.ok(
          String((operation as Json).description).startsWith(event.description),
          `${event.type}: its description`,
        );
      }
    }
  });

  test('tags: the docs declare each descriptor tag once and tag every operation of the resource with it', () => {
    assert.deepEqual(
      document.tags?.map((tag) => [tag.name, tag.description]),
      RESOURCES.tags.map((tag) => [tag.name, tag.description]),
    );
    for (const resource of RESOURCES.resources) {
      const operations = operationsOf(document, resource);
      assert.ok(operations.length > 0, `${resource.path} has operations`);
      for (const { path, op } of operations) assert.deepEqual(op.tags, [resource.tag.name], path);
    }
  });

  test('the registry refuses descriptors that contradict each other', () => {
    const [first, second] = RESOURCES.resources as [ResourceDescriptor, ResourceDescriptor];
    assert.throws(() => new ResourceRegistry([first, { ...second, object: first.object }]), /object name/);
    assert.throws(() => new ResourceRegistry([first, { ...second, path: first.path }]), /path/);
    assert.throws(() => new ResourceRegistry([first, { ...second, idPrefix: first.idPrefix }]), /id prefix/);
    assert.throws(
      () =>
        new ResourceRegistry([
          first,
          { ...second, scope: first.scope && { ...first.scope, label: `${first.scope.label}!` } },
        ]),
      /declared twice, differently/,
    );
    assert.throws(() => new ResourceRegistry([{ ...first, fields: [...first.fields, 'id'] }]), /fields/);
  });
});
