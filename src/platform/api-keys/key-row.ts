// A stored key row, read the two ways it is used: by authentication on every request (its status, its parsed JSON
// columns) and as the API object that management, the CLI, the portal and GET /v1/api-key return.
import { fromDbJson } from '../../db/columns.js';
import type { ApiKeyRow, UsersTable } from '../../db/tables.js';
import type { FieldRestrictions } from '../descriptors/permissions.js';

export type ApiKeyStatus = 'active' | 'revoked' | 'expired';

/**
 * The API (and CLI) shape of a key. Never contains the key itself. A type, not an interface: the `api_key.*`
 * events carry it as a plain record, which only type aliases are assignable to.
 */
export type ApiKeyObject = {
  id: string;
  object: 'api_key';
  name: string;
  displayPrefix: string;
  last4: string;
  scopes: string[];
  fieldRestrictions: FieldRestrictions | null;
  status: ApiKeyStatus;
  expiresAt: string | null;
  rateLimitPerMinute: number | null;
  createdBy: string;
  replacedBy: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

/**
 * A key as the account's key list shows it (portal, CLI): the API object and whether its owner lets it work. Not the
 * shape of `GET /v1/api-key` nor of the `api_key.*` events, which stay the API object.
 */
export type ListedApiKey = ApiKeyObject & {
  /**
   * False while the administrator who owns the key is deactivated or no longer an administrator: the key then
   * answers 401 `api_key_owner_inactive` until an administrator reassigns or revokes it (or the owner is
   * reactivated or promoted again). Always true for keys the operator issued.
   */
  ownerActive: boolean;
};

/** Whether a key's owner lets it authenticate: the operator's keys have no owner, an administrator's need them active. */
export function ownerLetsKeyWork(
  createdBy: string | null,
  owner: { active: UsersTable['active'] | null; role: UsersTable['role'] | null },
): boolean {
  return createdBy === null || (owner.active === 1 && owner.role === 'administrator');
}

export function keyStatus(row: Pick<ApiKeyRow, 'revoked_at' | 'expires_at'>, now: Date): ApiKeyStatus {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at <= now.toISOString()) return 'expired';
  return 'active';
}

/** The row's JSON columns, parsed. */
export interface ParsedKeyColumns {
  readonly scopes: readonly string[];
  readonly fieldRestrictions: FieldRestrictions | null;
}

export function parseKeyColumns(row: Pick<ApiKeyRow, 'scopes' | 'field_restrictions'>): ParsedKeyColumns {
  return {
    scopes: fromDbJson<string[]>(row.scopes),
    fieldRestrictions: row.field_restrictions ? fromDbJson<FieldRestrictions>(row.field_restrictions) : null,
  };
}

/** The API object of a key; `parsed` spares parsing its JSON columns again when the caller has them. */
export function toApiKeyObject(
  row: ApiKeyRow,
  now: Date,
  parsed: ParsedKeyColumns = parseKeyColumns(row),
): ApiKeyObject {
  return {
    id: row.id,
    object: 'api_key',
    name: row.name,
    displayPrefix: row.display_prefix,
    last4: row.last4,
    scopes: [...parsed.scopes],
    fieldRestrictions: parsed.fieldRestrictions,
    status: keyStatus(row, now),
    expiresAt: row.expires_at,
    rateLimitPerMinute: row.rate_limit_per_minute,
    createdBy: row.created_by ?? 'operator',
    replacedBy: row.rolled_to,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
