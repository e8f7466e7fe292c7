import type { FastifyRequest } from 'fastify';
import './fastify-types.js';

/** The URL's path without the query string (where clients put secrets), or null when it is not under /v1. */
export function apiPathOf(url: string): string | null {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path === '/v1' || path.startsWith('/v1/') ? path : null;
}

/** The route pattern that served the request; null when none matched (a 404 for an unknown endpoint). */
export function routePatternOf(request: FastifyRequest): string | null {
  // The route's config carries its url (set once per request in the root onRequest hook).
  return request.routeConfig?.url ?? null;
}
