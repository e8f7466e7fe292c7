import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { catalogueRoutes } from '../code-catalogues/routes.js';
import { COST_CODES } from './catalogue.js';

export function costCodeRoutes(app: FastifyInstance, ctx: AppContext): void {
  catalogueRoutes(app, ctx, COST_CODES);
}
