import { type Static, Type } from '@sinclair/typebox';
import { fromDbJson } from '../../../db/columns.js';
import type {
  WebhookAttemptRow,
  WebhookDeliveryRow,
  WebhookDeliveryStatus,
  WebhookEndpointRow,
  WebhookEndpointStatus,
} from '../../../db/tables.js';
import { exampleId, type IdKind, idPattern } from '../../../shared/ids.js';
import { objectSchema } from '../../descriptors/object-schema.js';
import { listQuerySchema } from '../../pagination/schema.js';
import { SUPPORTED_API_VERSIONS } from '../../versioning/versions.js';
import { EVENTS } from '../events/resource.js';
import { WEBHOOK_ATTEMPTS, WEBHOOK_DELIVERIES, WEBHOOK_ENDPOINTS } from './resource.js';

const ENDPOINT_STATUSES: readonly WebhookEndpointStatus[] = ['enabled', 'disabled'];
const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'succeeded', 'failed'];
const DISABLED_REASONS = ['manual', 'gone', 'failing'] as const;

const EXAMPLE_TIME = '2026-11-02T14:03:11.482Z';

const idOf = (kind: IdKind, description: string) =>
  Type.String({ pattern: idPattern(kind), description, examples: [exampleId(kind)] });
const timestamp = (description: string) =>
  Type.String({ format: 'date-time', description, examples: [EXAMPLE_TIME] });
const nullableTimestamp = (description: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description, examples: [EXAMPLE_TIME] });
const literals = <T extends string>(values: readonly T[], description: string, example: T) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description, examples: [example] },
  );

/** Limits of the endpoint's text fields, which the portal's form checks too (it has no route schema). */
export const WEBHOOK_URL_MAX_LENGTH = 2048;
export const WEBHOOK_DESCRIPTION_MAX_LENGTH = 500;

const url = Type.String({
  format: 'uri',
  maxLength: WEBHOOK_URL_MAX_LENGTH,
  description:
    'Where events are POSTed. Must use https and resolve only to public addresses (unless the operator allows private ones); checked on every change and again before every delivery.',
  examples: ['https://hooks.example.com/punchclock'],
});
const description = Type.Union(
  [Type.String({ minLength: 1, maxLength: WEBHOOK_DESCRIPTION_MAX_LENGTH }), Type.Null()],
  {
    description: 'What the endpoint is for, for your own reference.',
    examples: ['Payroll sync'],
  },
);
/** The event types an endpoint subscribes to: at most every type of the catalogue, once each. */
const enabledEventsOf = (eventTypeCount: number) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
    minItems: 1,
    maxItems: eventTypeCount,
    uniqueItems: true,
    description:
      'The event types sent to this endpoint (see the `webhooks` section of this document for each one), or `["*"]` for all of them. `ping` is only sent by `POST /v1/webhook-endpoints/{id}/test` and cannot be subscribed to.',
    examples: [['employee.created', 'employee.updated', 'punch.clock_in']],
  });
const apiVersion = Type.Union(
  [...SUPPORTED_API_VERSIONS.map((version) => Type.Literal(version)), Type.Null()],
  {
    description:
      "The API version event objects are rendered in for this endpoint; null renders them in the account's pinned version.",
    examples: [SUPPORTED_API_VERSIONS[0]],
  },
);
const status = literals(
  ENDPOINT_STATUSES,
  'Only `enabled` endpoints receive events. Setting `enabled` again clears `disabledReason` and the failure streak.',
  'enabled',
);
const secret = Type.String({
  pattern: '^whsec_[A-Za-z0-9+/]{32}$',
  description:
    'The signing secret (Standard Webhooks: `whsec_` + base64 of 24 random bytes). Returned only here; store it now, it is never shown again.',
  examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
});

/**
 * The endpoint's object (with and without its secret) and the create and update bodies. `enabledEvents` lists at
 * most every event type there is, which the registry knows once the app is built: the routes make these schemas
 * with its count.
 */
export function webhookEndpointSchemas(eventTypeCount: number) {
  const enabledEvents = enabledEventsOf(eventTypeCount);
  const properties = {
    id: idOf(WEBHOOK_ENDPOINTS, 'The webhook endpoint id.'),
    object: Type.Literal('webhook_endpoint'),
    url,
    description,
    enabledEvents,
    apiVersion,
    status,
    disabledReason: Type.Union([...DISABLED_REASONS.map((reason) => Type.Literal(reason)), Type.Null()], {
      description:
        'Why the endpoint is disabled: `manual` (by you), `gone` (it answered 410 Gone) or `failing` (every delivery failed for five days); null while enabled.',
      examples: [null],
    }),
    failingSince: nullableTimestamp(
      'When the current run of failed deliveries began; null when the last delivery succeeded. After five days of failures the endpoint is disabled.',
    ),
    previousSecretExpiresAt: nullableTimestamp(
      'After `rotate-secret`: until this instant deliveries carry a signature with the previous secret too, so receivers can switch over. Null when the endpoint was never rotated.',
    ),
    createdAt: timestamp('When the endpoint was created.'),
    updatedAt: timestamp('When the endpoint last changed.'),
  };
  return {
    object: objectSchema(WEBHOOK_ENDPOINTS, properties, {
      description: 'A URL that receives signed event deliveries (Standard Webhooks).',
    }),
    /** The create and rotate-secret responses: the only two that carry the secret. */
    withSecret: Type.Object(
      { ...properties, secret },
      { description: 'A webhook endpoint with its signing secret, shown this once.' },
    ),
    create: Type.Object(
      {
        url,
        description: Type.Optional(description),
        enabledEvents,
        apiVersion: Type.Optional(apiVersion),
        status: Type.Optional({ ...status, default: 'enabled' }),
      },
      {
        additionalProperties: false,
        examples: [
          {
            url: 'https://hooks.example.com/punchclock',
            description: 'Payroll sync',
            enabledEvents: ['employee.created', 'employee.updated', 'punch.clock_in'],
          },
        ],
      },
    ),
    update: Type.Partial(Type.Object({ url, description, enabledEvents, apiVersion, status }), {
      additionalProperties: false,
      minProperties: 1,
      examples: [{ description: 'Payroll sync (v2)' }],
    }),
  };
}

type EndpointSchemas = ReturnType<typeof webhookEndpointSchemas>;
export type WebhookEndpoint = Static<EndpointSchemas['object']>;
export type WebhookEndpointWithSecret = Static<EndpointSchemas['withSecret']>;
export type CreateWebhookEndpointInput = Static<EndpointSchemas['create']>;
export type UpdateWebhookEndpointInput = Static<EndpointSchemas['update']>;

export const ListWebhookEndpointsQuery = listQuerySchema(WEBHOOK_ENDPOINTS, {
  status: Type.Optional(literals(ENDPOINT_STATUSES, 'Only endpoints with this status.', 'enabled')),
});

export const WebhookAttemptSchema = Type.Object(
  {
    id: idOf(WEBHOOK_ATTEMPTS, 'The attempt id.'),
    object: Type.Literal('webhook_attempt'),
    attemptedAt: timestamp('When the request was sent.'),
    statusCode: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The HTTP status the endpoint answered; null when no response arrived.',
      examples: [200],
    }),
    durationMs: Type.Integer({ minimum: 0, description: 'How long the request took.', examples: [182] }),
    responseBody: Type.Union([Type.String(), Type.Null()], {
      description: 'The first 1 KiB of the response body.',
      examples: ['ok'],
    }),
    error: Type.Union([Type.String(), Type.Null()], {
      description:
        'Why the attempt failed without a response (timeout, refused connection, blocked address).',
      examples: [null],
    }),
  },
  { description: 'One HTTP request of a delivery.' },
);
export type WebhookAttempt = Static<typeof WebhookAttemptSchema>;

export const WebhookDeliverySchema = Type.Object(
  {
    id: idOf(WEBHOOK_DELIVERIES, 'The delivery id.'),
    object: Type.Literal('webhook_delivery'),
    endpointId: idOf(WEBHOOK_ENDPOINTS, 'The endpoint the event is delivered to.'),
    eventId: idOf(EVENTS, 'The event delivered.'),
    eventType: Type.String({
      description: 'The type of the event delivered.',
      examples: ['employee.created'],
    }),
    status: literals(
      DELIVERY_STATUSES,
      '`pending` until an attempt succeeds (`succeeded`) or the retry schedule is exhausted (`failed`).',
      'succeeded',
    ),
    attemptCount: Type.Integer({ minimum: 0, description: 'Attempts made so far.', examples: [1] }),
    nextAttemptAt: nullableTimestamp('When the next attempt is due; null once succeeded or failed.'),
    lastStatusCode: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The HTTP status of the last attempt; null before any, or when it got no response.',
      examples: [200],
    }),
    lastError: Type.Union([Type.String(), Type.Null()], {
      description: 'Why the last attempt failed, if it did.',
      examples: [null],
    }),
    attempts: Type.Array(WebhookAttemptSchema, { description: 'Every attempt, oldest first.' }),
    createdAt: timestamp('When the delivery was queued (when its event happened).'),
    updatedAt: timestamp('When the delivery last changed.'),
  },
  { description: 'One event on its way to one endpoint, with every attempt made.' },
);
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;

export const WebhookDeliveryIdParams = Type.Object({
  id: idOf(WEBHOOK_DELIVERIES, 'The delivery id.'),
});

export const ListWebhookDeliveriesQuery = listQuerySchema(WEBHOOK_DELIVERIES, {
  status: Type.Optional(literals(DELIVERY_STATUSES, 'Only deliveries with this status.', 'failed')),
});

export const RecoverWebhookEndpointBody = Type.Object(
  {
    since: Type.String({
      format: 'date-time',
      description: 'Re-send every failed delivery of the endpoint created at or after this instant.',
      examples: ['2026-11-01T00:00:00Z'],
    }),
  },
  { additionalProperties: false, examples: [{ since: '2026-11-01T00:00:00Z' }] },
);

export const WebhookRecoverySchema = Type.Object(
  {
    object: Type.Literal('webhook_recovery'),
    endpointId: idOf(WEBHOOK_ENDPOINTS, 'The endpoint whose deliveries were re-queued.'),
    since: timestamp('The instant asked for.'),
    requeued: Type.Integer({
      minimum: 0,
      description: 'How many failed deliveries were queued to be sent again now.',
      examples: [12],
    }),
  },
  { description: 'The result of re-queuing failed deliveries.' },
);
export type WebhookRecovery = Static<typeof WebhookRecoverySchema>;

export function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    object: 'webhook_endpoint',
    url: row.url,
    description: row.description,
    enabledEvents: fromDbJson<string[]>(row.enabled_events),
    apiVersion: row.api_version,
    status: row.status,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toWebhookAttempt(row: WebhookAttemptRow): WebhookAttempt {
  return {
    id: row.id,
    object: 'webhook_attempt',
    attemptedAt: row.attempted_at,
    statusCode: row.status_code,
    durationMs: row.duration_ms,
    responseBody: row.response_body,
    error: row.error,
  };
}

export function toWebhookDelivery(
  row: WebhookDeliveryRow & { event_type: string },
  attempts: readonly WebhookAttemptRow[],
): WebhookDelivery {
  return {
    id: row.id,
    object: 'webhook_delivery',
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attemptCount: row.attempt_count,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    attempts: attempts.map(toWebhookAttempt),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
