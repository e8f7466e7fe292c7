/**
 * The permission vocabulary of the keys page: what each scope resource is called on screen, which resources can be
 * written, and the create form's fields turned into the service's input (the service validates; this only reads
 * the form).
 */
import { type FieldRestrictions, FULL_ACCESS } from '../../../platform/descriptors/permissions.js';
import { RESOURCES } from '../../../resources/registry.js';
import { localDayStartMs } from '../../../shared/local-time.js';
import { formText } from '../../components.js';

export interface MatrixRow {
  /** The scope's name (`employees`): what the form's scope and field inputs carry. */
  readonly resource: string;
  readonly label: string;
  /** False for read-only resources (events): the matrix shows no Write box for them. */
  readonly writable: boolean;
  /** The fields a restriction may name; empty when the resource cannot be restricted. */
  readonly fields: readonly string[];
}

/** One row per scope, in the order of the API's scope list, named in the seeds' words ("Time Entries"). */
export const PERMISSION_MATRIX: readonly MatrixRow[] = RESOURCES.scopes.map((scope) => ({
  resource: scope.name,
  label: scope.label,
  writable: scope.writable,
  fields: RESOURCES.restrictableFields(scope.name) ?? [],
}));

/** A permission list as people read it: "Full access", or per resource which of Read and Write it grants. */
export function summariseScopes(
  scopes: readonly string[],
  restrictions: FieldRestrictions | null,
): readonly { label: string; access: string; fields: readonly string[] | null }[] | 'full' {
  if (scopes.includes(FULL_ACCESS)) return 'full';
  return PERMISSION_MATRIX.flatMap((row) => {
    const read = scopes.includes(`${row.resource}:read`);
    const write = scopes.includes(`${row.resource}:write`);
    if (!read && !write) return [];
    const access = read && write ? 'Read & Write' : read ? 'Read' : 'Write';
    return [{ label: row.label, access, fields: restrictions?.[row.resource] ?? null }];
  });
}

/** What the create form sent, as strings: what the form shows again when the service refuses it. */
export interface CreateKeyForm {
  readonly name: string;
  readonly fullAccess: boolean;
  readonly scopes: readonly string[];
  readonly fields: FieldRestrictions;
  /** `YYYY-MM-DD`, the last day the key works (in the account's time zone), or empty. */
  readonly expiresOn: string;
  readonly rateLimit: string;
}

export const EMPTY_CREATE_FORM: CreateKeyForm = {
  name: '',
  fullAccess: false,
  scopes: [],
  fields: {},
  expiresOn: '',
  rateLimit: '',
};

/** The form field carrying the restricted fields of one resource (checkboxes, one value per field). */
export function fieldsInputName(resource: string): string {
  return `fields.${resource}`;
}

function values(raw: unknown): string[] {
  if (typeof raw === 'string') return [raw];
  return Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [];
}

/** Reads the urlencoded create form (repeated checkbox names arrive as arrays, single ones as strings). */
export function readCreateForm(body: unknown): CreateKeyForm {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const fields: FieldRestrictions = {};
  for (const row of PERMISSION_MATRIX) {
    const picked = values(form[fieldsInputName(row.resource)]);
    if (picked.length > 0) fields[row.resource] = picked;
  }
  return {
    name: formText(body, 'name').trim(),
    fullAccess: formText(body, 'full_access') === 'on',
    scopes: values(form['scope']),
    fields,
    expiresOn: formText(body, 'expires_on').trim(),
    rateLimit: formText(body, 'rate_limit').trim(),
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The key stops working when the chosen day ends in the account's time zone. A value that is not a date goes to
 * the service as it is, whose validation names the problem.
 */
export function expiryOf(expiresOn: string, timeZone: string): string | null {
  if (expiresOn === '') return null;
  if (!DATE.test(expiresOn) || Number.isNaN(Date.parse(`${expiresOn}T00:00:00Z`))) return expiresOn;
  const nextDay = new Date(Date.parse(`${expiresOn}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return new Date(localDayStartMs(nextDay, timeZone)).toISOString();
}

/** The per-key rate limit: empty means none; anything else goes to the service, which checks the range. */
export function rateLimitOf(rateLimit: string): number | null {
  return rateLimit === '' ? null : Number(rateLimit);
}

/** The scopes the form grants: "Select All (Full Access)" wins over the boxes. */
export function scopesOf(form: CreateKeyForm): readonly string[] {
  return form.fullAccess ? [FULL_ACCESS] : form.scopes;
}
