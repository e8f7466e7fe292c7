import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Headers browsers may read from /v1 responses (DESIGN §3.8). */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Api-Version',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'RateLimit-Policy',
  'RateLimit',
  'Retry-After',
  'Idempotent-Replayed',
];

/**
 * The CORS headers of every actual /v1 response. Any origin may call the API and no credentials ride along (keys
 * travel in Authorization), so they never depend on the request: built once, set by the /v1 hook.
 */
export const CORS_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': EXPOSED_HEADERS.join(', '),
};

/**
 * Preflight requests are answered by @fastify/cors, registered in a context of its own that holds nothing but the
 * plugin's `OPTIONS /v1/*` route, so its hook runs for preflights only. On every other request that hook (option
 * merging, origin resolution, two reads of Fastify's route-options getter) cost more than the two constant headers
 * it sets, which the /v1 hook now sets instead (measured with the old in-process bench/pipeline.ts).
 */
export async function registerCorsPreflight(api: FastifyInstance): Promise<void> {
  await api.register(async (preflight) => {
    await preflight.register(cors, {
      origin: '*',
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Api-Version'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
      // Strict mode answers an OPTIONS request without Origin or Access-Control-Request-Method with a text/plain
      // 400, outside the contract's error envelope. Answered like any preflight instead: it reveals nothing.
      strictPreflight: false,
    });
  });
}
