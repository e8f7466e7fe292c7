import type { EventRow } from '../../db/tables.js';
import { type FieldRestrictions, restrictObject } from '../../platform/api-keys/field-restrictions.js';
import type { ScopeResource } from '../../platform/api-keys/scopes.js';
import type { ServiceContext } from '../../platform/context.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import { type PageRequest, pageOf } from '../../platform/pagination/keyset.js';
import { EVENT_TYPES, type EventObject } from '../../platform/webhooks/event-types.js';
import { renderEvent } from '../../platform/webhooks/render.js';
import * as repo from './repository.js';
import type { Event } from './schema.js';

/** How the caller reads events: in its API version, and through its key's field restrictions. */
export interface EventReader {
  readonly version: string;
  readonly fieldRestrictions: FieldRestrictions | null;
}

/**
 * The scope resource whose field restrictions apply to an event's object: a key that may not read an employee's
 * `payRate` through /v1/employees must not read it through the feed either.
 */
const RESTRICTED_AS: Readonly<Record<EventObject, ScopeResource>> = {
  employee: 'employees',
  location: 'locations',
  department_code: 'departmentcodes',
  position: 'positions',
  group: 'groups',
  cost_code: 'costcodes',
  geofence: 'geofences',
  punch: 'punches',
  time_entry: 'timeentries',
  pay_schedule: 'payperiods',
  pay_period: 'payperiods',
  time_card: 'timecards',
  time_off: 'pto',
  shift: 'shifts',
  webhook_endpoint: 'webhooks',
};

function restrictionOf(
  object: unknown,
  restrictions: FieldRestrictions | null,
): readonly string[] | undefined {
  if (!restrictions || typeof object !== 'string' || !Object.hasOwn(RESTRICTED_AS, object)) return undefined;
  return restrictions[RESTRICTED_AS[object as EventObject]];
}

type EventObjectPayload = Event['data']['object'];

/** Every event carries an API object, which always has an id and an `object` name (outbox.ts writes them so). */
function isApiObject(value: Record<string, unknown>): value is EventObjectPayload {
  return typeof value.id === 'string' && typeof value.object === 'string';
}

async function render(row: EventRow, reader: EventReader): Promise<Event> {
  const event = await renderEvent(row, reader.version);
  const { object, previousAttributes } = event.data;
  if (!isApiObject(object)) throw new Error(`Event ${row.id} carries no API object`);
  const allowed = restrictionOf(object.object, reader.fieldRestrictions);
  if (!allowed) return { ...event, data: { ...event.data, object } };
  return {
    ...event,
    data: {
      // id and object always stay visible, so the restricted copy is still an API object.
      object: { ...restrictObject(object, allowed), id: object.id, object: object.object },
      ...(previousAttributes ? { previousAttributes: restrictObject(previousAttributes, allowed) } : {}),
    },
  };
}

/** `ping` is a test sent to one endpoint, never part of the feed. */
const FEED_TYPES: readonly string[] = EVENT_TYPES.filter((type) => type !== 'ping');

/**
 * The `type` filter: one event type, or `<object>.*` for every type of that object (its changes and its domain
 * events). 400 parameter_invalid naming `type` for a type that does not exist, so a typo never reads as "no events".
 */
export function eventTypesOf(filter: string | undefined): string[] | undefined {
  if (filter === undefined) return undefined;
  const types = filter.endsWith('.*')
    ? FEED_TYPES.filter((type) => type.startsWith(filter.slice(0, -1)))
    : FEED_TYPES.filter((type) => type === filter);
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
  const row = await repo.findEvent(ctx.database.db, accountId, id);
  if (!row) throw notFound('Event', id);
  return render(row, reader);
}

export async function listEvents(
  ctx: ServiceContext,
  accountId: string,
  filters: repo.EventFilters,
  page: PageRequest,
  reader: EventReader,
): Promise<{ items: Event[]; hasMore: boolean; countTotal: () => Promise<number> }> {
  const db = ctx.database.db;
  const { items, hasMore } = pageOf(await repo.listEvents(db, accountId, filters, page), page);
  return {
    items: await Promise.all(items.map((row) => render(row, reader))),
    hasMore,
    countTotal: () => repo.countEvents(db, accountId, filters),
  };
}
