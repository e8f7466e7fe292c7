import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

/** Prometheus scrape endpoint for operators; not part of the public API document. */
export function metricsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const text = await ctx.metrics.render();
    return reply.type(ctx.metrics.contentType).send(text);
  });
}
