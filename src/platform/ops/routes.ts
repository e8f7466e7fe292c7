import type { FastifyInstance } from 'fastify';
import { pingDatabase } from '../../db/database.js';
import type { AppContext } from '../context.js';

/** Liveness and readiness for load balancers and orchestrators. Not part of the public API document. */
export function opsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      await pingDatabase(ctx.database.db);
      return { status: 'ok', database: 'reachable' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
    }
  });
}
