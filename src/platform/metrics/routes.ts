import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { routePatternOf } from '../http/api-request.js';

/** Counts every answered /v1 request, refused ones included (a root hook, like the request log's). */
export function registerHttpMetrics(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onResponse', (request, reply, done) => {
    if (request.apiPath !== null) {
      ctx.metrics.recordHttpRequest(
        request.method,
        routePatternOf(request),
        reply.statusCode,
        reply.elapsedTime,
      );
    }
    done();
  });
}

/** Prometheus scrape endpoint for operators; not part of the public API document. */
export function metricsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const text = await ctx.metrics.render();
    return reply.type(ctx.metrics.contentType).send(text);
  });
}
