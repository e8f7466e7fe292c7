import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../platform/errors/api-error.js';
import { PortalError } from './errors.js';
import type { PortalSession } from './session/service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in portal user's session, loaded by the portal plugin; null when nobody is signed in. */
    portalSession: PortalSession | null;
  }
}

/**
 * Sends a rendered page. Portal pages show one-time secrets and account data: never cached, never framed, and no
 * script or style from anywhere but this server.
 */
export async function sendHtml(
  reply: FastifyReply,
  html: JSX.Element | string,
  status = 200,
): Promise<FastifyReply> {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(await html);
}

/** The signed-in session, or a redirect to the sign-in page (thrown as the reply). */
export function sessionOf(request: FastifyRequest): PortalSession {
  const session = request.portalSession;
  if (!session) throw new PortalError(403, 'Sign in first.');
  return session;
}

/** The session of an administrator, or the 403 page: only administrators manage keys, webhooks and settings. */
export function administratorOf(request: FastifyRequest): PortalSession {
  const session = sessionOf(request);
  if (session.user.role !== 'administrator') {
    throw new PortalError(
      403,
      'Only administrators of the account can see this page. Ask an administrator if you need API access.',
    );
  }
  return session;
}

/** True when htmx made the request: answer with a fragment, not a whole page. */
export function isHtmx(request: FastifyRequest): boolean {
  return request.headers['hx-request'] === 'true';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Portal routes anyone may reach (sign-in page, assets): no session required, no CSRF check. */
    portalPublic?: boolean;
  }
}

/** Constant-time comparison of a token the browser sent with the one expected (CSRF and sign-in form tokens). */
export function sameToken(sent: string | undefined, expected: string | undefined): boolean {
  if (!sent || !expected) return false;
  const left = Buffer.from(sent);
  const right = Buffer.from(expected);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Runs a service call for a form; a refusal the service explains (an ApiError: validation, a limit, a state conflict)
 * comes back as a value for the page to show, anything else propagates.
 */
export async function attempt<T>(work: () => Promise<T>): Promise<{ value: T } | { error: ApiError }> {
  try {
    return { value: await work() };
  } catch (error) {
    if (error instanceof ApiError) return { error };
    throw error;
  }
}
