import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  createApiKey,
  listApiKeys,
  revokeAllApiKeys,
  revokeApiKey,
  rollApiKey,
} from '../../../platform/api-keys/service.js';
import type { AppContext } from '../../../platform/context.js';
import type { ApiError } from '../../../platform/errors/api-error.js';
import { findUserNames } from '../../../platform/users/repository.js';
import { localDateOf } from '../../../shared/local-time.js';
import { formErrorStatus, formText } from '../../components.js';
import { administratorOf, attempt, isHtmx, sendHtml } from '../../http.js';
import type { PortalSession } from '../../session/service.js';
import { KEYS_PATH, KEYS_ROUTE, type KeyOwner, KeysContent, KeysPage, type KeysView } from './components.js';
import { expiryOf, rateLimitOf, readCreateForm, scopesOf } from './permissions.js';

/** What a finished action says on the page it redirects to; a fixed list, so the URL carries no text to show. */
const NOTICES = {
  revoked: 'The key was revoked. Requests with it are refused from now on.',
  'revoked-all': 'Every key of the account was revoked. Integrations need new keys.',
} as const;
type Done = keyof typeof NOTICES;

function isDone(value: unknown): value is Done {
  return typeof value === 'string' && Object.hasOwn(NOTICES, value);
}

type Extras = Omit<KeysView, 'session' | 'keys' | 'owners' | 'today'>;

async function viewOf(ctx: AppContext, session: PortalSession, extras: Extras): Promise<KeysView> {
  const accountId = session.account.id;
  const keys = await listApiKeys(ctx, accountId);
  const ownerIds = [...new Set(keys.map((key) => key.createdBy).filter((id) => id !== 'operator'))];
  const owners = new Map<string, KeyOwner>(
    (await findUserNames(ctx.database.db, accountId, ownerIds)).map((user) => [user.id, user]),
  );
  const today = localDateOf(ctx.clock.now(), session.account.timezone);
  return { session, keys, owners, today, ...extras };
}

/** The page, or for htmx just its content (the forms replace it in place). */
async function render(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  session: PortalSession,
  extras: Extras,
  status = 200,
): Promise<FastifyReply> {
  const view = await viewOf(ctx, session, extras);
  return sendHtml(reply, isHtmx(request) ? <KeysContent view={view} /> : <KeysPage view={view} />, status);
}

/**
 * After an action that shows no secret: a plain form gets a 303 to the list (reloading it repeats nothing); htmx
 * gets the refreshed content right away.
 */
async function finish(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  session: PortalSession,
  done: Done,
): Promise<FastifyReply> {
  if (isHtmx(request)) return render(ctx, request, reply, session, { notice: NOTICES[done] });
  return reply.redirect(`${KEYS_PATH}?done=${done}`, 303);
}

/** A refused action other than creation: the page again, with the service's message above the keys. */
function refused(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  session: PortalSession,
  error: ApiError,
): Promise<FastifyReply> {
  return render(ctx, request, reply, session, { error: error.message }, formErrorStatus(error));
}

/** Developer API → API keys (issue 6): list, create, revoke, roll and revoke all, through the API keys service. */
export function apiKeyPages(portal: FastifyInstance, ctx: AppContext): void {
  portal.get<{ Querystring: { done?: string } }>(KEYS_ROUTE, async (request, reply) => {
    const session = administratorOf(request);
    const done = request.query.done;
    return render(ctx, request, reply, session, { notice: isDone(done) ? NOTICES[done] : undefined });
  });

  portal.post(KEYS_ROUTE, async (request, reply) => {
    const session = administratorOf(request);
    const form = readCreateForm(request.body);
    if (session.account.api_access !== 1) {
      const error = 'API access is off for this account: the Punchclock operator must enable it first.';
      return render(ctx, request, reply, session, { error }, 409);
    }
    const result = await attempt(() =>
      createApiKey(ctx, session.account.id, {
        name: form.name,
        scopes: scopesOf(form),
        fieldRestrictions: form.fields,
        expiresAt: expiryOf(form.expiresOn, session.account.timezone),
        rateLimitPerMinute: rateLimitOf(form.rateLimit),
        createdBy: session.user.id,
      }),
    );
    if ('error' in result) {
      const create = { form, error: result.error.message };
      return render(ctx, request, reply, session, { create }, formErrorStatus(result.error));
    }
    const { object, key } = result.value;
    return render(ctx, request, reply, session, {
      notice: `API key “${object.name}” created.`,
      revealed: { key, name: object.name },
    });
  });

  portal.post(`${KEYS_ROUTE}/revoke-all`, async (request, reply) => {
    const session = administratorOf(request);
    if (formText(request.body, 'confirm') !== session.account.name) {
      const error = 'Nothing was revoked: type the account name exactly as shown to confirm.';
      return render(ctx, request, reply, session, { error }, 400);
    }
    const result = await attempt(() => revokeAllApiKeys(ctx, session.account.id, session.user.id));
    if ('error' in result) return refused(ctx, request, reply, session, result.error);
    return finish(ctx, request, reply, session, 'revoked-all');
  });

  portal.post<{ Params: { keyId: string } }>(`${KEYS_ROUTE}/:keyId/revoke`, async (request, reply) => {
    const session = administratorOf(request);
    const result = await attempt(() =>
      revokeApiKey(ctx, session.account.id, request.params.keyId, session.user.id),
    );
    if ('error' in result) return refused(ctx, request, reply, session, result.error);
    return finish(ctx, request, reply, session, 'revoked');
  });

  portal.post<{ Params: { keyId: string } }>(`${KEYS_ROUTE}/:keyId/roll`, async (request, reply) => {
    const session = administratorOf(request);
    const grace = formText(request.body, 'grace');
    const result = await attempt(() =>
      rollApiKey(ctx, session.account.id, request.params.keyId, {
        gracePeriodSeconds: grace === '' ? undefined : Number(grace),
        actor: session.user.id,
      }),
    );
    if ('error' in result) return refused(ctx, request, reply, session, result.error);
    const { object, key, previous } = result.value;
    return render(ctx, request, reply, session, {
      notice: `“${previous.name}” was rolled: a new key replaces it.`,
      revealed: { key, name: object.name, oldKeyUntil: previous.expiresAt },
    });
  });
}
