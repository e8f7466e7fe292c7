import { Webhook } from 'standardwebhooks';
import type { WebhookEndpointRow } from '../../db/tables.js';

/** The headers of one delivery attempt, as the Standard Webhooks specification names them. */
export interface SignedHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

type EndpointSecrets = Pick<WebhookEndpointRow, 'secret' | 'previous_secret' | 'previous_secret_expires_at'>;

/**
 * The secrets that sign a delivery at `now`: the current one, and after a rotation the previous one until it
 * expires, so a receiver still configured with the old secret keeps accepting deliveries while it switches.
 */
export function signingSecrets(endpoint: EndpointSecrets, now: Date): string[] {
  const { secret, previous_secret: previous, previous_secret_expires_at: expiresAt } = endpoint;
  if (previous !== null && expiresAt !== null && expiresAt > now.toISOString()) return [secret, previous];
  return [secret];
}

/**
 * Signs `payload` for message `messageId` (the event id, stable across retries so receivers can deduplicate) at
 * `timestamp`. Each secret adds one `v1,<base64>` signature, space-separated, as the specification allows.
 */
export function signDelivery(
  secrets: readonly string[],
  messageId: string,
  timestamp: Date,
  payload: string,
): SignedHeaders {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': secrets
      .map((secret) => new Webhook(secret).sign(messageId, timestamp, payload))
      .join(' '),
  };
}
