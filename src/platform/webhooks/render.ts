import { fromDbJson } from '../../db/columns.js';
import type { EventRow } from '../../db/tables.js';
import { renderForVersion } from '../versioning/versions.js';

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
