import { SUPPORTED_API_VERSIONS } from '../../../platform/versioning/versions.js';
import {
  WEBHOOK_DESCRIPTION_MAX_LENGTH,
  WEBHOOK_URL_MAX_LENGTH,
  type WebhookEndpoint,
} from '../../../platform/webhooks/endpoints/schema.js';
import { RESOURCES } from '../../../resources/registry.js';
import {
  CancelButton,
  type Column,
  DataTable,
  Dialog,
  formatDateTime,
  InputField,
  Notices,
  PageHeader,
  Pager,
  type PagerLinks,
} from '../../components.js';
import { CsrfField, Layout } from '../../layout.js';
import type { PortalSession } from '../../session/service.js';
import { EndpointStatus, endpointUrl, eventsSummary, WEBHOOKS_URL } from './components.js';
import type { EndpointFormValues } from './form.js';

function EventCheckbox({
  type,
  checked,
  hint,
}: {
  type: string;
  checked: boolean;
  hint?: string;
}): JSX.Element {
  const id = `event-${type}`;
  return (
    <div class="check">
      <input id={id} type="checkbox" name="events" value={type} checked={checked} />
      <label for={id} title={hint}>
        <code safe>{type}</code>
      </label>
    </div>
  );
}

/** The two ways to choose events: the form's `events_mode` values. */
const EVENTS_MODES = [
  { mode: 'all', label: 'All events, including types added later' },
  { mode: 'selected', label: 'Only the events ticked below' },
] as const;

function CreateEndpointForm({
  session,
  values,
}: {
  session: PortalSession;
  values: EndpointFormValues;
}): JSX.Element {
  const chosen = new Set(values.events);
  const pinned = session.account.api_version;
  return (
    <form method="post" action={WEBHOOKS_URL}>
      <CsrfField session={session} />
      <InputField
        label="Endpoint URL"
        id="endpoint-url"
        name="url"
        type="url"
        required
        maxlength={String(WEBHOOK_URL_MAX_LENGTH)}
        value={values.url}
        placeholder="https://hooks.example.com/punchclock"
        aria-describedby="endpoint-url-hint"
      >
        <p class="hint" id="endpoint-url-hint">
          Events are POSTed here, signed per Standard Webhooks. It must use https and reach a public address.
        </p>
      </InputField>
      <InputField
        label="Description (optional)"
        id="endpoint-description"
        name="description"
        type="text"
        maxlength={String(WEBHOOK_DESCRIPTION_MAX_LENGTH)}
        value={values.description}
        placeholder="Payroll sync"
      />
      <fieldset>
        <legend>Events to send</legend>
        {EVENTS_MODES.map(({ mode, label }) => (
          <div class="check">
            <input
              id={`events-${mode}`}
              type="radio"
              name="events_mode"
              value={mode}
              checked={values.eventsMode === mode}
            />
            <label for={`events-${mode}`}>{label}</label>
          </div>
        ))}
        <details open={values.eventsMode === 'selected'}>
          <summary>Choose events</summary>
          <div class="check-grid">
            {RESOURCES.changeEvents.map(({ type }) => (
              <EventCheckbox type={type} checked={chosen.has(type)} />
            ))}
          </div>
          <p class="hint">Domain events, sent besides the change events above:</p>
          <div class="check-grid">
            {RESOURCES.domainEvents.map(({ type, description }) => (
              <EventCheckbox type={type} checked={chosen.has(type)} hint={description ?? undefined} />
            ))}
          </div>
        </details>
      </fieldset>
      <div class="field">
        <label for="endpoint-api-version">API version of the event objects</label>
        <select id="endpoint-api-version" name="api_version">
          <option value="" selected={values.apiVersion === ''}>
            {pinned ? `The account's pinned version (${pinned})` : "The account's pinned version"}
          </option>
          {SUPPORTED_API_VERSIONS.map((version) => (
            <option value={version} selected={values.apiVersion === version} safe>
              {version}
            </option>
          ))}
        </select>
        <p class="hint">
          Pin a version so that an account upgrade does not change the payloads this endpoint gets.
        </p>
      </div>
      <div class="actions">
        <button type="submit">Create endpoint</button>
        <CancelButton />
      </div>
    </form>
  );
}

export interface WebhooksPageProps {
  readonly session: PortalSession;
  readonly endpoints: readonly WebhookEndpoint[];
  readonly pager: PagerLinks;
  readonly notice?: string | undefined;
  /** The create form sent back, with what needs fixing: the dialog opens by itself. */
  readonly form: EndpointFormValues;
  readonly formError?: string | undefined;
}

const ENDPOINT_COLUMNS: readonly Column[] = [
  { label: 'Endpoint' },
  { label: 'Events' },
  { label: 'Status' },
  { label: 'Created' },
];

export function WebhooksPage(props: WebhooksPageProps): JSX.Element {
  const timeZone = props.session.account.timezone;
  return (
    <Layout title="Webhooks" session={props.session} active="webhooks">
      <PageHeader
        title="Webhooks"
        subtitle="Signed HTTP callbacks sent to your endpoints when something changes in the account, retried until they are accepted."
      >
        <button type="button" data-open-dialog="create-endpoint">
          Add endpoint
        </button>
      </PageHeader>
      <Notices notice={props.notice} />
      {props.endpoints.length === 0 ? (
        <div class="panel">
          <p class="empty">
            No endpoints yet. Add one to receive events as they happen, or poll <code>GET /v1/events</code>.
          </p>
        </div>
      ) : (
        <DataTable caption="Webhook endpoints, newest first" columns={ENDPOINT_COLUMNS}>
          {props.endpoints.map((endpoint) => (
            <tr>
              <td class="break">
                <a href={endpointUrl(endpoint.id)}>
                  <code safe>{endpoint.url}</code>
                </a>
                {endpoint.description ? (
                  <div class="hint" safe>
                    {endpoint.description}
                  </div>
                ) : (
                  ''
                )}
              </td>
              <td safe>{eventsSummary(endpoint.enabledEvents, 3)}</td>
              <td>
                <EndpointStatus endpoint={endpoint} />
              </td>
              <td class="nowrap" safe>
                {formatDateTime(endpoint.createdAt, timeZone)}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Pager links={props.pager} />
      <Dialog id="create-endpoint" title="Add a webhook endpoint" openOnLoad={props.formError !== undefined}>
        <Notices error={props.formError} />
        <CreateEndpointForm session={props.session} values={props.form} />
      </Dialog>
    </Layout>
  );
}
