import type { ResourceDescriptor } from './descriptor.js';
import { type Permissions, restrictObject } from './permissions.js';

/**
 * The fields of the resource's objects these permissions may read, when they are restricted (a field restriction
 * on the resource's scope); undefined when they read its objects whole.
 */
export function readableFields(
  permissions: Permissions,
  resource: ResourceDescriptor,
): readonly string[] | undefined {
  const restrictions = permissions.fieldRestrictions;
  if (restrictions === null || resource.scope === null) return undefined;
  return restrictions[resource.scope.name];
}

/**
 * An object of the resource as these permissions may read it: the one projection every channel that hands an object
 * to a key goes through (responses, the events feed). Unrestricted permissions get the object itself.
 */
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
  const allowed = readableFields(permissions, resource);
  if (!allowed) return body;
  const record = body as Record<string, unknown>;
  if (record.object === 'list' && Array.isArray(record.data)) {
    return {
      ...record,
      data: record.data.map((item) => restrictObject(item as Record<string, unknown>, allowed)),
    };
  }
  return restrictObject(record, allowed);
}
