import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { MaybePromise } from '../../shared/maybe-promise.js';
import { admitRequest } from '../auth/admission.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import type { ResourceDescriptor } from '../descriptors/descriptor.js';
import { assertWritableFields } from '../descriptors/permissions.js';
import { assertReadableQuery, fieldRestriction, projectBody } from '../descriptors/projection.js';
import { registerIdempotency } from '../idempotency/hooks.js';
import { LATEST_API_VERSION, renderForVersion } from '../versioning/versions.js';
import { CORS_RESPONSE_HEADERS, registerCorsPreflight } from './cors.js';
import { routeNotFound } from './error-handler.js';
import { parseInstant } from './instants.js';
import { addRouteHook, isWriteRoute } from './route-hooks.js';
import './fastify-types.js';

/** Lists take `updatedSince` (listQuerySchema); only their routes carry the hook below. */
function acceptsUpdatedSince(route: RouteOptions): boolean {
  const querystring = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
  return querystring?.properties?.updatedSince !== undefined;
}

/**
 * Stored timestamps are fixed-width UTC text compared as text, so a list's `updatedSince` is brought to that form
 * once, here: `…T12:00:00Z` and `…T14:00:00+02:00` then mean the instant they name.
 */
function normalizeUpdatedSince(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  const query = request.query as { updatedSince?: string };
  try {
    if (query.updatedSince !== undefined)
      query.updatedSince = parseInstant(query.updatedSince, 'updatedSince');
    done();
  } catch (error) {
    done(error as Error);
  }
}

/** A route hook that checks the request against its key's permissions on the route's resource. */
function permissionCheck(
  check: (principal: Principal, resource: ResourceDescriptor, request: FastifyRequest) => void,
): (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void {
  return (request, _reply, done) => {
    const { principal } = request;
    const resource = request.routeConfig.resource;
    try {
      if (principal && resource) check(principal, resource, request);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
}

/**
 * Before validation: defaults that validation fills in (active, role…) are not fields the caller wrote. Attached
 * only to routes that write a resource (see onRoute).
 */
const checkWritableFields = permissionCheck((principal, resource, request) => {
  const allowed = fieldRestriction(principal, resource);
  if (allowed && resource.scope) {
    assertWritableFields(request.body, resource.scope.name, allowed, request.routeConfig.bodyFields);
  }
});

/** A list's filters reveal the fields they filter on: a key may only use those it may read. */
const checkReadableQuery = permissionCheck((principal, resource, request) =>
  assertReadableQuery(principal, resource, request.query as Record<string, unknown>),
);

/**
 * The /v1 machinery around every route: CORS, rate limits, authentication, scope check (declared on the route),
 * version resolution, field restrictions on writes and responses, and version rendering of responses.
 */
export async function registerApi(
  app: FastifyInstance,
  ctx: AppContext,
  routes: (api: FastifyInstance) => Promise<void> | void,
): Promise<void> {
  await app.register(
    async (api) => {
      await registerCorsPreflight(api);

      api.addHook('onRoute', (route) => {
        if (route.method === 'OPTIONS' || route.method === 'HEAD') return;
        const config = route.config ?? {};
        if (config.auth !== 'none' && config.scope === undefined) {
          throw new Error(`Route ${route.method} ${route.url} must declare its scope (or scope: null).`);
        }
        // Only writes to a restrictable resource can break a field restriction: other routes skip the hook.
        if (config.resource && isWriteRoute(route.method))
          addRouteHook(route, 'preValidation', checkWritableFields);
        if (acceptsUpdatedSince(route)) {
          addRouteHook(route, 'preHandler', normalizeUpdatedSince);
          if (config.resource) addRouteHook(route, 'preHandler', checkReadableQuery);
        }
      });

      // One synchronous hook: with the key in the cache and the memory rate-limit store (nearly every request in
      // embedded mode) nothing here waits, not even a microtask.
      api.addHook('onRequest', (request, reply, done) => {
        reply.headers(CORS_RESPONSE_HEADERS);
        let admitted: MaybePromise<void>;
        try {
          admitted = admitRequest(ctx, request, reply);
        } catch (error) {
          done(error as Error);
          return;
        }
        if (admitted instanceof Promise) admitted.then(() => done(), done);
        else done();
      });

      registerIdempotency(api, ctx);

      api.addHook('preSerialization', (request, reply, payload: unknown, done) => {
        if (reply.statusCode >= 400) return done(null, payload);
        const { principal } = request;
        const resource = request.routeConfig.resource;
        const restricted = principal && resource ? projectBody(principal, resource, payload) : payload;
        const version = request.apiVersion ?? LATEST_API_VERSION;
        if (version === LATEST_API_VERSION) return done(null, restricted);
        // Older shapes are not described by the latest response schema, so they are written as plain JSON.
        reply.serializer(JSON.stringify);
        renderForVersion(restricted, version, request.versionContext).then(
          (rendered) => done(null, rendered),
          (error: Error) => done(error),
        );
      });

      api.setNotFoundHandler((request) => {
        throw routeNotFound(request);
      });

      await routes(api);
    },
    { prefix: '/v1' },
  );
}
