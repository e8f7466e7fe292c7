import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errorEnvelope } from '../errors/api-error.js';
import { unsupportedMediaType } from './content.js';
import { bodyStillArriving, drainRequestBody } from './drain.js';
import { NOT_BLANK } from './text.js';

export interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `body/firstName`, `querystring/limit`… → the parameter name a client recognises. */
function paramOf(issue: ValidationIssue): string | undefined {
  const path = issue.instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
    path.push(issue.params.missingProperty);
  }
  if (issue.keyword === 'additionalProperties' && typeof issue.params.additionalProperty === 'string') {
    path.push(issue.params.additionalProperty);
  }
  return path.length > 0 ? path.join('.') : undefined;
}

function describeValidation(issue: ValidationIssue, param: string | undefined, context: string): string {
  const where =
    context === 'querystring' ? 'query parameter' : context === 'params' ? 'path parameter' : 'field';
  switch (issue.keyword) {
    case 'required':
      return `Missing required ${where} "${param}".`;
    case 'additionalProperties':
      return `Unknown ${where} "${param}".`;
    case 'pattern':
      if (issue.params.pattern === NOT_BLANK) return `The ${where} "${param}" must not be blank.`;
      return `The ${where} "${param}" ${issue.message ?? 'is invalid'}.`;
    case 'type':
      if (!param && context === 'body') return 'The request body must be a JSON object.';
      return `The ${where} "${param}" ${issue.message ?? 'has the wrong type'}.`;
    default:
      return param
        ? `The ${where} "${param}" ${issue.message ?? 'is invalid'}.`
        : `The request ${issue.message ?? 'is invalid'}.`;
  }
}

/** A schema validation failure → 400 parameter_invalid naming the parameter, for routes and portal forms alike. */
export function validationApiError(issue: ValidationIssue, context: string): ApiError {
  const param = paramOf(issue);
  return new ApiError('parameter_invalid', describeValidation(issue, param, context), param ? { param } : {});
}

/** Any thrown error → the contract's envelope. Unexpected errors are logged in full and answered generically. */
export function toApiError(error: FastifyError | Error, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  const fastifyError = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (fastifyError.validation && fastifyError.validation.length > 0) {
    return validationApiError(
      fastifyError.validation[0] as ValidationIssue,
      fastifyError.validationContext ?? 'body',
    );
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('body_too_large', 'The request body is larger than 1 MiB.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(request.headers['content-type']);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('parameter_invalid', 'The Content-Length header does not match the body.');
    default:
      break;
  }
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return new ApiError('parameter_invalid', 'The request could not be understood.');
  }
  return new ApiError(
    'internal_error',
    'An unexpected error occurred. Quote the requestId if you contact support.',
  );
}

export function sendError(reply: FastifyReply, request: FastifyRequest, apiError: ApiError): FastifyReply {
  request.errorCode = apiError.code;
  for (const [name, value] of Object.entries(apiError.headers)) reply.header(name, value);
  return reply
    .code(apiError.status)
    .type('application/json; charset=utf-8')
    .send(errorEnvelope(apiError, request.id));
}

/**
 * What the router refuses before any hook runs (Fastify's frameworkErrors): a path whose percent-encoding does not
 * decode to UTF-8 (`%ZZ`, the overlong `%C0%AF`) is 400; a path segment over the router's 100 characters is 414.
 * Neither message repeats the path, which may be long or crafted.
 */
export function routerRefusal(error: FastifyError): ApiError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new ApiError('uri_too_long', 'A path segment is longer than 100 characters; no id is that long.');
  }
  return new ApiError(
    'parameter_invalid',
    'The URL path is not valid: a percent-encoded sequence does not decode to UTF-8 text.',
  );
}

/** The 404 for a method and path no route serves (root and /v1 alike). */
export function routeNotFound(request: FastifyRequest): ApiError {
  const path = request.url.split('?')[0];
  return new ApiError('route_not_found', `No endpoint ${request.method} ${path}.`);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, request);
    if (apiError.code === 'internal_error') {
      request.log.error({ err: error }, 'unhandled error');
    } else if (apiError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    }
    if (!bodyStillArriving(request.raw)) return sendError(reply, request, apiError);
    // Refused before its body was read (413, 415, bad JSON): let the upload finish so the answer reaches the client.
    return drainRequestBody(request.raw).then(() => sendError(reply, request, apiError));
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, request, routeNotFound(request)));
}
