import { exampleId } from '../../../shared/ids.js';
import { resourceModule } from '../../http/resource-routes.js';
import { pageRequest } from '../../pagination/keyset.js';
import { listEnvelope } from '../../pagination/respond.js';
import { listEnvelopeSchema } from '../../pagination/schema.js';
import { documentedEventTypes } from '../catalogue.js';
import { WEBHOOK_ENDPOINTS } from './resource.js';
import {
  ListWebhookDeliveriesQuery,
  ListWebhookEndpointsQuery,
  RecoverWebhookEndpointBody,
  WebhookDeliveryIdParams,
  WebhookDeliverySchema,
  WebhookRecoverySchema,
  webhookEndpointSchemas,
} from './schema.js';
import * as webhooks from './service.js';

export const webhookEndpointRoutes = resourceModule(WEBHOOK_ENDPOINTS, (routes, ctx) => {
  const schemas = webhookEndpointSchemas(documentedEventTypes(ctx.resources).length);

  routes.list(
    {
      description:
        'Newest first, cursor-paginated. Filter by `status` and `updatedSince`. Secrets are never listed.',
      querystring: ListWebhookEndpointsQuery,
      item: schemas.object,
    },
    (request, { accountId }, page) => webhooks.listWebhookEndpoints(ctx, accountId, request.query, page),
  );

  routes.create(
    {
      errors: ['url_not_allowed', 'plan_limit_reached'],
      description: `Registers a URL to receive the events listed in \`enabledEvents\`, signed per Standard Webhooks (\`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\` headers). The response carries the signing \`secret\`: it is shown only this once. The endpoint records the calling key's read permissions: it receives only events of resources that key may read (403 \`missing_scope\` for a type it may not; \`["*"]\` is every event it may read), each payload projected through the key's field restrictions. A key without \`webhooks:read\` gets only the receipt back (\`id\`, \`object\`, \`createdAt\`, \`updatedAt\`), so create endpoints with a key that may read them if you need the secret. The URL must use https and resolve only to public addresses (400 \`url_not_allowed\`). Trial accounts hold at most 2 endpoints (403 \`plan_limit_reached\`).`,
      body: schemas.create,
      response: schemas.withSecret,
    },
    (request, principal) => webhooks.createWebhookEndpoint(ctx, principal.accountId, request.body, principal),
  );

  routes.retrieve(
    { description: 'One endpoint by id, without its secret.', response: schemas.object },
    (request, { accountId }) => webhooks.getWebhookEndpoint(ctx, accountId, request.params.id),
  );

  routes.update(
    {
      errors: ['url_not_allowed'],
      description: `Changes only the fields sent; a new \`url\` is checked like on creation. Changing \`url\` or \`enabledEvents\` records the calling key's read permissions in place of the creator's, and the key must be able to read every event the endpoint then receives (403 \`missing_scope\`). \`status: "disabled"\` stops deliveries (those still pending fail; \`recover\` re-sends them later); \`status: "enabled"\` resumes them and clears \`disabledReason\` and the failure streak.`,
      body: schemas.update,
      response: schemas.object,
    },
    (request, principal) =>
      webhooks.updateWebhookEndpoint(ctx, principal.accountId, request.params.id, request.body, principal),
  );

  routes.remove(
    {
      description:
        'Removes the endpoint with its deliveries and their attempts: nothing more is sent to it. The events themselves stay in the events feed.',
    },
    (request, { accountId }) => webhooks.deleteWebhookEndpoint(ctx, accountId, request.params.id),
  );

  routes.action(
    'rotate-secret',
    {
      access: 'write',
      operationId: 'rotateWebhookEndpointSecret',
      summary: 'Rotate the signing secret',
      description:
        'Issues a new secret, returned only in this response. For the next 24 hours (`previousSecretExpiresAt`) deliveries carry two signatures, one per secret, so receivers verifying with either keep accepting them while you deploy the new one. Rotating again within those hours retires the oldest secret at once.',
      response: schemas.withSecret,
    },
    (request, { accountId }) => webhooks.rotateWebhookSecret(ctx, accountId, request.params.id),
  );

  routes.action(
    'test',
    {
      access: 'write',
      operationId: 'testWebhookEndpoint',
      errors: ['endpoint_disabled'],
      summary: 'Send a test event',
      description:
        "Queues a `ping` event for this endpoint alone and returns its delivery; follow it with the deliveries list. The ping's `data.object` is the endpoint itself (without its secret). Pings are not in the events feed. A disabled endpoint gets 409 `endpoint_disabled`.",
      response: WebhookDeliverySchema,
    },
    (request, { accountId }) => webhooks.sendTestEvent(ctx, accountId, request.params.id),
  );

  routes.route(
    {
      method: 'GET',
      url: '/webhook-endpoints/:id/deliveries',
      access: 'read',
      operationId: 'listWebhookDeliveries',
      summary: "List an endpoint's deliveries",
      description:
        'Newest first, cursor-paginated, each with the event it carries and every attempt made (status, duration, the start of the response). Filter by `status` and `updatedSince`.',
      params: routes.idParams,
      querystring: ListWebhookDeliveriesQuery,
      response: {
        200: listEnvelopeSchema(
          WebhookDeliverySchema,
          `/v1/webhook-endpoints/${exampleId(WEBHOOK_ENDPOINTS)}/deliveries`,
        ),
      },
    },
    async (request, { accountId }) => {
      const page = await webhooks.listWebhookDeliveries(
        ctx,
        accountId,
        request.params.id,
        request.query,
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  routes.action(
    'recover',
    {
      access: 'write',
      errors: ['endpoint_disabled'],
      summary: 'Re-send failed deliveries',
      description:
        'Queues every failed delivery of the endpoint created at or after `since` to be sent again now (after an outage of your receiver, say) and says how many, in the order their events happened. One whose retry schedule was used up gets one new attempt. A disabled endpoint gets 409 `endpoint_disabled`: enable it first.',
      body: RecoverWebhookEndpointBody,
      response: WebhookRecoverySchema,
    },
    (request, { accountId }) =>
      webhooks.recoverWebhookEndpoint(ctx, accountId, request.params.id, request.body.since),
  );

  routes.route(
    {
      method: 'POST',
      url: '/webhook-deliveries/:id/retry',
      access: 'write',
      operationId: 'retryWebhookDelivery',
      errors: ['endpoint_disabled'],
      summary: 'Replay a delivery now',
      description:
        'Sends the delivery again now, whatever its status: it becomes `pending` and due at once. A delivery whose retry schedule was used up gets this one attempt. The endpoint must be enabled (409 `endpoint_disabled`).',
      params: WebhookDeliveryIdParams,
      response: { 200: WebhookDeliverySchema },
    },
    (request, { accountId }) => webhooks.retryWebhookDelivery(ctx, accountId, request.params.id),
  );
});
