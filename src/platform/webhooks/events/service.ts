import type { EventRow } from '../../../db/tables.js';
import type { ServiceContext } from '../../context.js';
import { type Permissions, scopeString } from '../../descriptors/permissions.js';
import { mayRead } from '../../descriptors/projection.js';
import type { ResourceRegistry } from '../../descriptors/registry.js';
import { ApiError, notFound } from '../../errors/api-error.js';
import type { PageRequest } from '../../pagination/keyset.js';
import { type Page, pageOfObjects } from '../../pagination/respond.js';
import * as repo from '../event-repository.js';
import { projectEvent, renderEvent } from '../render.js';
import type { Event } from './schema.js';

/** How the caller reads events: in its API version, and through its key's permissions on each event's object. */
export interface EventReader {
  readonly version: string;
  readonly permissions: Permissions;
}

/**
 * An event as the reader may see it: its object, and what an update changed, projected through the reader's
 * permissions on the object's resource, as /v1/<resource> itself would show them.
 */
async function render(resources: ResourceRegistry, row: EventRow, reader: EventReader): Promise<Event> {
  const event = projectEvent(resources, reader.permissions, await renderEvent(row, reader.version));
  // The feed's query only returns events the reader may read (readableEventTypes).
  if (!event) throw new Error(`Event ${row.id} is not readable by this reader`);
  return event as Event;
}

/**
 * The feed's event types these permissions may read: the events of resources they may read. `events:read` lets a
 * key read the feed; what it finds there is what its other scopes let it read, as on every other channel.
 * Undefined when that is every type.
 */
function readableEventTypes(resources: ResourceRegistry, permissions: Permissions): string[] | undefined {
  const readable = resources.events.filter((event) => mayRead(permissions, event.resource));
  return readable.length === resources.events.length ? undefined : readable.map((event) => event.type);
}

/**
 * The `type` filter: one event type, or `<object>.*` for every type of that object (its changes and its domain
 * events). 400 parameter_invalid naming `type` for a type that does not exist, so a typo never reads as "no events";
 * 403 missing_scope for the events of a resource the key may not read, so a filter never reads as "no events"
 * either. Without a filter: every type the key may read. The feed holds the catalogue's events (`ping`, a test sent
 * to one endpoint, is never part of it).
 */
export function eventTypesOf(
  resources: ResourceRegistry,
  filter: string | undefined,
  permissions: Permissions,
): string[] | undefined {
  if (filter === undefined) return readableEventTypes(resources, permissions);
  const matches = filter.endsWith('.*')
    ? resources.events.filter((event) => event.type.startsWith(filter.slice(0, -1)))
    : resources.events.filter((event) => event.type === filter);
  if (matches.length === 0) {
    throw new ApiError('parameter_invalid', `Unknown event type "${filter}".`, { param: 'type' });
  }
  for (const { resource } of matches) {
    if (!mayRead(permissions, resource) && resource.scope) {
      const needed = scopeString(resource.scope, 'read');
      throw new ApiError(
        'missing_scope',
        `This API key lacks the "${needed}" scope required to read ${resource.object} events.`,
        { param: 'type' },
      );
    }
  }
  return matches.map((event) => event.type);
}

export async function getEvent(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  reader: EventReader,
): Promise<Event> {
  const row = await repo.findFeedEvent(ctx.database.db, accountId, id);
  // An event of a resource the reader may not read does not exist for it, as in the list.
  const type = row && ctx.resources.event(row.type);
  if (!row || !type || !mayRead(reader.permissions, type.resource)) throw notFound('Event', id);
  return render(ctx.resources, row, reader);
}

export async function listEvents(
  ctx: ServiceContext,
  accountId: string,
  filters: repo.EventFilters,
  page: PageRequest,
  reader: EventReader,
): Promise<Page<Event>> {
  const db = ctx.database.db;
  return pageOfObjects(
    await repo.listFeedEvents(db, accountId, filters, page),
    page,
    (rows) => Promise.all(rows.map((row) => render(ctx.resources, row, reader))),
    () => repo.countFeedEvents(db, accountId, filters),
  );
}
