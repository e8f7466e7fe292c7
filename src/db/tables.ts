import type { Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';

/**
 * Row types of every table. Portable representation on both dialects (see columns.ts):
 * timestamps are ISO-8601 UTC text, booleans are 0/1 integers, JSON is text.
 */
/** A connection or a transaction: what every repository function takes first. */
export type Db = Kysely<Database>;

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  user_locations: UserLocationsTable;
  user_groups: UserGroupsTable;
  user_password_links: UserPasswordLinksTable;
  api_keys: ApiKeysTable;
  employees: EmployeesTable;
  idempotency_keys: IdempotencyKeysTable;
  api_request_log: ApiRequestLogTable;
  locations: LocationsTable;
  department_codes: CodeCatalogueTable;
  positions: CodeCatalogueTable;
  groups: CodeCatalogueTable;
  cost_codes: CodeCatalogueTable;
  geofences: GeofencesTable;
  employee_locations: EmployeeLocationsTable;
  employee_groups: EmployeeGroupsTable;
  geofence_employees: GeofenceEmployeesTable;
  punches: PunchesTable;
  time_entries: TimeEntriesTable;
  pay_schedules: PaySchedulesTable;
  pay_periods: PayPeriodsTable;
  time_cards: TimeCardsTable;
  time_off_requests: TimeOffRequestsTable;
  shifts: ShiftsTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  portal_sessions: PortalSessionsTable;
  rate_limit_counters: RateLimitCountersTable;
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
  role: UserRole;
  active: DbBoolean;
  /** When the user last signed in to the portal; null until the first time. */
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * What a user may do in the portal: administrators everything; managers see the team and approve time (for the
 * locations and groups they manage); `employee` users exist only from before roles could be given, and sign in to
 * see nothing.
 */
export type UserRole = 'administrator' | 'manager' | 'employee';

/** The locations a manager manages. */
export interface UserLocationsTable {
  account_id: string;
  user_id: string;
  location_id: string;
}

/** The groups a manager manages. */
export interface UserGroupsTable {
  account_id: string;
  user_id: string;
  group_id: string;
}

export type PasswordLinkPurpose = 'invitation' | 'reset';

/** One-time links that set a user's password: the token itself is never stored, only its SHA-256. */
export interface UserPasswordLinksTable {
  token_hash: string;
  account_id: string;
  user_id: string;
  purpose: PasswordLinkPurpose;
  created_at: string;
  expires_at: string;
  /** Set when the link is redeemed: a link works once. */
  used_at: string | null;
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
  department_code_id: string | null;
  position_id: string | null;
  /** Kept by the punch service in the same transaction as each punch. */
  clock_status: Generated<ClockStatus>;
  created_at: string;
  updated_at: string;
}

export type ClockStatus = 'in' | 'out' | 'on_break';

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

/** Rate-limit counters kept across restarts in embedded mode (the daily write cap). */
export interface RateLimitCountersTable {
  /** The counter's scope (an account id). */
  scope: string;
  /** The bucket name within the scope (`daily-writes`). */
  bucket: string;
  window_ms: number;
  /** The fixed window `current_count` counts (epoch ms / window_ms, floored). */
  window_index: number;
  current_count: number;
  /** The count of window `window_index - 1`. */
  previous_count: number;
}

export type AccountRow = Selectable<AccountsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type PasswordLinkRow = Selectable<UserPasswordLinksTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
export type EmployeeRow = Selectable<EmployeesTable>;
export type NewEmployeeRow = Insertable<EmployeesTable>;
export type EmployeeUpdate = Updateable<EmployeesTable>;
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;
export type ApiRequestLogRow = Selectable<ApiRequestLogTable>;
export type NewApiRequestLogRow = Insertable<ApiRequestLogTable>;

/** Columns every API object carries (DESIGN §3.3). */
interface ObjectColumns {
  id: string;
  account_id: string;
  created_at: string;
  updated_at: string;
}

export type GeofenceMode = 'off' | 'warn' | 'block';

export interface LocationsTable extends ObjectColumns {
  name: string;
  address: string | null;
  /** IANA name; the account's zone when none was given. */
  timezone: string;
  latitude: number | null;
  longitude: number | null;
  capacity: number | null;
  geofence_mode: GeofenceMode;
}

/** Department codes, positions, groups and cost codes: a code unique within the account. */
export interface CodeCatalogueTable extends ObjectColumns {
  code: string;
  name: string;
  description: string | null;
  active: DbBoolean;
}

export interface GeofencesTable extends ObjectColumns {
  name: string;
  latitude: number;
  longitude: number;
  radius_meters: number;
  active: DbBoolean;
  location_id: string | null;
}

export interface EmployeeLocationsTable {
  account_id: string;
  employee_id: string;
  location_id: string;
}

export interface EmployeeGroupsTable {
  account_id: string;
  employee_id: string;
  group_id: string;
}

export interface GeofenceEmployeesTable {
  account_id: string;
  geofence_id: string;
  employee_id: string;
}

export type PunchType = 'in' | 'out' | 'break_start' | 'break_end';
export type PunchSource = 'api' | 'portal' | 'kiosk';

export interface PunchesTable extends ObjectColumns {
  employee_id: string;
  type: PunchType;
  /** When the punch was made: the raw time, kept as it was. */
  punched_at: string;
  /**
   * The time time cards count: punched_at after the account's rounding and shift grace (clock in and out only) and
   * the clamps that keep the entry whole. Written with every punch; 0014-rounding copied punched_at into older rows.
   */
  counted_at: string;
  location_id: string | null;
  department_code_id: string | null;
  cost_code_id: string | null;
  latitude: number | null;
  longitude: number | null;
  accuracy_meters: number | null;
  source: PunchSource;
  /** Null when no geofence applied (mode off, or no coordinates). */
  within_geofence: DbBoolean | null;
  distance_meters: number | null;
  geofence_id: string | null;
  /** The time entry this punch opened, closed or put a break into. */
  time_entry_id: string | null;
}

export interface TimeEntriesTable extends ObjectColumns {
  employee_id: string;
  /** The counted start: what time cards count (a punched entry's is its `in` punch's counted_at). */
  start_at: string;
  /** The counted end; null while the entry is open (clocked in). */
  end_at: string | null;
  /** The raw time of the `in` punch that opened the entry; null when none did (a manager's entry). */
  punched_start_at: string | null;
  /** The raw time of the `out` punch that closed the entry; null when none did (open, or closed by a manager). */
  punched_end_at: string | null;
  /** Unpaid break time inside the entry, subtracted from its duration. */
  break_seconds: number;
  location_id: string | null;
  department_code_id: string | null;
  cost_code_id: string | null;
  position_id: string | null;
  status: 'open' | 'closed';
  source: 'punch' | 'manual';
  notes: string | null;
}

export type PayFrequency = 'weekly' | 'biweekly' | 'semimonthly' | 'monthly';

export interface PaySchedulesTable {
  account_id: string;
  frequency: PayFrequency;
  /** YYYY-MM-DD: the first day of one pay period; workweeks start on its weekday. */
  anchor_date: string;
  /** JSON text of the overtime rule. */
  overtime_rule: string;
  /** JSON text of the punch rounding rule; null: no rounding and no grace. */
  rounding: string | null;
  created_at: string;
  updated_at: string;
}

export interface PayPeriodsTable extends ObjectColumns {
  /** YYYY-MM-DD, inclusive, in the account's time zone. */
  start_date: string;
  end_date: string;
  locked: DbBoolean;
  locked_at: string | null;
}

export interface TimeCardsTable extends ObjectColumns {
  employee_id: string;
  pay_period_id: string;
  approved: DbBoolean;
  approved_at: string | null;
  /** Who approved it: an API key's id (`key_…`) or a portal user's (`usr_…`); null while not approved. */
  approved_by: string | null;
  /** The last withdrawal of its approval: when, by whom (a key's or a user's id) and why (optional). */
  unapproved_at: string | null;
  unapproved_by: string | null;
  unapproval_reason: string | null;
}

export type TimeOffType = 'vacation' | 'sick' | 'holiday' | 'personal' | 'unpaid';
export type TimeOffStatus = 'requested' | 'approved' | 'denied' | 'canceled';

export interface TimeOffRequestsTable extends ObjectColumns {
  employee_id: string;
  type: TimeOffType;
  start_date: string;
  end_date: string;
  hours_per_day: number;
  note: string | null;
  status: TimeOffStatus;
  decided_at: string | null;
}

export interface ShiftsTable extends ObjectColumns {
  /** Null for an open shift. */
  employee_id: string | null;
  location_id: string | null;
  position_id: string | null;
  start_at: string;
  end_at: string;
  break_minutes: number;
  published: DbBoolean;
  notes: string | null;
}

export type LocationRow = Selectable<LocationsTable>;
export type CodeCatalogueRow = Selectable<CodeCatalogueTable>;
export type GeofenceRow = Selectable<GeofencesTable>;
export type PunchRow = Selectable<PunchesTable>;
export type TimeEntryRow = Selectable<TimeEntriesTable>;
export type PayScheduleRow = Selectable<PaySchedulesTable>;
export type PayPeriodRow = Selectable<PayPeriodsTable>;
export type TimeCardRow = Selectable<TimeCardsTable>;
export type TimeOffRequestRow = Selectable<TimeOffRequestsTable>;
export type ShiftRow = Selectable<ShiftsTable>;

export interface EventsTable {
  id: string;
  account_id: string;
  type: string;
  /** The account's pinned API version when the event happened. */
  api_version: string;
  /** JSON text: `{ object, previousAttributes? }`, the object in the latest version's shape. */
  data: string;
  created_at: string;
}

export type WebhookEndpointStatus = 'enabled' | 'disabled';

export interface WebhookEndpointsTable extends ObjectColumns {
  url: string;
  description: string | null;
  /** JSON text: a list of event types, or `["*"]`. */
  enabled_events: string;
  /** The version events are rendered in for this endpoint; null renders in the account's. */
  api_version: string | null;
  status: WebhookEndpointStatus;
  /** Why the endpoint was disabled: by its owner, a 410 Gone, or five days of failures. */
  disabled_reason: 'manual' | 'gone' | 'failing' | null;
  secret: string;
  /** After a rotation the old secret also signs until it expires. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  failing_since: string | null;
  /**
   * JSON text: the read permissions ({ scopes, fieldRestrictions }) of whoever created the endpoint or last changed
   * its URL or events; its payloads are projected through them.
   */
  permissions: string;
}

/** pending: waiting for its next attempt; succeeded; failed: the retry schedule is exhausted or the endpoint went. */
export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookDeliveriesTable extends ObjectColumns {
  endpoint_id: string;
  event_id: string;
  status: WebhookDeliveryStatus;
  attempt_count: number;
  /** When the next attempt is due; null once the delivery succeeded or failed for good. */
  next_attempt_at: string | null;
  /** Claimed by a dispatcher until this instant; a claim past it was abandoned and may be taken again. */
  claimed_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
}

export interface WebhookAttemptsTable {
  id: string;
  account_id: string;
  delivery_id: string;
  attempted_at: string;
  /** Null when no response arrived (timeout, refused connection, blocked address). */
  status_code: number | null;
  duration_ms: number;
  /** The first 1 KiB of the response body. */
  response_body: string | null;
  error: string | null;
}

export type EventRow = Selectable<EventsTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;

export interface PortalSessionsTable {
  /** SHA-256 (hex) of the cookie's token: a stolen table yields no usable session. */
  token_hash: string;
  account_id: string;
  user_id: string;
  /** Sent back with every state-changing portal request (form field or header). */
  csrf_token: string;
  created_at: string;
  /** Sliding idle timeout: a session unused for longer than the idle limit has ended. */
  last_seen_at: string;
  /** Absolute end, however active the session. */
  expires_at: string;
}

export type PortalSessionRow = Selectable<PortalSessionsTable>;
