import type { EventRow } from '../../../db/tables.js';
import type { ServiceContext } from '../../context.js';
import type { Permissions } from '../../descriptors/permissions.js';
import { project } from '../../descriptors/projection.js';
import type { ResourceRegistry } from '../../descriptors/registry.js';
import { ApiError, notFound } from '../../errors/api-error.js';
import type { PageRequest } from '../../pagination/keyset.js';
import { type Page, pageOfObjects } from '../../pagination/respond.js';
import * as repo from '../event-repository.js';
import { renderEvent } from '../render.js';
import type { Event } from './schema.js';

/** How the caller reads events: in its API version, and through its key's permissions on each event's object. */
export interface EventReader {
  readonly version: string;
  readonly permissions: Permissions;
}

type EventObjectPayload = Event['data']['object'];

/** Every event carries an API object, which always has an id and an `object` name (outbox.ts writes them so). */
function isApiObject(value: Record<string, unknown>): value is EventObjectPayload {
  return typeof value.id === 'string' && typeof value.object === 'string';
}

/**
 * An event as the reader may see it: its object, and what an update changed, projected through the reader's
 * permissions on the object's resource, as /v1/<resource> itself would show them.
 */
async function render(resources: ResourceRegistry, row: EventRow, reader: EventReader): Promise<Event> {
  const event = await renderEvent(row, reader.version);
  const { object, previousAttributes } = event.data;
  if (!isApiObject(object)) throw new Error(`Event ${row.id} carries no API object`);
  const resource = resources.byObject(object.object);
  if (!resource) return event as Event;
  return {
    ...event,
    data: {
      object: project(reader.permissions, resource, object) as EventObjectPayload,
      ...(previousAttributes
        ? { previousAttributes: project(reader.permissions, resource, previousAttributes) }
        : {}),
    },
  };
}

/**
 * The `type` filter: one event type, or `<object>.*` for every type of that object (its changes and its domain
 * events). 400 parameter_invalid naming `type` for a type that does not exist, so a typo never reads as "no events".
 * The feed holds the catalogue's events (`ping`, a test sent to one endpoint, is never part of it).
 */
export function eventTypesOf(resources: ResourceRegistry, filter: string | undefined): string[] | undefined {
  if (filter === undefined) return undefined;
  const feedTypes = resources.events.map((event) => event.type);
  const types = filter.endsWith('.*')
    ? feedTypes.filter((type) => type.startsWith(filter.slice(0, -1)))
    : feedTypes.filter((type) => type === filter);
  if (types.length === 0) {
    throw new ApiError('parameter_invalid', `Unknown event type "${filter}".`, { param: 'type' });
  }
  return types;
}

export async function getEvent(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  reader: EventReader,
): Promise<Event> {
  const row = await repo.findFeedEvent(ctx.database.db, accountId, id);
  if (!row) throw notFound('Event', id);
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
