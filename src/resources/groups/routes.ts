import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { catalogueRoutes } from '../code-catalogues/routes.js';
import { GROUPS } from './catalogue.js';

export function groupRoutes(app: FastifyInstance, ctx: AppContext): void {
  catalogueRoutes(app, ctx, GROUPS);
}
