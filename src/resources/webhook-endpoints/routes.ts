import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import {
  CreateWebhookEndpointBody,
  DeletedWebhookEndpointSchema,
  ListWebhookDeliveriesQuery,
  ListWebhookEndpointsQuery,
  RecoverWebhookEndpointBody,
  UpdateWebhookEndpointBody,
  WebhookDeliveryIdParams,
  WebhookDeliverySchema,
  WebhookEndpointIdParams,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
  WebhookRecoverySchema,
} from './schema.js';
import * as webhooks from './service.js';

const tags = ['Webhook endpoints'];
const read = { scope: 'webhooks:read', resource: 'webhooks' } as const;
const write = { scope: 'webhooks:write', resource: 'webhooks' } as const;

export function webhookEndpointRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/webhook-endpoints',
    {
      config: read,
      schema: operation(
        {
          operationId: 'listWebhookEndpoints',
          summary: 'List webhook endpoints',
          description:
            'Newest first, cursor-paginated. Filter by `status` and `updatedSince`. Secrets are never listed.',
          tags,
        },
        {
          querystring: ListWebhookEndpointsQuery,
          response: { 200: listEnvelopeSchema(WebhookEndpointSchema, '/v1/webhook-endpoints') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { status, updatedSince } = request.query;
      const page = await webhooks.listWebhookEndpoints(
        ctx,
        accountId,
        { status, updatedSince },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.post(
    '/webhook-endpoints',
    {
      config: write,
      schema: operation(
        {
          operationId: 'createWebhookEndpoint',
          summary: 'Create a webhook endpoint',
          description:
            'Registers a URL to receive the events listed in `enabledEvents`, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature` headers). The response carries the signing `secret`: it is shown only this once. The URL must use https and resolve only to public addresses (400 `url_not_allowed`). Trial accounts hold at most 2 endpoints (403 `plan_limit_reached`).',
          tags,
        },
        { body: CreateWebhookEndpointBody, response: { 201: WebhookEndpointWithSecretSchema } },
      ),
    },
    async (request, reply) => {
      const endpoint = await webhooks.createWebhookEndpoint(
        ctx,
        principalOf(request).accountId,
        request.body,
      );
      return reply.code(201).send(endpoint);
    },
  );

  api.get(
    '/webhook-endpoints/:id',
    {
      config: read,
      schema: operation(
        {
          operationId: 'getWebhookEndpoint',
          summary: 'Retrieve a webhook endpoint',
          description: 'One endpoint by id, without its secret.',
          tags,
        },
        { params: WebhookEndpointIdParams, response: { 200: WebhookEndpointSchema } },
      ),
    },
    async (request) => webhooks.getWebhookEndpoint(ctx, principalOf(request).accountId, request.params.id),
  );

  api.patch(
    '/webhook-endpoints/:id',
    {
      config: write,
      schema: operation(
        {
          operationId: 'updateWebhookEndpoint',
          summary: 'Update a webhook endpoint',
          description:
            'Changes only the fields sent; a new `url` is checked like on creation. `status: "disabled"` stops deliveries (those still pending fail; `recover` re-sends them later); `status: "enabled"` resumes them and clears `disabledReason` and the failure streak.',
          tags,
        },
        {
          params: WebhookEndpointIdParams,
          body: UpdateWebhookEndpointBody,
          response: { 200: WebhookEndpointSchema },
        },
      ),
    },
    async (request) =>
      webhooks.updateWebhookEndpoint(ctx, principalOf(request).accountId, request.params.id, request.body),
  );

  api.delete(
    '/webhook-endpoints/:id',
    {
      config: write,
      schema: operation(
        {
          operationId: 'deleteWebhookEndpoint',
          summary: 'Delete a webhook endpoint',
          description:
            'Removes the endpoint with its deliveries and their attempts: nothing more is sent to it. The events themselves stay in the events feed.',
          tags,
        },
        { params: WebhookEndpointIdParams, response: { 200: DeletedWebhookEndpointSchema } },
      ),
    },
    async (request) => {
      await webhooks.deleteWebhookEndpoint(ctx, principalOf(request).accountId, request.params.id);
      return { id: request.params.id, object: 'webhook_endpoint' as const, deleted: true as const };
    },
  );

  api.post(
    '/webhook-endpoints/:id/rotate-secret',
    {
      config: write,
      schema: operation(
        {
          operationId: 'rotateWebhookEndpointSecret',
          summary: 'Rotate the signing secret',
          description:
            'Issues a new secret, returned only in this response. For the next 24 hours (`previousSecretExpiresAt`) deliveries carry two signatures, one per secret, so receivers verifying with either keep accepting them while you deploy the new one. Rotating again within those hours retires the oldest secret at once.',
          tags,
        },
        { params: WebhookEndpointIdParams, response: { 200: WebhookEndpointWithSecretSchema } },
      ),
    },
    async (request) => webhooks.rotateWebhookSecret(ctx, principalOf(request).accountId, request.params.id),
  );

  api.post(
    '/webhook-endpoints/:id/test',
    {
      config: write,
      schema: operation(
        {
          operationId: 'testWebhookEndpoint',
          summary: 'Send a test event',
          description:
            "Queues a `ping` event for this endpoint alone and returns its delivery; follow it with the deliveries list. The ping's `data.object` is the endpoint itself (without its secret). Pings are not in the events feed. A disabled endpoint gets 409 `endpoint_disabled`.",
          tags,
        },
        { params: WebhookEndpointIdParams, response: { 200: WebhookDeliverySchema } },
      ),
    },
    async (request) => webhooks.sendTestEvent(ctx, principalOf(request).accountId, request.params.id),
  );

  api.get(
    '/webhook-endpoints/:id/deliveries',
    {
      config: read,
      schema: operation(
        {
          operationId: 'listWebhookDeliveries',
          summary: "List an endpoint's deliveries",
          description:
            'Newest first, cursor-paginated, each with the event it carries and every attempt made (status, duration, the start of the response). Filter by `status` and `updatedSince`.',
          tags,
        },
        {
          params: WebhookEndpointIdParams,
          querystring: ListWebhookDeliveriesQuery,
          response: {
            200: listEnvelopeSchema(
              WebhookDeliverySchema,
              '/v1/webhook-endpoints/we_01JD2X6Y3Z4A5B6C7D8E9F0G1H/deliveries',
            ),
          },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { status, updatedSince } = request.query;
      const page = await webhooks.listWebhookDeliveries(
        ctx,
        accountId,
        request.params.id,
        { status, updatedSince },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.post(
    '/webhook-endpoints/:id/recover',
    {
      config: write,
      schema: operation(
        {
          operationId: 'recoverWebhookEndpoint',
          summary: 'Re-send failed deliveries',
          description:
            'Queues every failed delivery of the endpoint created at or after `since` to be sent again now (after an outage of your receiver, say) and says how many, in the order their events happened. One whose retry schedule was used up gets one new attempt. A disabled endpoint gets 409 `endpoint_disabled`: enable it first.',
          tags,
        },
        {
          params: WebhookEndpointIdParams,
          body: RecoverWebhookEndpointBody,
          response: { 200: WebhookRecoverySchema },
        },
      ),
    },
    async (request) =>
      webhooks.recoverWebhookEndpoint(
        ctx,
        principalOf(request).accountId,
        request.params.id,
        request.body.since,
      ),
  );

  api.post(
    '/webhook-deliveries/:id/retry',
    {
      config: write,
      schema: operation(
        {
          operationId: 'retryWebhookDelivery',
          summary: 'Replay a delivery now',
          description:
            'Sends the delivery again now, whatever its status: it becomes `pending` and due at once. A delivery whose retry schedule was used up gets this one attempt. The endpoint must be enabled (409 `endpoint_disabled`).',
          tags,
        },
        { params: WebhookDeliveryIdParams, response: { 200: WebhookDeliverySchema } },
      ),
    },
    async (request) => webhooks.retryWebhookDelivery(ctx, principalOf(request).accountId, request.params.id),
  );
}
