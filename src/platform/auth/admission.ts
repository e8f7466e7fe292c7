import type { FastifyReply, FastifyRequest } from 'fastify';
import { andThen, type MaybePromise } from '../../shared/maybe-promise.js';
import type { AppContext } from '../context.js';
import { grants } from '../descriptors/permissions.js';
import { ApiError } from '../errors/api-error.js';
import { requestedVersion } from '../versioning/request-version.js';
import { LATEST_API_VERSION } from '../versioning/versions.js';
import { authenticate } from './authenticate.js';
import type { Principal } from './principal.js';
import '../http/fastify-types.js';

/**
 * Rate limits, authentication, scope and version of one /v1 request; throws (or rejects with) the refusal. A request
 * is charged to the account of its key, or to its client address when no key is involved (public and unknown routes)
 * or the key was refused: failed guesses never spend an account's budget. Every step decides at the request's time
 * (`request.receivedAt`).
 */
export function admitRequest(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): MaybePromise<void> {
  const config = request.routeConfig;
  const nowMs = request.receivedAt.getTime();
  if (config.auth === 'none' || config.scope === undefined) {
    return andThen(ctx.rateLimiter.admitAnonymous(request.ip, nowMs), (headers) => {
      reply.headers(headers);
      request.apiVersion = requestedVersion(request) ?? LATEST_API_VERSION;
    });
  }
  const { scope } = config;
  return andThen(
    andThen(ctx.rateLimiter.admitUnauthenticated(request.ip, nowMs), () =>
      authenticateRequest(ctx, request, reply),
    ),
    (principal) => {
      request.principal = principal;
      // Before the scope check: a request refused for its scope costs the service like any other, and its 403
      // carries the headers too.
      return andThen(ctx.rateLimiter.admit(principal, request.method, nowMs), (headers) => {
        reply.headers(headers);
        if (scope !== null && !grants(principal.scopes, scope)) {
          throw new ApiError(
            'missing_scope',
            `This API key lacks the "${scope}" scope required by ${request.method} ${config.url}.`,
          );
        }
        request.apiVersion = requestedVersion(request) ?? principal.accountApiVersion ?? LATEST_API_VERSION;
      });
    },
  );
}

/** The request's key as a principal; a refusal is charged to the client address before it is thrown. */
function authenticateRequest(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): MaybePromise<Principal> {
  try {
    // The request hears of its key as soon as it is found (request.recognisedKey), refused or not.
    const principal = authenticate(ctx, request.headers.authorization, request.receivedAt, request);
    return principal instanceof Promise
      ? principal.catch((error: unknown) => chargeRefusal(ctx, request, reply, error))
      : principal;
  } catch (error) {
    return chargeRefusal(ctx, request, reply, error);
  }
}

async function chargeRefusal(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): Promise<never> {
  // A failed authentication spends its client address's budget, never the budget of an account.
  if (error instanceof ApiError && error.status === 401) {
    reply.headers(await ctx.rateLimiter.noteAuthenticationFailure(request.ip));
  } else if (error instanceof ApiError && error.code === 'api_access_disabled') {
    // The account's API is off, so it has no budget to charge: the address pays, as for public routes.
    reply.headers(await ctx.rateLimiter.admitAnonymous(request.ip, request.receivedAt.getTime()));
  }
  throw error;
}
