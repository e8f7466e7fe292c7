import type { ResourceRegistry } from '../descriptors/registry.js';

/**
 * The event catalogue (DESIGN §3.10) is the registry's: every resource whose changes are events has its
 * `<object>.created|updated|deleted`, so a client that follows those sees every change of every resource, and some
 * changes also make a domain event that names what happened (`punch.clock_in`, `time_off.approved`, ...). What
 * webhooks add is `ping`, the test event.
 */

/** Sent by `POST /v1/webhook-endpoints/{id}/test` to that endpoint alone: no one subscribes to it, and it is not in the feed. */
export const PING = 'ping';
export const PING_DESCRIPTION =
  'A test event sent by `POST /v1/webhook-endpoints/{id}/test`; not part of the events feed.';

/** The object a `ping` carries: the endpoint it tests. */
export const PING_OBJECT = 'webhook_endpoint';

/** Every event type the docs list: the registry's, then `ping`. */
export function documentedEventTypes(registry: ResourceRegistry): string[] {
  return [...registry.events.map((event) => event.type), PING];
}

/** What a domain event (or `ping`) means; undefined for the change events, which say it themselves. */
export function eventDescription(registry: ResourceRegistry, type: string): string | undefined {
  if (type === PING) return PING_DESCRIPTION;
  return registry.event(type)?.description ?? undefined;
}

/** An endpoint may subscribe to any event of the catalogue; `ping` is not one (only `/test` sends it). */
export function isSubscribable(registry: ResourceRegistry, type: string): boolean {
  return registry.event(type) !== undefined;
}
