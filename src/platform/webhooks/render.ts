import { fromDbJson } from '../../db/columns.js';
import type { EventRow } from '../../db/tables.js';
import type { Permissions } from '../descriptors/permissions.js';
import { mayRead, project } from '../descriptors/projection.js';
import type { ResourceRegistry } from '../descriptors/registry.js';
import { renderForVersion } from '../versioning/versions.js';
import { PING } from './catalogue.js';

/** The event object of the API, the feed and webhook payloads (`object: "event"`). */
export interface ApiEvent {
  id: string;
  object: 'event';
  type: string;
  createdAt: string;
  apiVersion: string;
  data: { object: Record<string, unknown>; previousAttributes?: Record<string, unknown> };
}

/**
 * An event as a reader sees it, its object rendered in `version`: the endpoint's pin for webhook deliveries, the
 * key's version for the feed, or, when neither is given, the version the account had pinned when it happened.
 */
export async function renderEvent(row: EventRow, version: string = row.api_version): Promise<ApiEvent> {
  const data = fromDbJson<ApiEvent['data']>(row.data);
  const object = (await renderForVersion(data.object, version, {})) as Record<string, unknown>;
  return {
    id: row.id,
    object: 'event',
    type: row.type,
    createdAt: row.created_at,
    apiVersion: version,
    data: data.previousAttributes ? { object, previousAttributes: data.previousAttributes } : { object },
  };
}

/**
 * An event as these permissions may read it, on every channel that hands events out (the feed, webhook payloads):
 * null when they may not read the resource of its object; otherwise its object and what an update changed,
 * projected as /v1/<resource> itself would show them. A `ping` goes to the endpoint that asked for it whatever its
 * creator may read, carrying only the endpoint's receipt when that is all they may read.
 */
export function projectEvent(
  resources: ResourceRegistry,
  permissions: Permissions,
  event: ApiEvent,
): ApiEvent | null {
  const { object, previousAttributes } = event.data;
  const resource = typeof object.object === 'string' ? resources.byObject(object.object) : undefined;
  if (!resource) return event;
  if (event.type !== PING && !mayRead(permissions, resource)) return null;
  return {
    ...event,
    data: {
      object: project(permissions, resource, object),
      ...(previousAttributes
        ? { previousAttributes: project(permissions, resource, previousAttributes) }
        : {}),
    },
  };
}
