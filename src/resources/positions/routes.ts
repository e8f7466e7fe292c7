import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { catalogueRoutes } from '../code-catalogues/routes.js';
import { POSITIONS } from './catalogue.js';

export function positionRoutes(app: FastifyInstance, ctx: AppContext): void {
  catalogueRoutes(app, ctx, POSITIONS);
}
