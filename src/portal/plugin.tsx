import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { PORTAL_ERROR_TITLES, PortalError } from './errors.js';
import { isHtmx, sameToken, sendHtml } from './http.js';
import { ErrorPage } from './pages/errors.js';
import { passwordPages } from './pages/password.js';
import { signInRoutes } from './pages/sign-in.js';
import { portalPages } from './routes.js';
import { SESSION_COOKIE } from './session/cookie.js';
import { resumeSession } from './session/service.js';

/** Served by this server, so no page needs the network beyond it. */
const ASSETS = {
  'portal.css': { file: new URL('./assets/portal.css', import.meta.url), type: 'text/css; charset=utf-8' },
  'portal.js': {
    file: new URL('./assets/portal.js', import.meta.url),
    type: 'text/javascript; charset=utf-8',
  },
  'htmx.min.js': {
    file: createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
} as const;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function csrfTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as { _csrf?: unknown } | undefined;
  return typeof body?._csrf === 'string' ? body._csrf : undefined;
}

function statusOf(error: FastifyError | PortalError): number {
  if (error instanceof PortalError) return error.status;
  if (error.validation) return 400;
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 500 ? status : 500;
}

/**
 * The administrators' web UI at /portal (issue 6): server-rendered pages on the same services as the API. Sessions
 * are cookies (HttpOnly, SameSite=Lax) naming a server-side session; every state-changing request carries the
 * session's CSRF token.
 */
export async function registerPortal(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const assets = Object.fromEntries(
    Object.entries(ASSETS).map(([name, asset]) => [
      name,
      { body: readFileSync(asset.file), type: asset.type },
    ]),
  );

  await app.register(
    async (portal) => {
      await portal.register(cookie);
      await portal.register(formbody);
      portal.decorateRequest('portalSession', null);
      // Pages are not API operations: none of them belongs in the OpenAPI document.
      portal.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, hide: true };
      });

      portal.addHook('onRequest', async (request) => {
        const token = request.cookies[SESSION_COOKIE];
        request.portalSession = token ? await resumeSession(ctx, token) : null;
      });
      portal.addHook('preHandler', async (request, reply) => {
        if (request.routeOptions.config.portalPublic) return;
        if (!request.portalSession) {
          if (isHtmx(request)) return reply.header('hx-redirect', '/portal/login').code(401).send('');
          return reply.redirect('/portal/login', 303);
        }
        if (
          !SAFE_METHODS.has(request.method) &&
          !sameToken(csrfTokenOf(request), request.portalSession.csrfToken)
        ) {
          throw new PortalError(
            403,
            'This form expired or did not come from this site (its CSRF token is missing or wrong). Reload the page and try again.',
          );
        }
      });
      portal.addHook('onSend', async (_request, reply) => {
        reply.headers(SECURITY_HEADERS);
      });

      portal.setErrorHandler(async (error: FastifyError | PortalError, request, reply: FastifyReply) => {
        const status = statusOf(error);
        if (status >= 500) request.log.error({ err: error }, 'portal request failed');
        const title =
          error instanceof PortalError
            ? error.title
            : (PORTAL_ERROR_TITLES[status as keyof typeof PORTAL_ERROR_TITLES] ?? 'Something went wrong');
        const message =
          status >= 500
            ? 'Something went wrong on our side. Quote the request id below if you contact support.'
            : error.message;
        return sendHtml(
          reply,
          <ErrorPage
            session={request.portalSession}
            status={status}
            title={title}
            message={message}
            requestId={String(request.id)}
            fragment={isHtmx(request)}
          />,
          status,
        );
      });
      portal.setNotFoundHandler(async (request, reply) =>
        sendHtml(
          reply,
          <ErrorPage
            session={request.portalSession}
            status={404}
            title={PORTAL_ERROR_TITLES[404]}
            message={`There is no portal page at ${request.url.split('?')[0]}.`}
            requestId={String(request.id)}
            fragment={false}
          />,
          404,
        ),
      );

      portal.get<{ Params: { name: string } }>(
        '/assets/:name',
        { config: { portalPublic: true } },
        async (request, reply) => {
          const asset = assets[request.params.name];
          if (!asset) throw new PortalError(404, 'No such asset.');
          return reply
            .header('content-type', asset.type)
            .header('cache-control', 'public, max-age=3600')
            .send(asset.body);
        },
      );

      portal.get('/', async (request, reply) =>
        reply.redirect(
          request.portalSession?.user.role === 'administrator'
            ? '/portal/developer/api-keys'
            : '/portal/team',
          303,
        ),
      );
      signInRoutes(portal, ctx);
      passwordPages(portal, ctx);
      portalPages(portal, ctx);
    },
    { prefix: '/portal' },
  );
}
