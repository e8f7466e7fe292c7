import { ApiError } from '../errors/api-error.js';
import type { ResourceDescriptor } from './descriptor.js';
import { grants, type Permissions, restrictObject, scopeString } from './permissions.js';

/**
 * What a key may read is the same on every channel: responses to its reads and its writes, idempotent replays, the
 * events feed, webhook payloads, search and filters. This file is the one place that decides it; every channel that
 * hands an object to a key calls `project` (or `projectBody`, its form for a response body).
 */

/** What a write answers to a key that may not read the resource: enough to find the object again, nothing of it. */
export const RECEIPT_FIELDS: readonly string[] = ['createdAt', 'updatedAt'];

/** True when these permissions may read the resource's objects (`<scope>:read`); scope-less resources are open. */
export function mayRead(permissions: Permissions, resource: ResourceDescriptor): boolean {
  return resource.scope === null || grants(permissions.scopes, scopeString(resource.scope, 'read'));
}

/**
 * The field restriction of these permissions on the resource's scope, which holds for its reads and its writes;
 * undefined when there is none.
 */
export function fieldRestriction(
  permissions: Permissions,
  resource: ResourceDescriptor,
): readonly string[] | undefined {
  const restrictions = permissions.fieldRestrictions;
  if (restrictions === null || resource.scope === null) return undefined;
  return restrictions[resource.scope.name];
}

/**
 * The fields of the resource's objects these permissions may read (besides `id`, `object` and `deleted`, which
 * every projection keeps); undefined when they read its objects whole. Without `<scope>:read`, only the receipt.
 */
export function readableFields(
  permissions: Permissions,
  resource: ResourceDescriptor,
): readonly string[] | undefined {
  if (!mayRead(permissions, resource)) return RECEIPT_FIELDS;
  return fieldRestriction(permissions, resource);
}

/** True when these permissions may read this field of the resource's objects. */
export function mayReadField(permissions: Permissions, resource: ResourceDescriptor, field: string): boolean {
  const allowed = readableFields(permissions, resource);
  return allowed === undefined || allowed.includes(field);
}

/** An object of the resource as these permissions may read it; unrestricted permissions get the object itself. */
export function project<T extends Record<string, unknown>>(
  permissions: Permissions,
  resource: ResourceDescriptor,
  object: T,
): T | Partial<T> {
  const allowed = readableFields(permissions, resource);
  return allowed ? restrictObject(object, allowed) : object;
}

/** A response body as these permissions may read it: one object, or each object of a list; errors pass untouched. */
export function projectBody(permissions: Permissions, resource: ResourceDescriptor, body: unknown): unknown {
  if (typeof body !== 'object' || body === null || 'error' in body) return body;
  const record = body as Record<string, unknown>;
  if (record.object === 'list' && Array.isArray(record.data)) {
    if (readableFields(permissions, resource) === undefined) return body;
    return { ...record, data: record.data.map((item) => project(permissions, resource, item)) };
  }
  return project(permissions, resource, record);
}

/** A list's `search` as a key may run it: its text, and the fields it may match (those it may read). */
export interface TextSearch {
  readonly text: string;
  /** Fields of the resource's `queries.search`; never empty (`assertReadableQuery` refuses a search of none). */
  readonly fields: readonly string[];
}

export function textSearch(
  permissions: Permissions,
  resource: ResourceDescriptor,
  text: string | undefined,
): TextSearch | undefined {
  if (text === undefined) return undefined;
  const fields = (resource.queries?.search ?? []).filter((field) =>
    mayReadField(permissions, resource, field),
  );
  return { text, fields };
}

/**
 * A filter reveals what it filters on, so a list's query may only name fields the key may read: 403
 * field_not_permitted naming the parameter otherwise. `search` needs one field it may read (it matches only those).
 */
export function assertReadableQuery(
  permissions: Permissions,
  resource: ResourceDescriptor,
  query: Readonly<Record<string, unknown>>,
): void {
  if (readableFields(permissions, resource) === undefined) return;
  for (const [parameter, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const read = parameter === 'updatedSince' ? ['updatedAt'] : resource.queries?.[parameter];
    if (!read) continue;
    const unreadable = read.filter((field) => !mayReadField(permissions, resource, field));
    if (unreadable.length === 0 || (parameter === 'search' && unreadable.length < read.length)) continue;
    const scope = resource.scope?.name ?? resource.object;
    throw new ApiError(
      'field_not_permitted',
      parameter === 'search'
        ? `This API key may read none of the fields \`search\` matches on ${scope} (${read.join(', ')}).`
        : `This API key may not read the field "${unreadable[0]}" of ${scope}, which \`${parameter}\` filters on.`,
      { param: parameter },
    );
  }
}
