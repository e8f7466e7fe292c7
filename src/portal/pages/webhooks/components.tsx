import type { WebhookEndpoint } from '../../../platform/webhooks/endpoints/schema.js';

export const WEBHOOKS_URL = '/portal/developer/webhooks';

export function endpointUrl(id: string): string {
  return `${WEBHOOKS_URL}/${encodeURIComponent(id)}`;
}

const DISABLED_REASONS: Readonly<Record<string, string>> = {
  manual: 'Disabled by an administrator.',
  gone: 'Disabled: the endpoint answered 410 Gone.',
  failing: 'Disabled: every delivery failed for five days.',
};

export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }): JSX.Element {
  if (endpoint.status === 'enabled') {
    return (
      <>
        <span class="badge ok">Enabled</span>
        {endpoint.failingSince ? <span class="badge warn">Failing</span> : ''}
      </>
    );
  }
  return (
    <>
      <span class="badge danger">Disabled</span>
      {endpoint.disabledReason ? (
        <div class="hint" safe>
          {DISABLED_REASONS[endpoint.disabledReason] ?? endpoint.disabledReason}
        </div>
      ) : (
        ''
      )}
    </>
  );
}

/** "All events", or the subscribed types (the first few, then how many more, when `limit` is given). */
export function eventsSummary(events: readonly string[], limit?: number): string {
  if (events.includes('*')) return 'All events';
  if (limit === undefined || events.length <= limit) return events.join(', ');
  return `${events.slice(0, limit).join(', ')} and ${events.length - limit} more`;
}
