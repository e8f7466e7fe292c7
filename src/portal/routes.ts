import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { apiKeyPages } from './pages/api-keys/routes.js';
import { apiLogPages } from './pages/api-logs/routes.js';
import { settingsRoutes } from './pages/settings/routes.js';
import { teamRoutes } from './pages/team/routes.js';
import { userPages } from './pages/users/routes.js';
import { webhookPages } from './pages/webhooks/routes.js';

/** Every portal page after sign-in. A new page adds its module and one line here. */
export function portalPages(portal: FastifyInstance, ctx: AppContext): void {
  settingsRoutes(portal, ctx);
  teamRoutes(portal, ctx);
  userPages(portal, ctx);
  apiKeyPages(portal, ctx);
  apiLogPages(portal, ctx);
  webhookPages(portal, ctx);
}
