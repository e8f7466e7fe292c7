import type { FastifySchema } from 'fastify';

/** OpenAPI facts of one operation that live next to its validation schema. */
export interface OperationDocs {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
}

/**
 * The schema of one /v1 operation: validation, serializer and documentation at once. Adds the Bearer security
 * requirement unless the route is public. Errors, rate-limit/version/request-id headers and code samples are added
 * to the OpenAPI document centrally (see platform/openapi).
 */
export function operation<S extends FastifySchema>(
  docs: OperationDocs,
  schema: S,
  options: { public?: boolean } = {},
) {
  return {
    ...docs,
    ...schema,
    security: options.public ? [] : [{ bearerAuth: [] }],
  };
}
