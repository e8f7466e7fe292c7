import { ERROR_CATALOGUE, type ErrorCode } from '../errors/catalogue.js';
import { resolve } from './examples.js';

type Json = Record<string, unknown>;

/** Query parameters every list takes: they never name a field, so they never meet a field restriction. */
const PAGING_PARAMETERS: ReadonlySet<string> = new Set(['limit', 'startingAfter', 'endingBefore']);

/** What an operation is made of, as far as its possible errors go. */
export interface OperationShape {
  /** Lower case, as in the document (`get`, `post`, ...). */
  readonly method: string;
  /** `/v1/employees/{id}`. */
  readonly path: string;
  /** Needs an API key. */
  readonly secured: boolean;
  /** Needs a scope (`x-required-scope` is a string), not just any valid key. */
  readonly scoped: boolean;
  /** Query parameters beyond paging (filters, `search`). */
  readonly filters: boolean;
  /** A query parameter names an object by id (`payPeriodId`): some lists answer 404 when it does not exist. */
  readonly idFilters: boolean;
  /** The JSON request body schema; its $refs point into `document`. */
  readonly body: Json | undefined;
  readonly document: Json;
  /** The codes the operation's own rules answer with (`x-error-codes` on the route). */
  readonly declared: readonly ErrorCode[];
}

/**
 * Every error code an operation can answer with: those of every operation of its shape, plus the ones its own
 * rules declare. The fuzzer (test/fuzz) fails on any code an operation answers with that is not listed here.
 */
export function operationErrorCodes(op: OperationShape): ErrorCode[] {
  // Node's HTTP parser refuses a request before any route is known (see platform/http/client-errors.ts): an
  // unparseable request line is parameter_invalid, the other two are its own.
  const codes = new Set<ErrorCode>([
    'parameter_invalid',
    'invalid_api_version',
    'request_timeout',
    'rate_limited',
    'request_header_too_large',
    'internal_error',
  ]);
  // Every method but GET reads a body when one is sent, body schema or not (Fastify parses it before routing on).
  if (op.method !== 'get') codes.add('body_invalid_json').add('body_too_large').add('unsupported_media_type');
  if (op.path.includes('{')) codes.add('uri_too_long').add('resource_not_found');
  if (op.secured) {
    for (const code of [
      'api_key_missing',
      'api_key_invalid',
      'api_key_revoked',
      'api_key_expired',
      'api_key_owner_inactive',
      'api_access_disabled',
    ] as const) {
      codes.add(code);
    }
    if (op.method !== 'get') codes.add('daily_write_cap');
  }
  if (op.scoped) {
    codes.add('missing_scope');
    // A field restriction refuses a body or a filter that names a field the key may not touch.
    if (op.body !== undefined || op.filters) codes.add('field_not_permitted');
  }
  // Idempotency-Key is taken on POST and PATCH.
  if (op.method === 'post' || op.method === 'patch') {
    codes.add('idempotency_key_reused').add('idempotency_key_in_use');
  }
  // A body naming another object by id (an employeeId, locationIds) is 404 when it does not exist.
  if (op.body !== undefined && referencesIds(op.body, op.document)) codes.add('resource_not_found');
  if (op.idFilters) codes.add('resource_not_found');
  for (const code of op.declared) codes.add(code);
  return [...codes];
}

/** The codes grouped by their status, statuses in ascending order. */
export function codesByStatus(codes: readonly ErrorCode[]): Map<string, ErrorCode[]> {
  const byStatus = new Map<string, ErrorCode[]>();
  const ordered = Object.keys(ERROR_CATALOGUE).filter((code) =>
    codes.includes(code as ErrorCode),
  ) as ErrorCode[];
  for (const code of ordered) {
    const status = String(ERROR_CATALOGUE[code].status);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => Number(a) - Number(b)));
}

/** Whether a schema has a string field constrained to an object id (`^emp_…$`), following its $refs once each. */
function referencesIds(schema: unknown, document: Json, seen: Set<string> = new Set()): boolean {
  if (Array.isArray(schema)) return schema.some((item) => referencesIds(item, document, seen));
  if (schema === null || typeof schema !== 'object') return false;
  const node = schema as Json;
  if (typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) return false;
    seen.add(node.$ref);
    return referencesIds(resolve(node, document), document, seen);
  }
  if (typeof node.pattern === 'string' && /^\^[a-z]+_/.test(node.pattern)) return true;
  return Object.values(node).some((value) => referencesIds(value, document, seen));
}

/** Whether an operation's query parameters include one constrained to an object id. */
export function hasIdFilters(parameters: readonly Json[], document: Json): boolean {
  return parameters.some((param) => param.in === 'query' && referencesIds(param.schema, document));
}

/** Whether an operation's parameters include a filter (any query parameter but the paging ones). */
export function hasFilters(parameters: readonly Json[]): boolean {
  return parameters.some(
    (param) => param.in === 'query' && typeof param.name === 'string' && !PAGING_PARAMETERS.has(param.name),
  );
}
