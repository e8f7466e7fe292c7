import type { Insertable, Selectable, Updateable } from 'kysely';

/**
 * Row types of every table. Portable representation on both dialects (see columns.ts):
 * timestamps are ISO-8601 UTC text, booleans are 0/1 integers, JSON is text.
 */
export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  employees: EmployeesTable;
  idempotency_keys: IdempotencyKeysTable;
  api_request_log: ApiRequestLogTable;
}

export type DbBoolean = 0 | 1;

export interface AccountsTable {
  id: string;
  name: string;
  plan: 'trial' | 'starter' | 'pro' | 'enterprise';
  timezone: string;
  api_access: DbBoolean;
  /** Pinned at the first key creation; null until then. */
  api_version: string | null;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  account_id: string;
  /** Stored lower-cased; unique across the installation because it is the portal login. */
  email: string;
  name: string;
  password_hash: string;
  role: 'administrator' | 'manager' | 'employee';
  active: DbBoolean;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  /** SHA-256 hex of the whole key; the key itself is never stored. */
  key_hash: string;
  display_prefix: string;
  last4: string;
  /** JSON array of scope strings, or ["*"]. */
  scopes: string;
  /** JSON object resource → allowed field names, or null. */
  field_restrictions: string | null;
  expires_at: string | null;
  rate_limit_per_minute: number | null;
  /** The administrator who owns the key; null when the operator issued it through the CLI. */
  created_by: string | null;
  revoked_at: string | null;
  /** Set on the old key when it is rolled: the id of its replacement. */
  rolled_to: string | null;
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface EmployeesTable {
  id: string;
  account_id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  employee_ref: string | null;
  phone: string | null;
  active: DbBoolean;
  role: 'administrator' | 'manager' | 'employee';
  pay_rate_cents: number | null;
  timezone: string | null;
  created_at: string;
  updated_at: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  idempotency_key: string;
  /** SHA-256 of method, path and body: the same key with another request is a conflict. */
  fingerprint: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  /** The stored response body (JSON text), replayed verbatim. */
  response_body: string | null;
  /** An in-progress claim older than this is abandoned (its process died) and may be taken over. */
  locked_until: string;
  created_at: string;
  expires_at: string;
}

export interface ApiRequestLogTable {
  /** The request id (`req_...`), time-ordered. */
  id: string;
  /** Null when the request never got as far as a key (401 without a recognised key). */
  account_id: string | null;
  key_id: string | null;
  method: string;
  /** The route pattern (`/v1/employees/:id`), null for unknown routes. */
  route: string | null;
  /** The raw path, without the query string, with key-shaped tokens redacted. */
  path: string;
  status: number;
  error_code: string | null;
  duration_ms: number;
  ip: string;
  user_agent: string | null;
  api_version: string | null;
  created_at: string;
}

export type AccountRow = Selectable<AccountsTable>;
export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
export type EmployeeRow = Selectable<EmployeesTable>;
export type NewEmployeeRow = Insertable<EmployeesTable>;
export type EmployeeUpdate = Updateable<EmployeesTable>;
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;
export type ApiRequestLogRow = Selectable<ApiRequestLogTable>;
export type NewApiRequestLogRow = Insertable<ApiRequestLogTable>;
