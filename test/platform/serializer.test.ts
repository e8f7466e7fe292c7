import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { build } from 'fast-json-stringify';
import { serializerSchema } from '../../src/platform/http/content.js';

const Thing = Type.Object({
  id: Type.String(),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When.' }),
  limit: Type.Union([Type.Integer(), Type.Null()]),
  ratio: Type.Union([Type.Null(), Type.Number()]),
  active: Type.Union([Type.Boolean(), Type.Null()]),
  kind: Type.Union([Type.Literal('a'), Type.Literal('b'), Type.Null()]),
  restrictions: Type.Union([Type.Record(Type.String(), Type.Array(Type.String())), Type.Null()]),
  nested: Type.Object({ note: Type.Union([Type.String(), Type.Null()]) }),
});

describe('response serializer schema', () => {
  test('nullable primitives become type lists; other unions and every required list are left as they are', () => {
    const schema = serializerSchema(Thing) as {
      properties: Record<string, Record<string, unknown>>;
      required?: unknown;
    };
    assert.equal(schema.required, undefined);
    assert.deepEqual(schema.properties.expiresAt, {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'When.',
    });
    assert.deepEqual(schema.properties.limit?.type, ['integer', 'null']);
    assert.deepEqual(schema.properties.ratio?.type, ['number', 'null']);
    assert.deepEqual(schema.properties.active?.type, ['boolean', 'null']);
    assert.ok(Array.isArray(schema.properties.kind?.anyOf), 'a union of literals keeps its anyOf');
    assert.ok(Array.isArray(schema.properties.restrictions?.anyOf), 'a nullable object keeps its anyOf');
    assert.deepEqual((schema.properties.nested as { properties: Record<string, unknown> }).properties.note, {
      type: ['string', 'null'],
    });
  });

  test('the collapsed schema writes the same JSON as the original', () => {
    const original = build(Thing as object);
    const collapsed = build(serializerSchema(Thing) as object);
    for (const value of [
      {
        id: 'a',
        expiresAt: '2026-12-04T09:27:49.876Z',
        limit: 30,
        ratio: 1.5,
        active: true,
        kind: 'b',
        restrictions: { employees: ['firstName'] },
        nested: { note: 'say "hi"\n' },
      },
      {
        id: 'b',
        expiresAt: null,
        limit: null,
        ratio: null,
        active: null,
        kind: null,
        restrictions: null,
        nested: { note: null },
      },
    ]) {
      assert.equal(collapsed(value), original(value));
      assert.deepEqual(JSON.parse(collapsed(value)), value);
    }
  });
});
