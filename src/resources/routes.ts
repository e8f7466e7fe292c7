import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { employeeRoutes } from './employees/routes.js';

/** Every /v1 resource. A new resource adds its folder and one line here. */
export function resourceRoutes(api: FastifyInstance, ctx: AppContext): void {
  employeeRoutes(api, ctx);
}
