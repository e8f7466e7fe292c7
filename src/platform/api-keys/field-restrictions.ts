import { ApiError } from '../errors/api-error.js';
import type { ScopeResource } from './scopes.js';

/** `{ employees: ['firstName', 'lastName'] }`: responses carry only id, object and these; writes only these. */
export type FieldRestrictions = Partial<Record<ScopeResource, string[]>>;

/** Fields every object keeps whatever the restriction, so clients can still identify what they got. */
export const ALWAYS_VISIBLE_FIELDS: ReadonlySet<string> = new Set(['id', 'object', 'deleted']);

/** Keeps only the permitted fields of one API object. */
export function restrictObject<T extends Record<string, unknown>>(
  object: T,
  allowed: readonly string[],
): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(object)) {
    if (ALWAYS_VISIBLE_FIELDS.has(field) || allowed.includes(field)) out[field] = value;
  }
  return out as Partial<T>;
}

/** Refuses a write body that touches a field outside the restriction (403 field_not_permitted). */
export function assertWritableFields(
  body: unknown,
  resource: ScopeResource,
  allowed: readonly string[],
): void {
  if (typeof body !== 'object' || body === null) return;
  for (const field of Object.keys(body)) {
    if (!allowed.includes(field)) {
      throw new ApiError(
        'field_not_permitted',
        `This API key may not write the field "${field}" of ${resource}; it is limited to: ${allowed.join(', ')}.`,
        { param: field },
      );
    }
  }
}
