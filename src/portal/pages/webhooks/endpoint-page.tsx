import type { WebhookDeliveryStatus } from '../../../db/tables.js';
import type {
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from '../../../platform/webhooks/endpoints/schema.js';
import {
  type Column,
  ConfirmForm,
  DataTable,
  Dialog,
  EmptyTable,
  formatDateTime,
  InputField,
  Notices,
  PageHeader,
  Pager,
  type PagerLinks,
  SecretReveal,
  TableHead,
} from '../../components.js';
import { CsrfField, Layout } from '../../layout.js';
import type { PortalSession } from '../../session/service.js';
import { EndpointStatus, endpointUrl, eventsSummary, WEBHOOKS_URL } from './components.js';

export const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'succeeded', 'failed'];

const DELIVERY_TONES: Readonly<Record<WebhookDeliveryStatus, string>> = {
  pending: 'info',
  succeeded: 'ok',
  failed: 'danger',
};

/** A form whose only field is the CSRF token: one button, one action. */
function ActionForm({
  session,
  action,
  label,
  tone = 'secondary',
}: {
  session: PortalSession;
  action: string;
  label: string;
  tone?: 'secondary' | 'danger' | 'primary';
}): JSX.Element {
  return (
    <form class="inline" method="post" action={action}>
      <CsrfField session={session} />
      <button type="submit" class={tone === 'primary' ? undefined : tone} safe>
        {label}
      </button>
    </form>
  );
}

function AttemptRow({ attempt, timeZone }: { attempt: WebhookAttempt; timeZone: string }): JSX.Element {
  const ok = attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
  return (
    <tr>
      <td class="nowrap" safe>
        {formatDateTime(attempt.attemptedAt, timeZone)}
      </td>
      <td>
        {attempt.statusCode === null ? (
          <span class="badge danger">No response</span>
        ) : (
          <span class={`badge ${ok ? 'ok' : 'danger'}`} safe>
            {String(attempt.statusCode)}
          </span>
        )}
      </td>
      <td class="num" safe>
        {`${attempt.durationMs} ms`}
      </td>
      <td class="break">
        {attempt.responseBody ? (
          <code safe>{attempt.responseBody.slice(0, 200)}</code>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td class="break" safe>
        {attempt.error ?? ''}
      </td>
    </tr>
  );
}

const ATTEMPT_COLUMNS: readonly Column[] = [
  { label: 'Attempted' },
  { label: 'Response' },
  { label: 'Duration', num: true },
  { label: 'Response body' },
  { label: 'Error' },
];

function DeliveryRows({
  session,
  endpoint,
  delivery,
}: {
  session: PortalSession;
  endpoint: WebhookEndpoint;
  delivery: WebhookDelivery;
}): JSX.Element {
  const timeZone = session.account.timezone;
  return (
    <>
      <tr>
        <td class="nowrap" safe>
          {formatDateTime(delivery.createdAt, timeZone)}
        </td>
        <td>
          <code safe>{delivery.eventType}</code>
          <div class="hint">
            <code safe>{delivery.eventId}</code>
          </div>
        </td>
        <td>
          <span class={`badge ${DELIVERY_TONES[delivery.status]}`}>{delivery.status}</span>
          {delivery.status === 'pending' && delivery.nextAttemptAt ? (
            <div class="hint" safe>
              {`Next attempt ${formatDateTime(delivery.nextAttemptAt, timeZone)}`}
            </div>
          ) : (
            ''
          )}
        </td>
        <td class="num" safe>
          {String(delivery.attemptCount)}
        </td>
        <td>
          {endpoint.status === 'enabled' ? (
            <ActionForm
              session={session}
              action={`${endpointUrl(endpoint.id)}/deliveries/${encodeURIComponent(delivery.id)}/retry`}
              label={delivery.status === 'pending' ? 'Send now' : 'Replay'}
            />
          ) : (
            ''
          )}
        </td>
      </tr>
      <tr class="subrow">
        <td colspan="5">
          {delivery.attempts.length === 0 ? (
            <p class="hint">No attempt yet.</p>
          ) : (
            <table class="attempts">
              <caption class="visually-hidden" safe>
                {`Attempts of delivery ${delivery.id}`}
              </caption>
              <TableHead columns={ATTEMPT_COLUMNS} />
              <tbody>
                {delivery.attempts.map((attempt) => (
                  <AttemptRow attempt={attempt} timeZone={timeZone} />
                ))}
              </tbody>
            </table>
          )}
        </td>
      </tr>
    </>
  );
}

function Details({
  session,
  endpoint,
  now,
}: {
  session: PortalSession;
  endpoint: WebhookEndpoint;
  now: string;
}): JSX.Element {
  const timeZone = session.account.timezone;
  const previousSigns = endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt > now;
  return (
    <section class="panel" aria-labelledby="endpoint-details">
      <h2 id="endpoint-details">Details</h2>
      <dl class="meta">
        <dt>URL</dt>
        <dd>
          <code safe>{endpoint.url}</code>
        </dd>
        <dt>Description</dt>
        <dd safe>{endpoint.description ?? '—'}</dd>
        <dt>Status</dt>
        <dd>
          <EndpointStatus endpoint={endpoint} />
          {endpoint.failingSince ? (
            <div class="hint" safe>
              {`Every delivery has failed since ${formatDateTime(endpoint.failingSince, timeZone)}; after five days the endpoint is disabled.`}
            </div>
          ) : (
            ''
          )}
        </dd>
        <dt>Events</dt>
        <dd safe>{eventsSummary(endpoint.enabledEvents)}</dd>
        <dt>API version</dt>
        <dd safe>{endpoint.apiVersion ?? "The account's pinned version"}</dd>
        <dt>Signing secret</dt>
        <dd>
          <span class="muted">Shown only when created or rotated.</span>
          {previousSigns ? (
            <div class="hint" safe>
              {`The previous secret also signs until ${formatDateTime(endpoint.previousSecretExpiresAt, timeZone)}.`}
            </div>
          ) : (
            ''
          )}
        </dd>
        <dt>Id</dt>
        <dd>
          <code safe>{endpoint.id}</code>
        </dd>
        <dt>Created</dt>
        <dd safe>{formatDateTime(endpoint.createdAt, timeZone)}</dd>
      </dl>
    </section>
  );
}

const DELIVERY_COLUMNS: readonly Column[] = [
  { label: 'Queued' },
  { label: 'Event' },
  { label: 'Status' },
  { label: 'Attempts', num: true },
  { label: 'Actions', hidden: true },
];

export interface EndpointPageProps {
  readonly session: PortalSession;
  readonly endpoint: WebhookEndpoint;
  /** The clock's now, ISO: whether the previous secret still signs. */
  readonly now: string;
  readonly deliveries: readonly WebhookDelivery[];
  readonly deliveryStatus: WebhookDeliveryStatus | undefined;
  readonly pager: PagerLinks;
  /** datetime-local value the recover form starts with. */
  readonly recoverSince: string;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
  /** The signing secret, in the one response that creates or rotates it. */
  readonly secret?: { readonly value: string; readonly heading: string } | undefined;
}

export function EndpointPage(props: EndpointPageProps): JSX.Element {
  const { session, endpoint } = props;
  const base = endpointUrl(endpoint.id);
  const enabled = endpoint.status === 'enabled';
  return (
    <Layout title="Webhook endpoint" session={session} active="webhooks">
      <p class="breadcrumb">
        <a href={WEBHOOKS_URL}>← Webhooks</a>
      </p>
      <PageHeader title="Webhook endpoint" subtitle={endpoint.description ?? endpoint.url}>
        {enabled ? (
          <ActionForm session={session} action={`${base}/test`} label="Send test event" tone="primary" />
        ) : (
          ''
        )}
        <ActionForm
          session={session}
          action={`${base}/${enabled ? 'disable' : 'enable'}`}
          label={enabled ? 'Disable' : 'Enable'}
        />
        <button type="button" class="secondary" data-open-dialog="rotate-secret">
          Rotate secret
        </button>
        <button type="button" class="danger" data-open-dialog="delete-endpoint">
          Delete
        </button>
      </PageHeader>
      {props.secret ? (
        <section class="panel" aria-labelledby="secret-heading">
          <h2 id="secret-heading" safe>
            {props.secret.heading}
          </h2>
          <p>Verify every delivery's signature with it (any Standard Webhooks library does).</p>
          <SecretReveal
            id="endpoint-secret"
            secret={props.secret.value}
            what="signing secret"
            why="no page or API response shows it after this one."
          />
        </section>
      ) : (
        ''
      )}
      <Notices notice={props.notice} error={props.error} />
      <Details session={session} endpoint={endpoint} now={props.now} />

      <section class="panel" aria-labelledby="recover-heading">
        <h2 id="recover-heading">Recover failed deliveries</h2>
        <p class="hint">
          After an outage of your receiver: send again every delivery that failed since a time (in{' '}
          <span safe>{session.account.timezone}</span>).
        </p>
        <form class="filters" method="post" action={`${base}/recover`}>
          <CsrfField session={session} />
          <InputField
            label="Failed since"
            id="recover-since"
            name="since"
            type="datetime-local"
            required
            value={props.recoverSince}
          />
          <button type="submit" class="secondary" disabled={!enabled}>
            Recover
          </button>
        </form>
      </section>

      <div class="panel-head">
        <h2 class="section-title">Deliveries</h2>
        <form class="filters" method="get" action={base}>
          <div class="field">
            <label for="delivery-status">Status</label>
            <select id="delivery-status" name="status">
              <option value="" selected={props.deliveryStatus === undefined}>
                Any status
              </option>
              {DELIVERY_STATUSES.map((status) => (
                <option value={status} selected={props.deliveryStatus === status}>
                  {status}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="secondary">
            Show
          </button>
        </form>
      </div>
      {props.deliveries.length === 0 ? (
        <EmptyTable>No deliveries yet. Send a test event to see one.</EmptyTable>
      ) : (
        <DataTable
          caption="Deliveries to this endpoint, newest first, each with its attempts"
          columns={DELIVERY_COLUMNS}
          tableClass="deliveries"
        >
          {props.deliveries.map((delivery) => (
            <DeliveryRows session={session} endpoint={endpoint} delivery={delivery} />
          ))}
        </DataTable>
      )}
      <Pager links={props.pager} />

      <Dialog id="rotate-secret" title="Rotate the signing secret?">
        <p>
          A new secret is generated and shown once. The current secret keeps signing deliveries, next to the
          new one, for 24 hours, so your receiver can switch over without rejecting events.
        </p>
        <ConfirmForm action={`${base}/rotate-secret`} session={session}>
          <button type="submit">Rotate secret</button>
        </ConfirmForm>
      </Dialog>
      <Dialog id="delete-endpoint" title="Delete this endpoint?">
        <p>
          It receives nothing more, and its deliveries and their attempts are deleted with it. This cannot be
          undone.
        </p>
        <ConfirmForm action={`${base}/delete`} session={session}>
          <button type="submit" class="danger">
            Delete endpoint
          </button>
        </ConfirmForm>
      </Dialog>
    </Layout>
  );
}
