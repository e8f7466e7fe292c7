import type { RouteOptions } from 'fastify';

/** POST and PATCH: the routes that take a body to write (field restrictions and Idempotency-Key apply to them). */
export function isWriteRoute(method: string | string[]): boolean {
  return [method].flat().some((m) => m === 'POST' || m === 'PATCH');
}

type RouteHookName = 'preValidation' | 'preHandler' | 'onSend';

/**
 * Appends a hook to one route (from an onRoute hook), after any it already has. Hooks that only concern some
 * routes (writes, say) are attached there instead of running, and returning at once, on every request.
 */
export function addRouteHook<K extends RouteHookName>(
  route: RouteOptions,
  name: K,
  hook: NonNullable<RouteOptions[K]>,
): void {
  const existing = route[name];
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  (route as Record<RouteHookName, unknown>)[name] = [...list, ...(Array.isArray(hook) ? hook : [hook])];
}
