import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { requestLogRowOf } from '../request-log/record.js';
import { routePatternOf } from './api-request.js';

/**
 * After every /v1 response, its row in the request log and its metrics. A root hook, so that requests no /v1 route
 * matched and requests refused in onRequest (401, 403, 429) are counted too; one hook for both, because both read
 * the same route pattern and duration and every hook is paid on every request.
 */
export function registerRequestTelemetry(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onResponse', (request, reply, done) => {
    const path = request.apiPath;
    if (path !== null) {
      const route = routePatternOf(request);
      const durationMs = reply.elapsedTime;
      ctx.requestLog.record(
        requestLogRowOf(request, reply, path, route, durationMs, request.receivedAt),
        request.principal?.keyId ?? null,
      );
      ctx.metrics.recordHttpRequest(request.method, route, reply.statusCode, durationMs);
    }
    done();
  });
}
