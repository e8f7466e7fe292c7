import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import contentType from 'fast-content-type-parse';
import { build as buildSerializer } from 'fast-json-stringify';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { nulParam } from './text.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** What the API reads: JSON (RFC 8259), and on PATCH a JSON merge patch (RFC 7396), which is what our PATCH means. */
export const JSON_MEDIA_TYPE = 'application/json';
export const MERGE_PATCH_MEDIA_TYPE = 'application/merge-patch+json';

/**
 * Why a request body's Content-Type is refused (415), or null. Media-type parameters are part of the header (RFC
 * 9110 §8.3.1): a `charset` must be UTF-8, the only encoding of JSON between systems (RFC 8259 §8.1), in any case;
 * other parameters mean nothing to JSON and are ignored.
 */
export function contentTypeRefusal(method: string, header: string | undefined): ApiError | null {
  const { type, parameters } = contentType.safeParse(header ?? '');
  if (type === MERGE_PATCH_MEDIA_TYPE && method !== 'PATCH') {
    return new ApiError(
      'unsupported_media_type',
      `Content-Type "${MERGE_PATCH_MEDIA_TYPE}" is accepted on PATCH requests only; send ${JSON_MEDIA_TYPE}.`,
    );
  }
  if (type !== JSON_MEDIA_TYPE && type !== MERGE_PATCH_MEDIA_TYPE) return unsupportedMediaType(header);
  const charset = parameters.charset;
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    return new ApiError(
      'unsupported_media_type',
      `The charset "${charset}" is not supported; JSON bodies must be UTF-8 (charset=utf-8, or none).`,
    );
  }
  return null;
}

/** 400 for a NUL character in a field or a query or path parameter. */
export function nulRefusal(param: string, where: 'field' | 'query parameter' | 'path parameter'): ApiError {
  const named = param === '' ? 'The request body' : `The ${where} "${param}"`;
  return new ApiError(
    'parameter_invalid',
    `${named} contains a NUL character (\\u0000), which text cannot hold.`,
    param === '' ? {} : { param },
  );
}

/**
 * Query and path parameters with a NUL character are refused before any route reads them (see nulParam); a root
 * hook, so the portal's forms and the docs are covered too.
 */
export function registerNulCheck(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const query = nulParam(request.query);
    if (query !== null) return done(nulRefusal(query, 'query parameter'));
    const params = nulParam(request.params);
    if (params !== null) return done(nulRefusal(params, 'path parameter'));
    done();
  });
}

/** 415 for a Content-Type the API does not read (or none, on a request with a body). */
export function unsupportedMediaType(header: string | undefined): ApiError {
  const named = header === undefined || header.trim() === '' ? 'No Content-Type' : `Content-Type "${header}"`;
  return new ApiError(
    'unsupported_media_type',
    `${named} is not supported; send ${JSON_MEDIA_TYPE} (or ${MERGE_PATCH_MEDIA_TYPE} on PATCH).`,
  );
}

/**
 * JSON bodies: an empty body is "no body" (some clients send Content-Type on DELETE), anything else must parse.
 * Fastify hands a parser the bodies whose media type (parameters aside) it was registered for; other media types
 * are refused with 415 before reaching a route (see the error handler).
 */
export function registerJsonParser(app: FastifyInstance): void {
  // The API speaks JSON only; Fastify's default text/plain parser would let other bodies reach validation.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    [JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE],
    { parseAs: 'string' },
    (request, body, done) => {
      const refusal = contentTypeRefusal(request.method, request.headers['content-type']);
      if (refusal) return done(refusal, undefined);
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      try {
        const parsed: unknown = JSON.parse(text, (key, value: unknown) => {
          // Refuse prototype pollution attempts outright rather than silently dropping them.
          if (key === '__proto__' || key === 'constructor') throw new SyntaxError(`forbidden key "${key}"`);
          return value;
        });
        const nul = nulParam(parsed);
        if (nul !== null) return done(nulRefusal(nul, 'field'), undefined);
        done(null, parsed);
      } catch (error) {
        const detail = error instanceof Error ? error.message : 'invalid JSON';
        done(new ApiError('body_invalid_json', `The request body is not valid JSON (${detail}).`), undefined);
      }
    },
  );
}

type JsonSchema = Record<string, unknown>;

const PRIMITIVE_TYPES: ReadonlySet<unknown> = new Set(['string', 'number', 'integer', 'boolean']);

/**
 * A nullable primitive (`anyOf: [{ type: 'string', … }, { type: 'null' }]`, how TypeBox writes `T | null`) as the
 * equivalent `type: ['string', 'null']`. fast-json-stringify serializes an `anyOf` by running a validator for each
 * branch; a type list is a `typeof` check, about eight times faster on every nullable field of every response.
 * Branches with `const` or `enum` keep their `anyOf` (the serializer may rely on those).
 */
function collapsedNullable(node: JsonSchema): JsonSchema | null {
  const branches = node.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return null;
  const nullIndex = branches.findIndex(
    (branch: JsonSchema) => branch?.type === 'null' && Object.keys(branch).length === 1,
  );
  const other = branches[1 - nullIndex] as JsonSchema | undefined;
  if (nullIndex === -1 || !other || !PRIMITIVE_TYPES.has(other.type) || 'const' in other || 'enum' in other) {
    return null;
  }
  const { anyOf: _anyOf, ...outer } = node;
  return { ...other, ...outer, type: [other.type, 'null'] };
}

/**
 * The schema a response serializer is built from: `required` removed recursively (response schemas document
 * required fields, but field restrictions may drop them) and nullable primitives collapsed (see above).
 */
export function serializerSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(serializerSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = collapsedNullable(schema as JsonSchema) ?? (schema as JsonSchema);
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'required' && Array.isArray(value)) continue;
    out[key] = serializerSchema(value);
  }
  return out;
}

/** Response schemas are the serializer: fast-json-stringify writes only the documented fields. */
export function registerResponseSerializer(app: FastifyInstance): void {
  app.setSerializerCompiler(({ schema }) => {
    const serialize = buildSerializer(serializerSchema(schema) as Parameters<typeof buildSerializer>[0]);
    return (data) => serialize(data);
  });
}

// ajv-formats is CommonJS with an `export =`; under NodeNext its default import is the module object.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

export function validator(coerceTypes: 'array' | false): Ajv {
  return addFormats(
    new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false }),
  );
}

/**
 * Two validators. Query strings, path and header parameters arrive as text, so they are coerced ("25" → 25,
 * "true" → true). JSON bodies are not: coercion would silently rewrite what the client sent — with nullable
 * fields (anyOf [number, null]) Ajv turns `null` into `0` before trying the null branch.
 */
export function registerValidators(app: FastifyInstance): void {
  const coercing = validator('array');
  const strict = validator(false);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strict.compile(schema) : decimalNumbers(schema, coercing.compile(schema)),
  );
}

/** How a number is written in a query or a path: decimal digits, a sign and a fraction where the type allows. */
const DECIMAL: Record<'integer' | 'number', RegExp> = {
  integer: /^-?\d+$/,
  number: /^-?\d+(\.\d+)?$/,
};

function numericType(schema: unknown): 'integer' | 'number' | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const node = schema as JsonSchema;
  if (node.type === 'integer' || node.type === 'number') return node.type;
  const branches = Array.isArray(node.anyOf) ? (node.anyOf as unknown[]) : [];
  const types = branches.map(numericType);
  return types.includes('number') ? 'number' : types.includes('integer') ? 'integer' : undefined;
}

/**
 * Text parameters are coerced to numbers the way JavaScript's Number() reads them, which takes `0x10`, `1e2` and
 * ` 5`; a parameter documented as a number must be written in decimal (400 naming it otherwise), then Ajv coerces.
 */
function decimalNumbers(schema: unknown, validate: ValidateFunction): ValidateFunction {
  const properties = ((schema as JsonSchema | null)?.properties ?? {}) as Record<string, unknown>;
  const numeric = Object.entries(properties).flatMap(([name, property]) => {
    const type = numericType(property);
    return type ? [{ name, type }] : [];
  });
  if (numeric.length === 0) return validate;
  const checked = ((data: Record<string, unknown> | null, context?: Parameters<ValidateFunction>[1]) => {
    for (const { name, type } of numeric) {
      const value = data?.[name];
      if (typeof value === 'string' && !DECIMAL[type].test(value)) {
        checked.errors = [
          {
            instancePath: `/${name}`,
            schemaPath: `#/properties/${name}/type`,
            keyword: 'type',
            params: { type },
            message:
              type === 'integer' ? 'must be a whole number in decimal digits' : 'must be a decimal number',
          },
        ];
        return false;
      }
    }
    const valid = validate(data, context);
    checked.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  // Fastify passes the parent object to validators that have one, so Ajv can coerce the value in place.
  return Object.assign(checked, { schemaEnv: validate.schemaEnv });
}
