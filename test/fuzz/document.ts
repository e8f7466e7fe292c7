/**
 * What the fuzzer knows about the API, read from the app's own OpenAPI document and nothing else: every /v1
 * operation (discovered as the security suite does, see test/helpers/security-suite.ts), its parameters and body
 * schema, and per status the documented response — the error codes it lists (`x-error-codes`) and, for a 2xx, an
 * Ajv validator of its body. A status or code the document does not list is a finding, never a fuzzer default.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { TestApp } from '../helpers/app.js';
import { type DocumentedOperation, documentedOperations } from '../helpers/security-suite.js';
import { fetchDocument, type Json, type OpenApiDocument } from '../openapi/openapi-document.js';

// ajv-formats is CommonJS with an `export =`; under NodeNext its default import is the module object.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

export interface ParameterSpec {
  readonly name: string;
  readonly in: 'query' | 'path' | 'header';
  readonly required: boolean;
  /** With every `$ref` inlined. */
  readonly schema: Json;
}

export interface DocumentedResponse {
  readonly status: number;
  /** `x-error-codes` of an error response, when the document lists them. */
  readonly codes: readonly string[] | undefined;
  /** Validates a 2xx body against the documented schema; undefined when the response documents no JSON body. */
  readonly validate: ValidateFunction | undefined;
}

export interface FuzzOperation {
  /** `PATCH /v1/employees/{id}`. */
  readonly label: string;
  readonly method: DocumentedOperation['method'];
  readonly path: string;
  /** The security suite's view of the operation (scope, path parameters, resource path, body example). */
  readonly documented: DocumentedOperation;
  readonly query: readonly ParameterSpec[];
  readonly pathParams: readonly ParameterSpec[];
  /** The JSON request body schema with `$ref`s inlined; undefined for body-less operations. */
  readonly bodySchema: Json | undefined;
  /** Media types the document lists for the body (`application/json`, on PATCH also merge-patch). */
  readonly bodyMediaTypes: readonly string[];
  /** True when the body is valid by the document's own schema. */
  readonly bodyIsValid: ((body: unknown) => boolean) | undefined;
  readonly responses: ReadonlyMap<number, DocumentedResponse>;
}

export interface FuzzDocument {
  readonly document: OpenApiDocument;
  readonly operations: readonly FuzzOperation[];
  /** Validates an error body against `components.schemas.Error`. */
  readonly validateError: ValidateFunction;
}

/** Resolves every local `$ref` (`#/components/...`) into a copy of the node, so each schema stands alone. */
function inline(document: OpenApiDocument, node: unknown, depth = 0): unknown {
  if (depth > 64) throw new Error('The document nests $refs more than 64 deep (a cycle?).');
  if (Array.isArray(node)) return node.map((item) => inline(document, item, depth + 1));
  if (typeof node !== 'object' || node === null) return node;
  const object = node as Json;
  if (typeof object.$ref === 'string') {
    let target: unknown = document;
    for (const part of object.$ref.replace(/^#\//, '').split('/')) {
      target = (target as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (target === undefined) throw new Error(`Unresolvable $ref ${object.$ref}`);
    const { $ref: _ref, ...siblings } = object;
    return { ...(inline(document, target, depth + 1) as Json), ...siblings };
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(object)) out[key] = inline(document, value, depth + 1);
  return out;
}

/** One Ajv for the whole document: strict off (OpenAPI keywords such as `example`), formats on. */
function newAjv(): Ajv {
  return addFormats(new Ajv({ strict: false, allErrors: false, validateFormats: true }));
}

/** Reads the app's document (GET /openapi.json, as a client would) and prepares every /v1 operation. */
export async function loadFuzzDocument(t: TestApp): Promise<FuzzDocument> {
  const { document } = await fetchDocument(t);
  const ajv = newAjv();
  const errorSchema = (document.components.schemas as Json | undefined)?.Error;
  if (!errorSchema) throw new Error('The document has no components.schemas.Error.');
  const validateError = ajv.compile(inline(document, errorSchema) as Json);

  const operations = documentedOperations(t).map((documented): FuzzOperation => {
    const raw = document.paths[documented.path]?.[documented.method.toLowerCase()];
    if (!raw) throw new Error(`${documented.label} is not in /openapi.json.`);
    const op = inline(document, raw) as Json;
    const parameters = ((op.parameters as Json[] | undefined) ?? []).map(
      (parameter): ParameterSpec => ({
        name: parameter.name as string,
        in: parameter.in as ParameterSpec['in'],
        required: parameter.required === true,
        schema: (parameter.schema as Json | undefined) ?? {},
      }),
    );
    const content = ((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
    const bodySchema = content['application/json']?.schema as Json | undefined;
    const validateBody = bodySchema ? ajv.compile(bodySchema) : undefined;
    const responses = new Map<number, DocumentedResponse>();
    for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
      const schema = (
        (response.content as Record<string, Json> | undefined)?.['application/json'] as Json | undefined
      )?.schema as Json | undefined;
      const numeric = Number(status);
      responses.set(numeric, {
        status: numeric,
        codes: Array.isArray(response['x-error-codes']) ? (response['x-error-codes'] as string[]) : undefined,
        validate: schema && numeric < 300 ? ajv.compile(schema) : undefined,
      });
    }
    return {
      label: documented.label,
      method: documented.method,
      path: documented.path,
      documented,
      query: parameters.filter((parameter) => parameter.in === 'query'),
      pathParams: parameters.filter((parameter) => parameter.in === 'path'),
      bodySchema,
      bodyMediaTypes: Object.keys(content),
      bodyIsValid: validateBody ? (body) => validateBody(body) === true : undefined,
      responses,
    };
  });
  return { document, operations, validateError };
}

/** Ajv's first complaint, for a failure report. */
export function firstError(validate: ValidateFunction): string {
  const error = validate.errors?.[0];
  if (!error) return 'invalid';
  return `${error.instancePath || '(root)'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;
}
