import { ApiError } from '../errors/api-error.js';
import type { ScopeDefinition } from './descriptor.js';

/**
 * The permission vocabulary of keys (DESIGN §3.1): scopes `<scope>:read` and `<scope>:write` (write does not imply
 * read), `*` for everything, and per-scope field restrictions. Which scopes and fields exist is the registry's to say.
 */

export const FULL_ACCESS = '*';

export type Access = 'read' | 'write';

/** `employees:read`. */
export function scopeString(scope: ScopeDefinition, access: Access): string {
  return `${scope.name}:${access}`;
}

/** `write` does not imply `read`; `*` grants everything. */
export function grants(granted: readonly string[], needed: string): boolean {
  return granted.includes(FULL_ACCESS) || granted.includes(needed);
}

/** `{ employees: ['firstName', 'lastName'] }`: responses carry only id, object and these; writes only these. */
export type FieldRestrictions = Partial<Record<string, string[]>>;

/** What a key may read and write: its scopes and its field restrictions. */
export interface Permissions {
  readonly scopes: readonly string[];
  readonly fieldRestrictions: FieldRestrictions | null;
}

/** Every scope, no field restriction: what an administrator has in the portal. */
export const ALL_PERMISSIONS: Permissions = { scopes: [FULL_ACCESS], fieldRestrictions: null };

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

/**
 * Refuses a write body that touches a field outside the restriction (403 field_not_permitted, `param` naming the
 * body property). A property writes the field of its name, or the one `fieldOf` maps it to.
 */
export function assertWritableFields(
  body: unknown,
  scopeName: string,
  allowed: readonly string[],
  fieldOf: Readonly<Record<string, string>> = {},
): void {
  if (typeof body !== 'object' || body === null) return;
  for (const property of Object.keys(body)) {
    const field = Object.hasOwn(fieldOf, property) ? (fieldOf[property] as string) : property;
    if (!allowed.includes(field)) {
      throw new ApiError(
        'field_not_permitted',
        `This API key may not write the field "${field}" of ${scopeName}; it is limited to: ${allowed.join(', ')}.`,
        { param: property },
      );
    }
  }
}
