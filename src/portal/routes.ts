import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.js';

/** Every portal page after sign-in. A new page adds its module and one line here. */
export function portalPages(_portal: FastifyInstance, _ctx: AppContext): void {}
