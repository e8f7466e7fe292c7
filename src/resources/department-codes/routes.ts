import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { catalogueRoutes } from '../code-catalogues/routes.js';
import { DEPARTMENT_CODES } from './catalogue.js';

export function departmentCodeRoutes(app: FastifyInstance, ctx: AppContext): void {
  catalogueRoutes(app, ctx, DEPARTMENT_CODES);
}
