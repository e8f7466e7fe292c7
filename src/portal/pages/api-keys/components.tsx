import type { PropsWithChildren } from '@kitajs/html';
import { PLAN_LIMITS } from '../../../platform/accounts/plans.js';
import type { ApiKeyObject, ListedApiKey } from '../../../platform/api-keys/key-row.js';
import {
  Alert,
  type Column,
  DataTable,
  Dialog,
  DialogActions,
  EmptyTable,
  formatDate,
  formatDateTime,
  InputField,
  maskedKey,
  Notices,
  PageHeader,
  SecretReveal,
} from '../../components.js';
import { CsrfField, Layout } from '../../layout.js';
import type { PortalSession } from '../../session/service.js';
import { USERS_PATH } from '../users/page.js';
import {
  type CreateKeyForm,
  EMPTY_CREATE_FORM,
  fieldsInputName,
  type MatrixRow,
  PERMISSION_MATRIX,
  summariseScopes,
} from './permissions.js';

/** The page's route inside the portal plugin (prefixed /portal), and its full path for links and forms. */
export const KEYS_ROUTE = '/developer/api-keys';
export const KEYS_PATH = `/portal${KEYS_ROUTE}`;
/** The element htmx replaces with the answer to every form on the page. */
const CONTENT_ID = 'api-keys';

/** The grace periods the Roll dialog offers, in seconds; 24 h is the service's default. */
const ROLL_GRACE_CHOICES = [
  { seconds: 0, label: 'Immediately' },
  { seconds: 3600, label: 'In 1 hour' },
  { seconds: 86_400, label: 'In 24 hours', preselected: true },
  { seconds: 604_800, label: 'In 7 days' },
] as const;

export interface KeyOwner {
  readonly name: string;
  readonly email: string;
}

/** Everything the keys page shows; the optional parts come from the action just taken. */
export interface KeysView {
  readonly session: PortalSession;
  readonly keys: readonly ListedApiKey[];
  readonly owners: ReadonlyMap<string, KeyOwner>;
  /** The first day the expiry picker offers (today in the account's time zone). */
  readonly today: string;
  readonly notice?: string | undefined;
  /** A refused action other than creation (revoke, roll, revoke all). */
  readonly error?: string | undefined;
  /** The create form to show again, open, with what was typed and why it was refused. */
  readonly create?: { readonly form: CreateKeyForm; readonly error: string } | undefined;
  /** A key just created or rolled: the one response that ever contains it. */
  readonly revealed?: { readonly key: string; readonly name: string; readonly oldKeyUntil?: string | null };
}

/**
 * A form of this page: a plain POST that redirects (or answers with the page), which htmx upgrades to replace just
 * the page's content. Refusals come back as the content with its message, so they are swapped in too.
 */
function ActionForm({
  action,
  session,
  children,
}: PropsWithChildren<{ action: string; session: PortalSession }>): JSX.Element {
  return (
    <form
      method="post"
      action={action}
      hx-post={action}
      hx-target={`#${CONTENT_ID}`}
      hx-swap="outerHTML"
      data-swap-errors
    >
      <CsrfField session={session} />
      {children}
    </form>
  );
}

function StatusBadges({ apiKey, timeZone }: { apiKey: ListedApiKey; timeZone: string }): JSX.Element {
  const tone = { active: 'ok', revoked: 'danger', expired: 'warn' }[apiKey.status];
  const label = { active: 'Active', revoked: 'Revoked', expired: 'Expired' }[apiKey.status];
  return (
    <>
      <span class={`badge ${tone}`} safe>
        {label}
      </span>
      {apiKey.status === 'active' && !apiKey.ownerActive ? (
        <a
          class="badge danger"
          href={USERS_PATH}
          title="Its owner is deactivated or no longer an administrator: requests answer 401 api_key_owner_inactive until an administrator reassigns or revokes it (Team → Users)."
        >
          Owner inactive
        </a>
      ) : (
        ''
      )}
      {apiKey.replacedBy && apiKey.status === 'active' ? (
        <span class="badge info" title={`Rolled; works until ${formatDateTime(apiKey.expiresAt, timeZone)}`}>
          Rolled
        </span>
      ) : (
        ''
      )}
    </>
  );
}

function Permissions({ apiKey }: { apiKey: ApiKeyObject }): JSX.Element {
  const summary = summariseScopes(apiKey.scopes, apiKey.fieldRestrictions);
  if (summary === 'full') return <span class="badge info">Full access</span>;
  return (
    <ul class="scope-list">
      {summary.map((line) => (
        <li>
          <span safe>{line.label}</span>: <span safe>{line.access}</span>
          {line.fields ? (
            <span class="hint" safe>
              {` (fields: ${line.fields.join(', ')})`}
            </span>
          ) : (
            ''
          )}
        </li>
      ))}
    </ul>
  );
}

function Owner({
  createdBy,
  owners,
}: {
  createdBy: string;
  owners: ReadonlyMap<string, KeyOwner>;
}): JSX.Element {
  if (createdBy === 'operator') return <div class="hint">by the Punchclock operator</div>;
  const owner = owners.get(createdBy);
  if (!owner) return <div class="hint truncate" safe>{`by ${createdBy}`}</div>;
  return (
    <div class="hint truncate" title={`${owner.name} <${owner.email}>`} safe>
      {`by ${owner.name}`}
    </div>
  );
}

function RevokeDialog({ apiKey, session }: { apiKey: ApiKeyObject; session: PortalSession }): JSX.Element {
  return (
    <Dialog id={`revoke-${apiKey.id}`} title={`Revoke “${apiKey.name}”?`}>
      <p>
        Requests with <code safe>{maskedKey(apiKey)}</code> are refused (401) from now on. This cannot be
        undone; an integration using it needs a new key.
      </p>
      <ActionForm action={`${KEYS_PATH}/${apiKey.id}/revoke`} session={session}>
        <DialogActions>
          <button type="submit" class="danger">
            Revoke key
          </button>
        </DialogActions>
      </ActionForm>
    </Dialog>
  );
}

function RollDialog({ apiKey, session }: { apiKey: ApiKeyObject; session: PortalSession }): JSX.Element {
  return (
    <Dialog id={`roll-${apiKey.id}`} title={`Roll “${apiKey.name}”`}>
      <p>
        Rolling issues a new key with the same permissions and settings. Switch your integration to it before
        the old key <code safe>{maskedKey(apiKey)}</code> stops working.
      </p>
      <ActionForm action={`${KEYS_PATH}/${apiKey.id}/roll`} session={session}>
        <fieldset>
          <legend>When should the old key stop working?</legend>
          {ROLL_GRACE_CHOICES.map((choice) => {
            const id = `roll-${apiKey.id}-${choice.seconds}`;
            return (
              <div class="check">
                <input
                  type="radio"
                  id={id}
                  name="grace"
                  value={String(choice.seconds)}
                  checked={'preselected' in choice}
                />
                <label for={id}>{choice.label}</label>
              </div>
            );
          })}
        </fieldset>
        <DialogActions>
          <button type="submit">Roll key</button>
        </DialogActions>
      </ActionForm>
    </Dialog>
  );
}

function RevokeAllDialog({ session }: { session: PortalSession }): JSX.Element {
  const accountName = session.account.name;
  return (
    <Dialog id="revoke-all" title="Revoke all API keys?">
      <Alert tone="error">
        <strong>This cannot be undone.</strong> Every key of the account stops working at once, including keys
        that are still in a roll's grace period. Integrations need new keys afterwards.
      </Alert>
      <ActionForm action={`${KEYS_PATH}/revoke-all`} session={session}>
        <div class="field">
          <label for="revoke-all-confirm">
            Type the account name, <span safe>{accountName}</span>, to confirm
          </label>
          <input
            id="revoke-all-confirm"
            type="text"
            name="confirm"
            autocomplete="off"
            required
            data-confirm-text={accountName}
          />
        </div>
        <DialogActions>
          <button type="submit" class="danger" data-confirm-submit disabled>
            Revoke all keys
          </button>
        </DialogActions>
      </ActionForm>
    </Dialog>
  );
}

function MatrixCheckbox({
  row,
  access,
  form,
}: {
  row: MatrixRow;
  access: 'read' | 'write';
  form: CreateKeyForm;
}) {
  const scope = `${row.resource}:${access}`;
  const id = `scope-${row.resource}-${access}`;
  return (
    <div class="check">
      <input type="checkbox" id={id} name="scope" value={scope} checked={form.scopes.includes(scope)} />
      <label for={id}>
        <span class="visually-hidden" safe>
          {row.label}
        </span>{' '}
        {access === 'read' ? 'Read' : 'Write'}
      </label>
    </div>
  );
}

function PermissionMatrix({ form }: { form: CreateKeyForm }): JSX.Element {
  return (
    <fieldset>
      <legend>Permissions</legend>
      <p class="hint">
        Grant the smallest set your integration needs; you can create another key later. Write does not
        include Read.
      </p>
      <div class="check switch">
        <input
          type="checkbox"
          id="full-access"
          name="full_access"
          value="on"
          checked={form.fullAccess}
          data-disables="permission-matrix"
        />
        <label for="full-access">Select All (Full Access)</label>
      </div>
      <fieldset id="permission-matrix" class="matrix" disabled={form.fullAccess}>
        <legend class="visually-hidden">Permissions per resource</legend>
        <table>
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Read</th>
              <th scope="col">Write</th>
            </tr>
          </thead>
          <tbody>
            {PERMISSION_MATRIX.map((row) => (
              <tr>
                <th scope="row" safe>
                  {row.label}
                </th>
                <td>
                  <MatrixCheckbox row={row} access="read" form={form} />
                </td>
                <td>
                  {row.writable ? (
                    <MatrixCheckbox row={row} access="write" form={form} />
                  ) : (
                    <span class="hint">Read-only</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
    </fieldset>
  );
}

function FieldRestrictions({ form }: { form: CreateKeyForm }): JSX.Element {
  const restricted = Object.keys(form.fields).length > 0;
  return (
    <details class="restrictions" open={restricted}>
      <summary>Field restrictions (optional)</summary>
      <p class="hint">
        Limit a resource to chosen fields: its responses carry only these (plus id and object) and writes may
        touch only these. Leave a resource unticked to allow all its fields.
      </p>
      {PERMISSION_MATRIX.filter((row) => row.fields.length > 0).map((row) => {
        const picked = form.fields[row.resource] ?? [];
        return (
          <details open={picked.length > 0}>
            <summary safe>{`${row.label} fields`}</summary>
            <div class="check-grid">
              {row.fields.map((field) => {
                const id = `field-${row.resource}-${field}`;
                return (
                  <div class="check">
                    <input
                      type="checkbox"
                      id={id}
                      name={fieldsInputName(row.resource)}
                      value={field}
                      checked={picked.includes(field)}
                    />
                    <label for={id}>
                      <span class="visually-hidden" safe>
                        {row.label}
                      </span>{' '}
                      <code safe>{field}</code>
                    </label>
                  </div>
                );
              })}
            </div>
          </details>
        );
      })}
    </details>
  );
}

function CreateDialog({
  view,
  form,
  error,
}: {
  view: KeysView;
  form: CreateKeyForm;
  error: string | undefined;
}): JSX.Element {
  const account = view.session.account;
  return (
    <Dialog id="create-key" title="Create API key" openOnLoad={error !== undefined}>
      <ActionForm action={KEYS_PATH} session={view.session}>
        <Notices error={error} />
        <InputField
          label="Key name"
          id="key-name"
          type="text"
          name="name"
          required
          maxlength="100"
          placeholder="Production Integration"
          value={form.name}
        >
          <p class="hint">A clear name, so you recognise the key later.</p>
        </InputField>
        <PermissionMatrix form={form} />
        <FieldRestrictions form={form} />
        <div class="form-grid">
          <InputField
            label="Expires after (optional)"
            id="key-expires"
            type="date"
            name="expires_on"
            min={view.today}
            value={form.expiresOn}
          >
            <p class="hint" safe>
              {`The key stops working when this day ends (${account.timezone}). Empty: it never expires.`}
            </p>
          </InputField>
          <InputField
            label="Rate limit per minute (optional)"
            id="key-rate-limit"
            type="number"
            name="rate_limit"
            min="1"
            max="100000"
            step="1"
            inputmode="numeric"
            value={form.rateLimit}
          >
            <p class="hint" safe>
              {`Applies to this key on top of the account's ${PLAN_LIMITS[account.plan].requestsPerMinute} requests per minute.`}
            </p>
          </InputField>
        </div>
        <DialogActions>
          <button type="submit">Create API key</button>
        </DialogActions>
      </ActionForm>
    </Dialog>
  );
}

function RevealDialog({
  revealed,
  timeZone,
}: {
  revealed: NonNullable<KeysView['revealed']>;
  timeZone: string;
}) {
  return (
    <Dialog
      id="new-key"
      title={revealed.oldKeyUntil !== undefined ? 'Key rolled' : 'API key created'}
      openOnLoad
    >
      <p>
        Your new key for <strong safe>{revealed.name}</strong>:
      </p>
      <SecretReveal id="new-key-value" secret={revealed.key} what="key" />
      {revealed.oldKeyUntil !== undefined ? (
        <p class="hint" safe>
          {`The old key works until ${formatDateTime(revealed.oldKeyUntil, timeZone)}.`}
        </p>
      ) : (
        ''
      )}
      <p class="hint">
        Send it as <code>Authorization: Bearer &lt;key&gt;</code>. Store it in a secrets manager or an
        environment variable, never in client-side code.
      </p>
      <div class="dialog-actions">
        <button type="button" data-close-dialog>
          I have copied it
        </button>
      </div>
    </Dialog>
  );
}

function KeyRow({ apiKey, view }: { apiKey: ListedApiKey; view: KeysView }): JSX.Element {
  const timeZone = view.session.account.timezone;
  const manageable = apiKey.status === 'active' && apiKey.replacedBy === null;
  return (
    <tr>
      <td safe>{apiKey.name}</td>
      <td class="nowrap">
        <code safe>{maskedKey(apiKey)}</code>
      </td>
      <td>
        <Permissions apiKey={apiKey} />
        {apiKey.rateLimitPerMinute !== null ? (
          <div class="hint" safe>{`${apiKey.rateLimitPerMinute} requests/min`}</div>
        ) : (
          ''
        )}
      </td>
      <td>
        <StatusBadges apiKey={apiKey} timeZone={timeZone} />
      </td>
      <td safe>{formatDateTime(apiKey.lastUsedAt, timeZone, 'Never')}</td>
      <td>
        <time datetime={apiKey.createdAt} title={formatDateTime(apiKey.createdAt, timeZone)} safe>
          {formatDate(apiKey.createdAt, timeZone)}
        </time>
        <Owner createdBy={apiKey.createdBy} owners={view.owners} />
      </td>
      <td class="nowrap">
        {apiKey.expiresAt ? (
          <time datetime={apiKey.expiresAt} title={formatDateTime(apiKey.expiresAt, timeZone)} safe>
            {formatDate(apiKey.expiresAt, timeZone)}
          </time>
        ) : (
          'Never'
        )}
      </td>
      <td>
        {manageable ? (
          <div class="actions">
            <button
              type="button"
              class="secondary small"
              data-open-dialog={`roll-${apiKey.id}`}
              aria-label={`Roll ${apiKey.name}`}
            >
              Roll
            </button>
            <button
              type="button"
              class="secondary small"
              data-open-dialog={`revoke-${apiKey.id}`}
              aria-label={`Revoke ${apiKey.name}`}
            >
              Revoke
            </button>
          </div>
        ) : (
          ''
        )}
      </td>
    </tr>
  );
}

const KEY_COLUMNS: readonly Column[] = [
  { label: 'Name' },
  { label: 'Key' },
  { label: 'Permissions' },
  { label: 'Status' },
  { label: 'Last used' },
  { label: 'Created' },
  { label: 'Expires' },
  { label: 'Actions', hidden: true },
];

function KeyTable({ view }: { view: KeysView }): JSX.Element {
  if (view.keys.length === 0) {
    return <EmptyTable>No API keys yet. Create one to connect an integration.</EmptyTable>;
  }
  return (
    <DataTable caption="API keys, newest first" columns={KEY_COLUMNS}>
      {view.keys.map((apiKey) => (
        <KeyRow apiKey={apiKey} view={view} />
      ))}
    </DataTable>
  );
}

/** The page's content: what htmx swaps after an action, and what the full page wraps in the layout. */
export function KeysContent({ view }: { view: KeysView }): JSX.Element {
  const account = view.session.account;
  const apiAccess = account.api_access === 1;
  const revocable = view.keys.some((key) => key.status === 'active');
  const manageable = view.keys.filter((key) => key.status === 'active' && key.replacedBy === null);
  return (
    <div id={CONTENT_ID}>
      <PageHeader
        title="API keys"
        subtitle="Keys let your integrations call the Punchclock API. Each key carries only the permissions you give it."
      >
        <button
          type="button"
          class="secondary"
          data-open-dialog="revoke-all"
          disabled={!revocable}
          aria-label="Revoke all keys"
        >
          Revoke all
        </button>
        <button type="button" data-open-dialog="create-key" disabled={!apiAccess}>
          + Create new API key
        </button>
      </PageHeader>
      {apiAccess ? (
        ''
      ) : (
        <Alert tone="warn">
          <strong>API access is off for this account.</strong> The Punchclock operator must enable it before
          keys can be created; until then every API request with this account's keys is refused (403{' '}
          <code>api_access_disabled</code>). Contact your Punchclock operator to turn it on.
        </Alert>
      )}
      {account.plan === 'trial' ? (
        <p class="hint">
          Trial accounts may hold one active key at a time: revoke it before creating another.
        </p>
      ) : (
        ''
      )}
      <Notices notice={view.notice} error={view.error} />
      {view.keys.some((key) => key.status === 'active' && !key.ownerActive) ? (
        <Alert tone="warn">
          <strong>Some keys do not work:</strong> their owner is deactivated or no longer an administrator, so
          they answer 401 <code>api_key_owner_inactive</code>. Reassign or revoke them in{' '}
          <a href={USERS_PATH}>Team → Users</a>.
        </Alert>
      ) : (
        ''
      )}
      <KeyTable view={view} />
      <div class="panel">
        <h2>Using a key</h2>
        <p>
          Send the key as a Bearer token on every request: <code>Authorization: Bearer pc_live_…</code>. A
          missing or revoked key gets 401; a key without the needed permission gets 403. Every endpoint is
          described in the <a href="/docs">API reference</a>.
        </p>
      </div>
      {apiAccess ? (
        <CreateDialog view={view} form={view.create?.form ?? EMPTY_CREATE_FORM} error={view.create?.error} />
      ) : (
        ''
      )}
      {view.revealed ? <RevealDialog revealed={view.revealed} timeZone={account.timezone} /> : ''}
      {revocable ? <RevokeAllDialog session={view.session} /> : ''}
      {manageable.map((apiKey) => (
        <>
          <RevokeDialog apiKey={apiKey} session={view.session} />
          <RollDialog apiKey={apiKey} session={view.session} />
        </>
      ))}
    </div>
  );
}

export function KeysPage({ view }: { view: KeysView }): JSX.Element {
  return (
    <Layout title="API keys" session={view.session} active="api-keys">
      <KeysContent view={view} />
    </Layout>
  );
}
