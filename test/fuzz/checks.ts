/**
 * The per-response rules of the fuzzer — what "every request gets a documented answer" means, checked on each one:
 *
 *   no-answer            the connection failed or timed out before a complete response (a 413 lost mid-upload, ...);
 *   5xx                  any server error;
 *   request-id           a response without `X-Request-Id: req_...`;
 *   envelope             a non-2xx whose body is not `{"error":{type,code,message,requestId[,param]}}` (Ajv against
 *                        components.schemas.Error, no other keys, JSON content type), or whose requestId is not the
 *                        header's;
 *   undocumented-status  a status the operation's `responses` do not list;
 *   code-status          an error code whose catalogue status or type is not the response's;
 *   undocumented-code    a code outside the operation's `x-error-codes` for that status (or, without them, outside
 *                        the catalogue codes of that status);
 *   schema               a 2xx body that does not validate against the operation's documented response schema;
 *   accepted-invalid     a 2xx to a request the contract says must be refused (a body the document's own schema
 *                        rejects, a bad id, a bad key, a wrong media type, NUL, ...);
 *   cross-account        a 2xx to account B's key naming account A's object.
 */
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/platform/errors/catalogue.js';
import { type FuzzDocument, firstError } from './document.js';
import { isWireError, type WireOutcome } from './http.js';
import type { FuzzRequest } from './requests.js';

export type CheckName =
  | 'no-answer'
  | '5xx'
  | 'request-id'
  | 'envelope'
  | 'undocumented-status'
  | 'code-status'
  | 'undocumented-code'
  | 'schema'
  | 'accepted-invalid'
  | 'cross-account'
  | 'stored-change'
  | 'webhooks';

export interface Violation {
  readonly check: CheckName;
  readonly detail: string;
}

const REQUEST_ID = /^req_[0-9A-HJKMNP-TV-Z]{26}$/;
const ENVELOPE_KEYS = new Set(['type', 'code', 'message', 'param', 'requestId']);

function header(outcome: { headers: Record<string, unknown> }, name: string): string | undefined {
  const value = outcome.headers[name];
  return Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : undefined;
}

/** The error code of a response, when it carries one (for the counts). */
export function errorCodeOf(outcome: WireOutcome): string | undefined {
  if (isWireError(outcome) || outcome.status < 400) return undefined;
  try {
    const code = (JSON.parse(outcome.text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : '(no code)';
  } catch {
    return '(not JSON)';
  }
}

export function checkResponse(
  document: FuzzDocument,
  request: FuzzRequest,
  outcome: WireOutcome,
): Violation[] {
  if (isWireError(outcome)) return [{ check: 'no-answer', detail: outcome.error }];
  const violations: Violation[] = [];
  const fail = (check: CheckName, detail: string) => violations.push({ check, detail });
  const { status } = outcome;
  const operation = request.operation;

  if (status >= 500) fail('5xx', `HTTP ${status}`);
  const requestId = header(outcome, 'x-request-id');
  if (!requestId || !REQUEST_ID.test(requestId))
    fail('request-id', `X-Request-Id is ${JSON.stringify(requestId)}`);

  const documented = operation.responses.get(status);
  if (!documented) {
    fail('undocumented-status', `${operation.label} documents ${[...operation.responses.keys()].join(', ')}`);
  }

  let body: unknown;
  let parsed = true;
  try {
    body = outcome.text === '' ? undefined : JSON.parse(outcome.text);
  } catch {
    parsed = false;
  }

  if (status >= 300) {
    const contentType = header(outcome, 'content-type') ?? '';
    if (contentType.split(';')[0]?.trim() !== 'application/json') {
      fail('envelope', `Content-Type is ${JSON.stringify(contentType)}`);
    }
    if (!parsed || !document.validateError(body)) {
      fail('envelope', parsed ? firstError(document.validateError) : 'the body is not JSON');
      return violations;
    }
    const envelope = body as { error: Record<string, unknown> };
    const extra = [
      ...Object.keys(envelope).filter((key) => key !== 'error'),
      ...Object.keys(envelope.error).filter((key) => !ENVELOPE_KEYS.has(key)),
    ];
    if (extra.length > 0) fail('envelope', `unexpected keys ${extra.join(', ')}`);
    if (envelope.error.requestId !== requestId) {
      fail('envelope', `error.requestId ${String(envelope.error.requestId)} ≠ X-Request-Id ${requestId}`);
    }
    const code = String(envelope.error.code);
    const definition = ERROR_CATALOGUE[code as ErrorCode];
    if (!definition) {
      fail('code-status', `${code} is not in the catalogue`);
    } else {
      if (definition.status !== status)
        fail('code-status', `${code} is ${definition.status} in the catalogue`);
      if (definition.type !== envelope.error.type) {
        fail(
          'code-status',
          `${code} has type ${definition.type} in the catalogue, not ${envelope.error.type}`,
        );
      }
    }
    if (documented) {
      const allowed =
        documented.codes ??
        Object.entries(ERROR_CATALOGUE)
          .filter(([, entry]) => entry.status === status)
          .map(([name]) => name);
      if (!allowed.includes(code)) {
        fail(
          'undocumented-code',
          `${operation.label} lists ${allowed.join(', ') || 'no code'} under ${status}`,
        );
      }
    }
    return violations;
  }

  // 2xx
  if (documented?.validate) {
    if (!parsed) fail('schema', 'the body is not JSON');
    else if (!documented.validate(body)) fail('schema', firstError(documented.validate));
  }
  if (request.refusal) fail('accepted-invalid', `a ${request.kind} request must be refused`);
  if (request.crossAccount) fail('cross-account', "account B's key reached account A's object");
  return violations;
}
