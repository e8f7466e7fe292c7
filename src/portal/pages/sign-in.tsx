import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { InputField } from '../components.js';
import { PortalError } from '../errors.js';
import { sameToken, sendHtml, sessionOf } from '../http.js';
import { Layout } from '../layout.js';
import { SESSION_COOKIE, sessionCookieOptions } from '../session/cookie.js';
import { endSession, SESSION_MAX_MS, startSession, verifyCredentials } from '../session/service.js';

/** Double-submit token for the sign-in form, which has no session yet to hold a CSRF token. */
const SIGN_IN_COOKIE = 'pc_sign_in';

function SignInPage(props: { token: string; email?: string; error?: string }): JSX.Element {
  return (
    <Layout title="Sign in" session={null}>
      <div class="panel login-card">
        <h1>Sign in</h1>
        <p class="subtitle">Punchclock portal for account administrators and managers.</p>
        {props.error ? (
          <div class="alert error" role="alert" safe>
            {props.error}
          </div>
        ) : (
          ''
        )}
        <form method="post" action="/portal/login">
          <input type="hidden" name="_csrf" value={props.token} />
          <InputField
            label="Email"
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value={props.email}
          />
          <InputField
            label="Password"
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
          <button type="submit">Sign in</button>
        </form>
        <p>
          <a href="/portal/forgot-password">Forgot your password?</a>
        </p>
      </div>
    </Layout>
  );
}

async function showSignIn(
  ctx: AppContext,
  reply: FastifyReply,
  status: number,
  props: { email?: string; error?: string } = {},
): Promise<FastifyReply> {
  const token = randomBytes(24).toString('base64url');
  reply.setCookie(SIGN_IN_COOKIE, token, {
    ...sessionCookieOptions(ctx.config),
    path: '/portal/login',
    maxAge: 3600,
  });
  return sendHtml(reply, <SignInPage token={token} {...props} />, status);
}

interface SignInBody {
  email?: string;
  password?: string;
  _csrf?: string;
}

export function signInRoutes(portal: FastifyInstance, ctx: AppContext): void {
  portal.get('/login', { config: { portalPublic: true } }, async (request, reply) => {
    if (request.portalSession) return reply.redirect('/portal', 303);
    return showSignIn(ctx, reply, 200);
  });

  portal.post('/login', { config: { portalPublic: true } }, async (request: FastifyRequest, reply) => {
    const body = (request.body ?? {}) as SignInBody;
    if (!sameToken(body._csrf, request.cookies[SIGN_IN_COOKIE])) {
      throw new PortalError(
        403,
        'The sign-in form expired or did not come from this site. Reload it and try again.',
      );
    }
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const wait = await ctx.rateLimiter.signInRetryAfterSeconds(request.ip, email);
    if (wait !== null) {
      reply.header('retry-after', String(wait));
      return showSignIn(ctx, reply, 429, {
        email,
        error: `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`,
      });
    }
    const user = email && password ? await verifyCredentials(ctx, email, password) : null;
    if (!user) {
      await ctx.rateLimiter.noteSignInFailure(request.ip, email);
      // One message for an unknown email, a wrong password and an inactive user: it reveals nothing.
      return showSignIn(ctx, reply, 401, {
        email,
        error: 'That email and password do not match an active user.',
      });
    }
    const token = await startSession(ctx, user);
    reply.clearCookie(SIGN_IN_COOKIE, { path: '/portal/login' });
    reply.setCookie(SESSION_COOKIE, token, {
      ...sessionCookieOptions(ctx.config),
      maxAge: SESSION_MAX_MS / 1000,
    });
    return reply.redirect('/portal', 303);
  });

  portal.post('/logout', async (request, reply) => {
    await endSession(ctx, sessionOf(request).tokenHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/portal' });
    return reply.redirect('/portal/login', 303);
  });
}
