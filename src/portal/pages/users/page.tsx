import type { PropsWithChildren } from '@kitajs/html';
import type { User } from '../../../platform/users/schema.js';
import type { PasswordLink } from '../../../platform/users/service.js';
import {
  Alert,
  type Column,
  DataTable,
  Dialog,
  DialogActions,
  formatDateTime,
  InputField,
  Notices,
  PageHeader,
  SecretReveal,
} from '../../components.js';
import { CsrfField, Layout } from '../../layout.js';
import type { PortalSession } from '../../session/service.js';

/** The page's route inside the portal plugin (prefixed /portal), and its full path for links and forms. */
export const USERS_ROUTE = '/team/users';
export const USERS_PATH = `/portal${USERS_ROUTE}`;

/** A location or group a manager may be given, by id and name. */
export interface Choice {
  readonly id: string;
  readonly name: string;
}

/** What the invite form sent, to show it again with the reason it was refused. */
export interface InviteForm {
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly credential: 'link' | 'password';
  readonly managedLocationIds: readonly string[];
  readonly managedGroupIds: readonly string[];
}

export const EMPTY_INVITE_FORM: InviteForm = {
  email: '',
  name: '',
  role: 'manager',
  credential: 'link',
  managedLocationIds: [],
  managedGroupIds: [],
};

/** A sign-in link or a password just made for a user: the one response that ever shows it. */
export interface Revealed {
  readonly title: string;
  readonly user: User;
  readonly link: PasswordLink | null;
  readonly password: string | null;
}

/** Everything the Users page shows; the optional parts come from the action just taken. */
export interface UsersView {
  readonly session: PortalSession;
  readonly users: readonly User[];
  /** API keys (active, not rolled away) each user owns, and how many of them answer 401 because of their owner. */
  readonly keys: ReadonlyMap<string, { readonly total: number; readonly stopped: number }>;
  readonly locations: readonly Choice[];
  readonly groups: readonly Choice[];
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
  readonly invite?: { readonly form: InviteForm; readonly error: string } | undefined;
  readonly revealed?: Revealed | undefined;
}

const ROLE_LABELS = { administrator: 'Administrator', manager: 'Manager', employee: 'Employee' } as const;

function namesOf(ids: readonly string[], choices: readonly Choice[]): string[] {
  const names = new Map(choices.map((choice) => [choice.id, choice.name]));
  return ids.map((id) => names.get(id) ?? id);
}

/** What a manager manages, in words: "Whole team" when no location or group narrows it. */
function managesText(user: User, view: UsersView): string {
  if (user.role !== 'manager') return 'Everything (administrator)';
  const places = [
    ...namesOf(user.managedLocationIds, view.locations),
    ...namesOf(user.managedGroupIds, view.groups),
  ];
  return places.length === 0 ? 'Whole team' : places.join(', ');
}

function ChoiceBoxes({
  legend,
  name,
  idPrefix,
  choices,
  checked,
}: {
  legend: string;
  name: string;
  idPrefix: string;
  choices: readonly Choice[];
  checked: readonly string[];
}): JSX.Element {
  return (
    <fieldset>
      <legend safe>{legend}</legend>
      {choices.length === 0 ? (
        <p class="hint">None defined yet.</p>
      ) : (
        choices.map((choice) => (
          <div class="check">
            <input
              type="checkbox"
              id={`${idPrefix}-${choice.id}`}
              name={name}
              value={choice.id}
              checked={checked.includes(choice.id)}
            />
            <label for={`${idPrefix}-${choice.id}`} safe>
              {choice.name}
            </label>
          </div>
        ))
      )}
    </fieldset>
  );
}

/** The locations and groups a manager manages: both empty means the whole team. */
function ManagedFields(props: {
  idPrefix: string;
  view: UsersView;
  locationIds: readonly string[];
  groupIds: readonly string[];
}): JSX.Element {
  return (
    <>
      <p class="hint">
        Managers see and approve the time of employees in these locations and groups. Leave both empty for the
        whole team. Administrators always see everyone.
      </p>
      <ChoiceBoxes
        legend="Manages locations"
        name="managedLocationIds"
        idPrefix={`${props.idPrefix}-loc`}
        choices={props.view.locations}
        checked={props.locationIds}
      />
      <ChoiceBoxes
        legend="Manages groups"
        name="managedGroupIds"
        idPrefix={`${props.idPrefix}-grp`}
        choices={props.view.groups}
        checked={props.groupIds}
      />
    </>
  );
}

function RoleSelect({ id, selected }: { id: string; selected: string }): JSX.Element {
  return (
    <div class="field">
      <label for={id}>Role</label>
      <select id={id} name="role">
        <option value="manager" selected={selected === 'manager'}>
          Manager — sees the team, approves time
        </option>
        <option value="administrator" selected={selected === 'administrator'}>
          Administrator — everything, including API keys, webhooks and users
        </option>
      </select>
    </div>
  );
}

/**
 * What becomes of the API keys a user owns when they stop being an active administrator: kept (they answer 401
 * until someone acts), reassigned to another active administrator, or revoked.
 */
function KeysDisposition({
  idPrefix,
  user,
  view,
  keep,
}: {
  idPrefix: string;
  user: User;
  view: UsersView;
  /** Whether "leave them" is a choice (not when disposing of the keys is the whole point of the form). */
  keep: boolean;
}): JSX.Element {
  const owned = view.keys.get(user.id)?.total ?? 0;
  if (owned === 0) return '';
  const heirs = view.users.filter(
    (other) => other.id !== user.id && other.active && other.role === 'administrator',
  );
  const choice = (value: string, label: string, checked: boolean) => (
    <div class="check">
      <input type="radio" id={`${idPrefix}-${value}`} name="keys" value={value} checked={checked} />
      <label for={`${idPrefix}-${value}`} safe>
        {label}
      </label>
    </div>
  );
  return (
    <fieldset>
      <legend safe>{`${user.name} owns ${owned} API key${owned === 1 ? '' : 's'}`}</legend>
      <p class="hint">
        A key works only while its owner is an active administrator; otherwise it answers 401{' '}
        <code>api_key_owner_inactive</code>.
      </p>
      {keep ? choice('keep', 'Leave them (they stop working until reassigned)', false) : ''}
      {heirs.length > 0 ? choice('reassign', 'Reassign them to', true) : ''}
      {heirs.length > 0 ? (
        <div class="field">
          <label for={`${idPrefix}-to`}>New owner</label>
          <select id={`${idPrefix}-to`} name="reassignTo">
            {heirs.map((heir) => (
              <option value={heir.id} safe>{`${heir.name} <${heir.email}>`}</option>
            ))}
          </select>
        </div>
      ) : (
        ''
      )}
      {choice('revoke', 'Revoke them, for good', heirs.length === 0 && !keep)}
    </fieldset>
  );
}

function ActionForm({
  action,
  session,
  children,
}: PropsWithChildren<{ action: string; session: PortalSession }>): JSX.Element {
  return (
    <form method="post" action={action}>
      <CsrfField session={session} />
      {children}
    </form>
  );
}

function InviteDialog({ view, form, error }: { view: UsersView; form: InviteForm; error?: string }) {
  return (
    <Dialog id="invite-user" title="Invite a user" openOnLoad={error !== undefined}>
      {error ? (
        <Alert tone="error">
          <span safe>{error}</span>
        </Alert>
      ) : (
        ''
      )}
      <ActionForm action={USERS_PATH} session={view.session}>
        <InputField label="Name" id="invite-name" name="name" required maxlength="200" value={form.name} />
        <InputField
          label="Email"
          id="invite-email"
          name="email"
          type="email"
          required
          autocomplete="off"
          value={form.email}
        />
        <RoleSelect id="invite-role" selected={form.role} />
        <ManagedFields
          idPrefix="invite"
          view={view}
          locationIds={form.managedLocationIds}
          groupIds={form.managedGroupIds}
        />
        <fieldset>
          <legend>How they sign in the first time</legend>
          <div class="check">
            <input
              type="radio"
              id="invite-credential-link"
              name="credential"
              value="link"
              checked={form.credential === 'link'}
            />
            <label for="invite-credential-link">
              A one-time link where they choose a password (72 hours)
            </label>
          </div>
          <div class="check">
            <input
              type="radio"
              id="invite-credential-password"
              name="credential"
              value="password"
              checked={form.credential === 'password'}
            />
            <label for="invite-credential-password">A generated password, shown to you once</label>
          </div>
        </fieldset>
        <DialogActions>
          <button type="submit">Invite user</button>
        </DialogActions>
      </ActionForm>
    </Dialog>
  );
}

function EditDialog({ user, view }: { user: User; view: UsersView }): JSX.Element {
  const id = `edit-${user.id}`;
  return (
    <Dialog id={id} title={`Edit ${user.name}`}>
      <ActionForm action={`${USERS_PATH}/${user.id}`} session={view.session}>
        <InputField label="Name" id={`${id}-name`} name="name" required maxlength="200" value={user.name} />
        <RoleSelect id={`${id}-role`} selected={user.role} />
        <ManagedFields
          idPrefix={id}
          view={view}
          locationIds={user.managedLocationIds}
          groupIds={user.managedGroupIds}
        />
        {user.role === 'administrator' && (view.keys.get(user.id)?.total ?? 0) > 0 ? (
          <>
            <p class="hint">If you make them a manager:</p>
            <KeysDisposition idPrefix={`${id}-keys`} user={user} view={view} keep />
          </>
        ) : (
          ''
        )}
        <DialogActions>
          <button type="submit">Save</button>
        </DialogActions>
      </ActionForm>
    </Dialog>
  );
}

function DeactivateDialog({ user, view }: { user: User; view: UsersView }): JSX.Element {
  const id = `deactivate-${user.id}`;
  return (
    <Dialog id={id} title={`Deactivate ${user.name}?`}>
      <p>They are signed out everywhere and cannot sign in until an administrator reactivates them.</p>
      <ActionForm action={`${USERS_PATH}/${user.id}/deactivate`} session={view.session}>
        <KeysDisposition idPrefix={`${id}-keys`} user={user} view={view} keep />
        <DialogActions>
          <button type="submit" class="danger">
            Deactivate
          </button>
        </DialogActions>
      </ActionForm>
    </Dialog>
  );
}

function KeysDialog({ user, view }: { user: User; view: UsersView }): JSX.Element {
  const id = `keys-${user.id}`;
  return (
    <Dialog id={id} title={`API keys of ${user.name}`}>
      <ActionForm action={`${USERS_PATH}/${user.id}/keys`} session={view.session}>
        <KeysDisposition idPrefix={id} user={user} view={view} keep={false} />
        <DialogActions>
          <button type="submit">Apply</button>
        </DialogActions>
      </ActionForm>
    </Dialog>
  );
}

function ResetDialog({ user, view }: { user: User; view: UsersView }): JSX.Element {
  const id = `reset-${user.id}`;
  return (
    <Dialog id={id} title={`Reset the password of ${user.name}`}>
      <ActionForm action={`${USERS_PATH}/${user.id}/reset-password`} session={view.session}>
        <fieldset>
          <legend>How</legend>
          <div class="check">
            <input type="radio" id={`${id}-link`} name="method" value="link" checked />
            <label for={`${id}-link`}>
              A one-time link where they choose a new one (24 hours; the old password works until then)
            </label>
          </div>
          <div class="check">
            <input type="radio" id={`${id}-password`} name="method" value="password" />
            <label for={`${id}-password`}>
              A generated password, shown to you once (signs them out everywhere now)
            </label>
          </div>
        </fieldset>
        <DialogActions>
          <button type="submit">Reset password</button>
        </DialogActions>
      </ActionForm>
    </Dialog>
  );
}

function RevealDialog({ revealed, timeZone }: { revealed: Revealed; timeZone: string }): JSX.Element {
  return (
    <Dialog id="user-revealed" title={revealed.title} openOnLoad>
      {revealed.link ? (
        <>
          <p safe>
            {`Send this link to ${revealed.user.name} <${revealed.user.email}>. It works once, until ${formatDateTime(revealed.link.expiresAt, timeZone)}.`}
          </p>
          <SecretReveal
            id="revealed-secret"
            secret={revealed.link.url}
            what="link"
            why="Punchclock keeps only a hash of it."
          />
        </>
      ) : (
        ''
      )}
      {revealed.password ? (
        <>
          <p safe>{`Give this password to ${revealed.user.name} <${revealed.user.email}>.`}</p>
          <SecretReveal id="revealed-secret" secret={revealed.password} what="password" />
        </>
      ) : (
        ''
      )}
      <div class="dialog-actions">
        <button type="button" data-close-dialog>
          Done
        </button>
      </div>
    </Dialog>
  );
}

function KeysCell({ user, view }: { user: User; view: UsersView }): JSX.Element {
  const keys = view.keys.get(user.id);
  if (!keys || keys.total === 0) return <span class="hint">None</span>;
  return (
    <>
      <span safe>{String(keys.total)}</span>
      {keys.stopped > 0 ? (
        <span class="badge danger" title="Their owner is not an active administrator: they answer 401.">
          Not working
        </span>
      ) : (
        ''
      )}
    </>
  );
}

function UserRow({ user, view }: { user: User; view: UsersView }): JSX.Element {
  const timeZone = view.session.account.timezone;
  const self = user.id === view.session.user.id;
  const owned = view.keys.get(user.id)?.total ?? 0;
  const button = (dialog: string, label: string) => (
    <button
      type="button"
      class="secondary small"
      data-open-dialog={`${dialog}-${user.id}`}
      aria-label={`${label} ${user.name}`}
      safe
    >
      {label}
    </button>
  );
  return (
    <tr>
      <td>
        <div safe>{user.name}</div>
        <div class="hint truncate" safe>
          {user.email}
        </div>
      </td>
      <td>{ROLE_LABELS[user.role]}</td>
      <td safe>{managesText(user, view)}</td>
      <td>
        {user.active ? <span class="badge ok">Active</span> : <span class="badge warn">Deactivated</span>}
      </td>
      <td safe>{formatDateTime(user.lastSignInAt, timeZone, 'Never')}</td>
      <td>
        <KeysCell user={user} view={view} />
      </td>
      <td>
        <div class="actions">
          {user.active ? button('edit', 'Edit') : ''}
          {user.active ? button('reset', 'Reset password') : ''}
          {owned > 0 && (!user.active || user.role !== 'administrator') ? button('keys', 'Keys') : ''}
          {user.active && !self ? button('deactivate', 'Deactivate') : ''}
          {user.active ? (
            ''
          ) : (
            <ActionForm action={`${USERS_PATH}/${user.id}/reactivate`} session={view.session}>
              <button type="submit" class="secondary small" aria-label={`Reactivate ${user.name}`}>
                Reactivate
              </button>
            </ActionForm>
          )}
        </div>
      </td>
    </tr>
  );
}

const USER_COLUMNS: readonly Column[] = [
  { label: 'User' },
  { label: 'Role' },
  { label: 'Manages' },
  { label: 'Status' },
  { label: 'Last sign-in' },
  { label: 'API keys' },
  { label: 'Actions', hidden: true },
];

/** Team → Users (administrators only): the people who sign in to this portal, and what they may do. */
export function UsersPage({ view }: { view: UsersView }): JSX.Element {
  const timeZone = view.session.account.timezone;
  return (
    <Layout title="Users" session={view.session} active="users">
      <PageHeader
        title="Users"
        subtitle="People who sign in to this portal. Administrators manage everything; managers see the team and approve time."
      >
        <button type="button" data-open-dialog="invite-user">
          + Invite user
        </button>
      </PageHeader>
      <Notices notice={view.notice} error={view.error} />
      <DataTable caption="Users, newest first" columns={USER_COLUMNS}>
        {view.users.map((user) => (
          <UserRow user={user} view={view} />
        ))}
      </DataTable>
      <InviteDialog view={view} form={view.invite?.form ?? EMPTY_INVITE_FORM} error={view.invite?.error} />
      {view.users.map((user) => (
        <>
          {user.active ? <EditDialog user={user} view={view} /> : ''}
          {user.active ? <ResetDialog user={user} view={view} /> : ''}
          {user.active && user.id !== view.session.user.id ? (
            <DeactivateDialog user={user} view={view} />
          ) : (
            ''
          )}
          {(view.keys.get(user.id)?.total ?? 0) > 0 ? <KeysDialog user={user} view={view} /> : ''}
        </>
      ))}
      {view.revealed ? <RevealDialog revealed={view.revealed} timeZone={timeZone} /> : ''}
    </Layout>
  );
}
