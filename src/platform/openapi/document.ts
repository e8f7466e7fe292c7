import type { SwaggerOptions } from '@fastify/swagger';
import {
  ANONYMOUS_REQUESTS_PER_IP_PER_MINUTE,
  AUTH_FAILURES_PER_IP_PER_MINUTE,
  PLAN_LIMITS,
  PLANS,
} from '../accounts/plans.js';
import type { ResourceRegistry } from '../descriptors/registry.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors/catalogue.js';
import { MERGE_PATCH_MEDIA_TYPE } from '../http/content.js';
import { API_VERSIONS, LATEST_API_VERSION, SUPPORTED_API_VERSIONS } from '../versioning/versions.js';
import { webhooksSection } from '../webhooks/openapi.js';
import { codeSamples } from './code-samples.js';
import { codesByStatus, hasFilters, hasIdFilters, operationErrorCodes } from './error-codes.js';
import { requestExample, responseExample } from './examples.js';

type Json = Record<string, unknown>;

const REQUEST_ID_EXAMPLE = 'req_01JD2X6Y3Z4A5B6C7D8E9F0G1H';

const HEADER_DOCS: Record<string, { description: string; schema: Json }> = {
  'X-Request-Id': {
    description:
      'Unique id of this request (`req_...`); the same id appears in error bodies and the API log.',
    schema: { type: 'string', examples: [REQUEST_ID_EXAMPLE] },
  },
  'X-Api-Version': {
    description: 'The API version this response was rendered in.',
    schema: { type: 'string', enum: [...SUPPORTED_API_VERSIONS], examples: [LATEST_API_VERSION] },
  },
  'X-RateLimit-Limit': {
    description:
      "The limit of the policy closest to refusing the request: the account's requests per minute, the key's own " +
      'limit when that is tighter, the daily write cap on a trial write, or on a 401 the failed authentications ' +
      "allowed per client address, or for requests charged to no account (public and unknown routes) the address's " +
      'budget for those. Sent on every /v1 response.',
    schema: { type: 'integer', examples: [600] },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests that policy would still let through now.',
    schema: { type: 'integer', examples: [599] },
  },
  'X-RateLimit-Reset': {
    description:
      'Seconds until that policy has fully recovered: a sliding window keeps counting a request until the end of ' +
      'the window after the one it was made in.',
    schema: { type: 'integer', examples: [120] },
  },
  'RateLimit-Policy': {
    description:
      'Every policy that applied to the request, in IETF httpapi draft syntax `<limit>;w=<seconds>`: ' +
      '`600;w=60`, or `600;w=60, 30;w=60` when the key has its own limit.',
    schema: { type: 'string', examples: ['600;w=60'] },
  },
  RateLimit: {
    description: 'The IETF httpapi draft form of the three X-RateLimit fields.',
    schema: { type: 'string', examples: ['limit=600, remaining=599, reset=120'] },
  },
  'Retry-After': {
    description: 'Seconds until a request would pass again, rounded up: retrying sooner is refused.',
    schema: { type: 'integer', examples: [12] },
  },
  'Idempotent-Replayed': {
    description:
      'Present (`true`) when this response is the stored result of an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
};

type HeaderName = keyof typeof HEADER_DOCS;

const RATE_LIMIT_HEADERS: HeaderName[] = [
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'RateLimit-Policy',
  'RateLimit',
];

/** Headers every /v1 success response carries (DESIGN §3.2, §3.5, §3.6). */
const SUCCESS_HEADERS: HeaderName[] = ['X-Request-Id', 'X-Api-Version', ...RATE_LIMIT_HEADERS];

const ERROR_RESPONSES: Record<string, { name: string; description: string }> = {
  '400': { name: 'BadRequest', description: 'Invalid parameters, malformed JSON or an unknown API version.' },
  '401': { name: 'Unauthorized', description: 'Missing, malformed, unknown, revoked or expired API key.' },
  '403': {
    name: 'Forbidden',
    description:
      "Missing scope, field not permitted, API access disabled, or the plan's cap on objects reached.",
  },
  '404': { name: 'NotFound', description: 'No such object in your account (or no such endpoint).' },
  '408': {
    name: 'RequestTimeout',
    description: 'The request line and headers did not arrive within 60 seconds.',
  },
  '409': {
    name: 'Conflict',
    description: 'The request conflicts with the current state.',
  },
  '413': { name: 'PayloadTooLarge', description: 'The body exceeds 1 MiB.' },
  '414': { name: 'UriTooLong', description: 'A path segment is longer than any id.' },
  '415': {
    name: 'UnsupportedMediaType',
    description: 'The body is not application/json (or application/merge-patch+json on PATCH), or not UTF-8.',
  },
  '429': {
    name: 'TooManyRequests',
    description: 'Rate limit or daily write cap exceeded; retry after `Retry-After` seconds.',
  },
  '431': {
    name: 'RequestHeaderFieldsTooLarge',
    description: 'The URL and headers together exceed 16 KiB.',
  },
  '500': { name: 'InternalError', description: 'Unexpected error; quote the requestId to support.' },
};

/** Statuses Node's HTTP parser answers before the request is read: no version or rate limit applies yet. */
const UNREAD_REQUEST_STATUSES: ReadonlySet<string> = new Set(['408', '431']);

/**
 * Headers of an error response: the request id always; the version unless the request could not be read; the
 * rate-limit fields when the request was counted (it had a key, or was refused with 401); 429 also says when to
 * come back.
 */
function errorHeaders(status: string): HeaderName[] {
  if (UNREAD_REQUEST_STATUSES.has(status)) return ['X-Request-Id'];
  return status === '429'
    ? ['X-Request-Id', 'X-Api-Version', 'Retry-After', ...RATE_LIMIT_HEADERS]
    : ['X-Request-Id', 'X-Api-Version', ...RATE_LIMIT_HEADERS];
}

function headerRefs(names: readonly string[]): Json {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

function errorExamples(status: number): Json {
  const examples: Json = {};
  for (const [code, def] of Object.entries(ERROR_CATALOGUE)) {
    if (def.status !== status) continue;
    const mentionsParam = def.description.includes('`param`');
    examples[code] = {
      summary: def.description,
      value: {
        error: {
          type: def.type,
          code: code as ErrorCode,
          message: def.description,
          ...(mentionsParam ? { param: 'firstName' } : {}),
          requestId: REQUEST_ID_EXAMPLE,
        },
      },
    };
  }
  return examples;
}

function errorTable(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(
    ([code, def]) => `| ${def.status} | \`${def.type}\` | \`${code}\` | ${def.description} |`,
  );
  return ['| status | type | code | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The document's introduction: authentication, versions, pagination, limits, idempotency and errors. */
function description(registry: ResourceRegistry): string {
  return `
Punchclock's developer API: employees, punches, time entries, time cards, time off, schedules and more.

## Authentication
Send your key on every request: \`Authorization: Bearer pc_live_...\`. Keys are created by account administrators
(or issued by your operator) with explicit scopes of the form \`{resource}:read\` / \`{resource}:write\`
(\`write\` does not imply \`read\`), or \`*\` for full access. Scope resources: ${registry.scopes.map((scope) => `\`${scope.name}\``).join(', ')}.
A missing or invalid key gets **401**; a valid key without the endpoint's scope gets **403** \`missing_scope\`.
A key may also carry field restrictions: responses then contain only the permitted fields, and writes to other
fields get **403** \`field_not_permitted\`.

### What a key may read is the same on every channel
A key reads a resource's objects only with its \`{resource}:read\` scope, and then only the fields its restriction
permits, wherever the objects come from:
- **Responses to writes.** A key without \`{resource}:read\` gets only \`id\`, \`object\`, \`createdAt\` and
  \`updatedAt\` back from its writes; a restricted key gets its permitted fields.
- **Idempotent replays** are projected for the key that replays, not the one that first sent the request.
- **The events feed.** \`events:read\` opens the feed; what a key finds there is the events of the resources it may
  read, their objects (and \`previousAttributes\`) projected as \`/v1/{resource}\` would show them. Filtering by
  the events of a resource it may not read gets **403** \`missing_scope\`.
- **Webhook payloads.** An endpoint records the read permissions of the key that created it, or last changed its
  \`url\` or \`enabledEvents\` (an administrator in the portal has them all). Subscribing to events of a resource
  that key may not read gets **403** \`missing_scope\`; \`["*"]\` receives the events it may read. Every payload is
  projected through the recorded permissions.
- **Search and filters.** \`search\` matches only the fields the key may read; a filter on a field it may not read
  gets **403** \`field_not_permitted\` naming the parameter.

## Request bodies
Send JSON with \`Content-Type: application/json\`; parameters such as \`charset=utf-8\` are fine (JSON is UTF-8;
another charset gets **415** naming it). \`PATCH\` bodies are JSON merge patches (RFC 7396): only the fields sent
change, \`null\` clears a nullable field, and \`application/merge-patch+json\` is accepted there too. Any other
media type gets **415** \`unsupported_media_type\`; bodies over 1 MiB get **413** \`body_too_large\`.

## Versions
Pin a version per request with \`X-Api-Version: YYYY-MM-DD\`; without it your account's pinned version applies
(pinned when the account's first key is created). Every response says which version it was rendered in.
Latest: **${LATEST_API_VERSION}**.

${API_VERSIONS.map((v) => `- **${v.version}** — ${v.summary}${v.changes.map((c) => `\n  - ${c.summary}`).join('')}`).join('\n')}

## Pagination
Lists return \`{ "object": "list", "data": [...], "hasMore": true, "url": "/v1/employees" }\`, newest first. Use
\`limit\` (1–100, default 25) and \`startingAfter\` / \`endingBefore\` with an object id. Every list accepts
\`updatedSince\` for incremental sync; \`include=totalCount\` adds the number of matching objects.

## Rate limits
Requests are counted per account in a sliding one-minute window — the previous minute's count, weighted by the share
of it still inside the window, plus the current minute's: ${PLANS.map((plan) => `${plan} ${PLAN_LIMITS[plan].requestsPerMinute}`).join(', ')}
requests per minute. A key may have its own, tighter limit (\`rateLimitPerMinute\`); a request refused by one limit
spends nothing of the other. Every response carries \`X-RateLimit-Limit\`,
\`X-RateLimit-Remaining\`, \`X-RateLimit-Reset\` and the IETF draft headers \`RateLimit-Policy\` and \`RateLimit\`; a
refused request gets **429** \`rate_limited\` with \`Retry-After\`: the seconds until a request would pass.
Requests refused with **401** are limited per client address (${AUTH_FAILURES_PER_IP_PER_MINUTE} per minute), never
against an account; so are requests charged to no account — public and unknown routes, accounts with API access
off (${ANONYMOUS_REQUESTS_PER_IP_PER_MINUTE} per minute). Trial accounts may also make ${PLAN_LIMITS.trial.dailyWriteCap} writes in any 24 hours (**429**
\`daily_write_cap\`) and hold at most ${PLAN_LIMITS.trial.maxEmployees} employees, ${PLAN_LIMITS.trial.maxLocations} locations and
${PLAN_LIMITS.trial.maxWebhookEndpoints} webhook endpoints (**403** \`plan_limit_reached\`).

## Idempotency
\`POST\` and \`PATCH\` accept an \`Idempotency-Key\` header (1–255 characters). Retrying with the same key and the
same request within 24 hours replays the first response with \`Idempotent-Replayed: true\` instead of writing again;
the same key with a different request gets **409** \`idempotency_key_reused\`, and a retry while the first request
is still running gets **409** \`idempotency_key_in_use\`. Validation failures (400), 429s and server errors are not
stored, so a corrected or later retry runs.

## Errors
Every error has the same envelope: \`{ "error": { "type", "code", "message", "param", "requestId" } }\`.
The \`requestId\` is also in the \`X-Request-Id\` header of every response. Each operation lists, under every
error status it can answer with, the codes it answers that status with (\`x-error-codes\`).

${errorTable()}
`.trim();
}

/**
 * The OpenAPI document's options. Its tags are the resources' (the registry's order is the docs' order): every tag an
 * operation uses is declared, since operations take their tag from their resource.
 */
export function swaggerOptions(publicUrl: string, registry: ResourceRegistry): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Punchclock API',
        version: LATEST_API_VERSION,
        description: description(registry),
        contact: { name: 'Punchclock', url: `${publicUrl}/docs` },
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      },
      servers: [{ url: publicUrl, description: 'This Punchclock server' }],
      tags: registry.tags.map(({ name, description }) => ({ name, description })),
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'pc_live_<40 hex>',
            description:
              'An API key created in the portal (Settings → Developer API) or issued by your operator.',
          },
        },
      },
    },
    // The scope lives on the route's config (enforced by the auth hook); surface it in the document too.
    transform: ({ schema, url, route }) => {
      const scope = route.config?.scope;
      if (!schema || scope === undefined || !url.startsWith('/v1/')) return { schema, url };
      const needs =
        scope === null ? 'Any valid API key; no scope needed.' : `Requires the \`${scope}\` scope.`;
      const description =
        typeof schema.description === 'string' ? `${schema.description}\n\n${needs}` : needs;
      return { schema: { ...schema, description, 'x-required-scope': scope }, url };
    },
    transformObject: (documentObject) => {
      if (!('openapiObject' in documentObject)) return documentObject.swaggerObject;
      return enrichDocument(
        documentObject.openapiObject as Json,
        publicUrl,
        registry,
      ) as typeof documentObject.openapiObject;
    },
  };
}

/** The first example @fastify/swagger left on a parameter: it moves `examples[0]` up to `example`. */
function parameterExample(param: Json): unknown {
  if ('example' in param) return param.example;
  const examples = param.examples;
  if (typeof examples === 'object' && examples !== null) {
    const first = Object.values(examples as Record<string, { value?: unknown }>)[0];
    if (first && 'value' in first) return first.value;
  }
  const schema = param.schema as Json | undefined;
  if (Array.isArray(schema?.examples) && schema.examples.length > 0) return schema.examples[0];
  return schema?.example;
}

function pathWithExamples(path: string, parameters: Json[]): string {
  return path.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const param = parameters.find((p) => p.in === 'path' && p.name === name);
    const example = param ? parameterExample(param) : undefined;
    // Left as `{name}` when the route gives no example: the document test then names the route to fix, where
    // throwing here would take /openapi.json down for everyone.
    return example === undefined ? placeholder : encodeURIComponent(String(example));
  });
}

function jsonMedia(holder: Json | undefined): Json | undefined {
  const content = holder?.content as Record<string, Json> | undefined;
  return content?.['application/json'];
}

function componentsOf(document: Json): Json {
  return (document.components ?? {}) as Json;
}

/** Shared component sections: headers, the Error schema, the common parameters and the error responses. */
function addSharedComponents(document: Json): void {
  const components = componentsOf(document);
  components.headers = Object.fromEntries(
    Object.entries(HEADER_DOCS).map(([name, doc]) => [
      name,
      { description: doc.description, schema: doc.schema },
    ]),
  );
  components.schemas = {
    ...((components.schemas as Json | undefined) ?? {}),
    Error: {
      type: 'object',
      description: 'The envelope of every error response.',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['type', 'code', 'message', 'requestId'],
          properties: {
            type: {
              type: 'string',
              description: 'The broad class of the error; decides the HTTP status together with the code.',
              enum: [
                'invalid_request_error',
                'authentication_error',
                'authorization_error',
                'rate_limit_error',
                'api_error',
              ],
            },
            code: {
              type: 'string',
              description: 'A stable, machine-readable code; branch on this, never on the message.',
              enum: Object.keys(ERROR_CATALOGUE),
            },
            message: { type: 'string', description: 'A human-readable explanation; may change.' },
            param: { type: 'string', description: 'The parameter or field the error is about.' },
            requestId: { type: 'string', description: 'Same as the `X-Request-Id` header.' },
          },
        },
      },
    },
  };
  components.parameters = {
    ApiVersion: {
      name: 'X-Api-Version',
      in: 'header',
      required: false,
      description: "Render this request in the given API version instead of the account's pinned one.",
      schema: { type: 'string', enum: [...SUPPORTED_API_VERSIONS] },
      example: LATEST_API_VERSION,
    },
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes the write safe to retry: a retry with the same key and request within 24 hours replays the ' +
        'first response instead of writing again.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
      example: '6f1c1b8e-3c2d-4a8e-9a63-0f4f1e7d2b90',
    },
  };
  components.responses = Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([status, { name, description }]) => [
      name,
      {
        description,
        headers: headerRefs(errorHeaders(status)),
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
            examples: errorExamples(Number(status)),
          },
        },
      },
    ]),
  );
  document.components = components;
}

/** One error response of one operation: the shared description, and the codes this operation answers it with. */
function errorResponse(status: string, codes: readonly ErrorCode[]): Json {
  const shared = ERROR_RESPONSES[status];
  const examples = errorExamples(Number(status));
  return {
    description: `${shared?.description ?? 'Error.'} Codes: ${codes.map((code) => `\`${code}\``).join(', ')}.`,
    headers: headerRefs(errorHeaders(status)),
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/Error' },
        examples: Object.fromEntries(codes.map((code) => [code, examples[code]])),
      },
    },
    'x-error-codes': [...codes],
  };
}

const STATUS_TEXT: Record<string, string> = { '200': 'OK.', '201': 'Created.', '204': 'No content.' };

/** Adds to one /v1 operation what every operation shares (see enrichDocument). */
function enrichOperation(document: Json, path: string, method: string, op: Json, publicUrl: string): void {
  const secured = Array.isArray(op.security) && op.security.length > 0;
  if (!secured) op.security = [];

  const parameters = (op.parameters as Json[] | undefined) ?? [];
  for (const param of parameters) {
    // A query parameter with a default is optional to the caller, though TypeBox lists it as required so the
    // handler sees the defaulted value.
    if (param.in === 'query' && (param.schema as Json | undefined)?.default !== undefined) {
      param.required = false;
    }
  }
  const isWrite = method === 'post' || method === 'patch';
  op.parameters = [
    ...parameters,
    { $ref: '#/components/parameters/ApiVersion' },
    ...(isWrite ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ];

  const responses = (op.responses ?? {}) as Record<string, Json>;
  for (const [status, response] of Object.entries(responses)) {
    if (!status.startsWith('2')) continue;
    if (response.description === 'Default Response') response.description = STATUS_TEXT[status] ?? 'Success.';
    const headers = SUCCESS_HEADERS;
    response.headers = headerRefs(isWrite ? [...headers, 'Idempotent-Replayed'] : headers);
    const media = jsonMedia(response);
    if (media && media.example === undefined && media.examples === undefined) {
      media.example = responseExample(media.schema, document);
    }
  }
  const requestBody = op.requestBody as Json | undefined;
  if (op['x-body-optional'] === true && requestBody) requestBody.required = false;
  delete op['x-body-optional'];
  const declared = (op['x-error-codes'] as ErrorCode[] | undefined) ?? [];
  delete op['x-error-codes'];
  const codes = operationErrorCodes({
    method,
    path,
    secured,
    scoped: typeof op['x-required-scope'] === 'string',
    filters: hasFilters(parameters),
    idFilters: hasIdFilters(parameters, document),
    body: requestBody ? ((jsonMedia(requestBody)?.schema as Json | undefined) ?? {}) : undefined,
    document,
    declared,
  });
  for (const [status, ofStatus] of codesByStatus(codes)) responses[status] = errorResponse(status, ofStatus);
  op.responses = responses;

  const bodyMedia = jsonMedia(requestBody);
  if (bodyMedia && bodyMedia.example === undefined && bodyMedia.examples === undefined) {
    bodyMedia.example = requestExample(bodyMedia.schema, document);
  }
  // A PATCH body is a JSON merge patch (RFC 7396): clients that say so in the Content-Type are understood too.
  const requestContent = requestBody?.content as Record<string, Json> | undefined;
  if (method === 'patch' && bodyMedia && requestContent) {
    requestContent[MERGE_PATCH_MEDIA_TYPE] = { ...bodyMedia };
  }
  op['x-codeSamples'] = codeSamples({
    method: method.toUpperCase(),
    baseUrl: publicUrl,
    path: pathWithExamples(path, parameters),
    body: bodyMedia ? bodyMedia.example : undefined,
    secured,
  });
}

/**
 * Adds what every /v1 operation shares: the error responses, the standard headers, the X-Api-Version request
 * header, request and response examples and code samples in four languages.
 * Kept here so route definitions stay about their own resource.
 */
export function enrichDocument(document: Json, publicUrl: string, registry: ResourceRegistry): Json {
  addSharedComponents(document);
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, op] of Object.entries(item)) enrichOperation(document, path, method, op, publicUrl);
  }
  document.webhooks = webhooksSection(document, registry);
  return document;
}
