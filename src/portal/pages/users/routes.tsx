import type { FastifyInstance, FastifyReply } from 'fastify';
import { listApiKeys } from '../../../platform/api-keys/service.js';
import type { AppContext } from '../../../platform/context.js';
import type { ApiError } from '../../../platform/errors/api-error.js';
import type { KeysDispositionInput } from '../../../platform/users/schema.js';
import {
  type Actor,
  deactivateUser,
  disposeOfUserKeys,
  getUser,
  inviteUser,
  listAllUsers,
  reactivateUser,
  resetUserPassword,
  updateUser,
} from '../../../platform/users/service.js';
import { listEntries } from '../../../resources/code-catalogues/service.js';
import { GROUPS } from '../../../resources/groups/resource.js';
import { listLocations } from '../../../resources/locations/service.js';
import { formErrorStatus, formText } from '../../components.js';
import { administratorOf, attempt, sendHtml } from '../../http.js';
import type { PortalSession } from '../../session/service.js';
import { type InviteForm, USERS_PATH, USERS_ROUTE, UsersPage, type UsersView } from './page.js';

/** What a finished action says on the page it redirects to; a fixed list, so the URL carries no text to show. */
const NOTICES = {
  saved: 'The user was saved.',
  deactivated: 'The user was deactivated and signed out everywhere.',
  reactivated: 'The user was reactivated and may sign in again.',
  keys: 'Their API keys were reassigned or revoked.',
} as const;
type Done = keyof typeof NOTICES;

function isDone(value: unknown): value is Done {
  return typeof value === 'string' && Object.hasOwn(NOTICES, value);
}

/** How many locations and groups the pickers offer: as many as one manager may be given. */
const CHOICES_LIMIT = 100;

type Extras = Pick<UsersView, 'notice' | 'error' | 'invite' | 'revealed'>;

async function viewOf(ctx: AppContext, session: PortalSession, extras: Extras): Promise<UsersView> {
  const accountId = session.account.id;
  const [users, keys, locations, groups] = await Promise.all([
    listAllUsers(ctx, accountId),
    listApiKeys(ctx, accountId),
    listLocations(ctx, accountId, {}, { limit: CHOICES_LIMIT }),
    listEntries(ctx, GROUPS, accountId, {}, { limit: CHOICES_LIMIT }),
  ]);
  const owned = new Map<string, { total: number; stopped: number }>();
  for (const key of keys) {
    if (key.status !== 'active' || key.replacedBy !== null) continue;
    const tally = owned.get(key.createdBy) ?? { total: 0, stopped: 0 };
    tally.total += 1;
    if (!key.ownerActive) tally.stopped += 1;
    owned.set(key.createdBy, tally);
  }
  return {
    session,
    users,
    keys: owned,
    locations: locations.items.map(({ id, name }) => ({ id, name })),
    groups: groups.items.map(({ id, name }) => ({ id, name })),
    ...extras,
  };
}

async function render(
  ctx: AppContext,
  reply: FastifyReply,
  session: PortalSession,
  extras: Extras,
  status = 200,
): Promise<FastifyReply> {
  return sendHtml(reply, <UsersPage view={await viewOf(ctx, session, extras)} />, status);
}

/** Every value of a repeated form field (checkboxes). */
function formList(body: unknown, name: string): string[] {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  const values = Array.isArray(value) ? value : [value];
  return values.filter((item): item is string => typeof item === 'string' && item !== '');
}

/** The keys choice of a form: reassign (to the chosen administrator), revoke, or leave them (undefined). */
function keysDispositionOf(body: unknown): KeysDispositionInput | undefined {
  const choice = formText(body, 'keys');
  if (choice === 'revoke') return { action: 'revoke' };
  if (choice === 'reassign') return { action: 'reassign', to: formText(body, 'reassignTo') };
  return undefined;
}

function readInviteForm(body: unknown): InviteForm {
  return {
    email: formText(body, 'email').trim(),
    name: formText(body, 'name').trim(),
    role: formText(body, 'role'),
    credential: formText(body, 'credential') === 'password' ? 'password' : 'link',
    managedLocationIds: formList(body, 'managedLocationIds'),
    managedGroupIds: formList(body, 'managedGroupIds'),
  };
}

const actorOf = (session: PortalSession): Actor => ({ kind: 'user', userId: session.user.id });

/**
 * Team → Users (issue 13): administrators invite administrators and managers, change their role and what they
 * manage, deactivate and reactivate them (deciding what becomes of the API keys they own), and reset passwords.
 * Every action goes through the users service, as the API and the CLI do.
 */
export function userPages(portal: FastifyInstance, ctx: AppContext): void {
  const done = async (
    reply: FastifyReply,
    session: PortalSession,
    result: { error: ApiError } | { value: unknown },
    outcome: Done,
  ) => {
    if ('error' in result) {
      return render(ctx, reply, session, { error: result.error.message }, formErrorStatus(result.error));
    }
    return reply.redirect(`${USERS_PATH}?done=${outcome}`, 303);
  };

  portal.get<{ Querystring: { done?: string } }>(USERS_ROUTE, async (request, reply) => {
    const session = administratorOf(request);
    const outcome = request.query.done;
    return render(ctx, reply, session, { notice: isDone(outcome) ? NOTICES[outcome] : undefined });
  });

  portal.post(USERS_ROUTE, async (request, reply) => {
    const session = administratorOf(request);
    const form = readInviteForm(request.body);
    const result = await attempt(() =>
      inviteUser(
        ctx,
        session.account.id,
        {
          email: form.email,
          name: form.name,
          role: form.role,
          managedLocationIds: form.role === 'manager' ? form.managedLocationIds : [],
          managedGroupIds: form.role === 'manager' ? form.managedGroupIds : [],
          credential: { kind: form.credential },
        },
        actorOf(session),
      ),
    );
    if ('error' in result) {
      const invite = { form, error: result.error.message };
      return render(ctx, reply, session, { invite }, formErrorStatus(result.error));
    }
    const { user, invitation, password } = result.value;
    return render(ctx, reply, session, {
      notice: `${user.name} was invited as ${user.role === 'administrator' ? 'an administrator' : 'a manager'}.`,
      revealed: { title: `${user.name} can sign in`, user, link: invitation, password },
    });
  });

  const userRoute = (action: string) => `${USERS_ROUTE}/:userId${action}`;
  type WithUser = { Params: { userId: string } };

  portal.post<WithUser>(userRoute(''), async (request, reply) => {
    const session = administratorOf(request);
    const body = request.body;
    const role = formText(body, 'role');
    const current = await attempt(() => getUser(ctx, session.account.id, request.params.userId));
    // The keys choice is for a demotion only: saving an administrator's name must not move their keys.
    const demoted = 'value' in current && current.value.role === 'administrator' && role !== 'administrator';
    const result = await attempt(() =>
      updateUser(
        ctx,
        session.account.id,
        request.params.userId,
        {
          name: formText(body, 'name'),
          role,
          managedLocationIds: role === 'manager' ? formList(body, 'managedLocationIds') : [],
          managedGroupIds: role === 'manager' ? formList(body, 'managedGroupIds') : [],
          apiKeys: demoted ? keysDispositionOf(body) : undefined,
        },
        actorOf(session),
      ),
    );
    return done(reply, session, result, 'saved');
  });

  portal.post<WithUser>(userRoute('/deactivate'), async (request, reply) => {
    const session = administratorOf(request);
    const result = await attempt(() =>
      deactivateUser(
        ctx,
        session.account.id,
        request.params.userId,
        { apiKeys: keysDispositionOf(request.body) },
        actorOf(session),
      ),
    );
    return done(reply, session, result, 'deactivated');
  });

  portal.post<WithUser>(userRoute('/reactivate'), async (request, reply) => {
    const session = administratorOf(request);
    const result = await attempt(() =>
      reactivateUser(ctx, session.account.id, request.params.userId, actorOf(session)),
    );
    return done(reply, session, result, 'reactivated');
  });

  portal.post<WithUser>(userRoute('/keys'), async (request, reply) => {
    const session = administratorOf(request);
    const disposition = keysDispositionOf(request.body);
    if (!disposition) {
      return render(ctx, reply, session, { error: 'Choose whether to reassign or revoke the keys.' }, 400);
    }
    const result = await attempt(() =>
      disposeOfUserKeys(ctx, session.account.id, request.params.userId, disposition, actorOf(session)),
    );
    return done(reply, session, result, 'keys');
  });

  portal.post<WithUser>(userRoute('/reset-password'), async (request, reply) => {
    const session = administratorOf(request);
    const kind = formText(request.body, 'method') === 'password' ? 'password' : 'link';
    const result = await attempt(() =>
      resetUserPassword(ctx, session.account.id, request.params.userId, { kind }, actorOf(session)),
    );
    if ('error' in result) {
      return render(ctx, reply, session, { error: result.error.message }, formErrorStatus(result.error));
    }
    const { user, link, password } = result.value;
    return render(ctx, reply, session, {
      notice: link
        ? `A reset link was made for ${user.name}; their password works until they use it.`
        : `${user.name} has a new password and was signed out everywhere.`,
      revealed: { title: `New sign-in for ${user.name}`, user, link, password },
    });
  });
}
