import type { IdKind } from '../../../shared/ids.js';
import { defineResource } from '../../descriptors/descriptor.js';

export const WEBHOOK_ENDPOINTS = defineResource({
  scope: { name: 'webhooks', label: 'Webhooks', writable: true },
  object: 'webhook_endpoint',
  idPrefix: 'we',
  path: '/webhook-endpoints',
  names: { one: 'webhook endpoint', many: 'webhook endpoints' },
  tag: {
    name: 'Webhook endpoints',
    description:
      'URLs that receive every change as a signed event (Standard Webhooks), with deliveries, retries, replay and recovery.',
  },
  fields: [
    'url',
    'description',
    'enabledEvents',
    'apiVersion',
    'status',
    'disabledReason',
    'failingSince',
    'previousSecretExpiresAt',
    'createdAt',
    'updatedAt',
  ],
  restrictable: false,
  events: {
    changes: true,
    domain: {
      disabled:
        'A webhook endpoint was disabled by the dispatcher: it answered 410 Gone, or failed for five days.',
    },
  },
});

/** One event on its way to one endpoint: listed under its endpoint, replayed at `/v1/webhook-deliveries/{id}`. */
export const WEBHOOK_DELIVERIES: IdKind = { idPrefix: 'whd' };

/** One HTTP request of a delivery. */
export const WEBHOOK_ATTEMPTS: IdKind = { idPrefix: 'wha' };
