import type { FastifySchema } from 'fastify';
import type { ErrorCode } from '../errors/catalogue.js';

/** OpenAPI facts of one operation that live next to its validation schema. */
export interface OperationDocs {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  /**
   * The codes this operation's own rules can answer with (`not_pending`, `in_use`, `pay_period_locked`, ...). The
   * codes every operation of its shape can answer with (validation, auth, rate limits, body and path refusals) are
   * added by the OpenAPI document (platform/openapi/document.ts).
   */
  errors?: readonly ErrorCode[];
}

/**
 * The schema of one /v1 operation: validation, serializer and documentation at once. Adds the Bearer security
 * requirement unless the route is public. Errors, rate-limit/version/request-id headers and code samples are added
 * to the OpenAPI document centrally (see platform/openapi).
 */
export function operation<S extends FastifySchema>(
  docs: OperationDocs,
  schema: S,
  options: { public?: boolean; bodyOptional?: boolean } = {},
) {
  const { errors, ...text } = docs;
  return {
    ...text,
    ...(errors && errors.length > 0 ? { 'x-error-codes': [...errors] } : {}),
    // @fastify/swagger marks every body required; the document enrichment reads this and says otherwise.
    ...(options.bodyOptional ? { 'x-body-optional': true } : {}),
    ...schema,
    security: options.public ? [] : [{ bearerAuth: [] }],
  };
}
