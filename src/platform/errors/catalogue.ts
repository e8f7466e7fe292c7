/**
 * The one catalogue of error codes (DESIGN §3.2). Services throw `new ApiError('code', ...)`; the status and
 * type come from here. docs/errors.md mirrors this table and a test keeps the two in sync.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'authorization_error'
  | 'rate_limit_error'
  | 'api_error';

export interface ErrorDefinition {
  readonly status: number;
  readonly type: ErrorType;
  readonly description: string;
}

export const ERROR_CATALOGUE = {
  parameter_invalid: {
    status: 400,
    type: 'invalid_request_error',
    description: 'A parameter is missing or invalid; `param` names it.',
  },
  body_invalid_json: {
    status: 400,
    type: 'invalid_request_error',
    description: 'The request body is not valid JSON.',
  },
  invalid_api_version: {
    status: 400,
    type: 'invalid_request_error',
    description:
      'The X-Api-Version header names a version that does not exist; the message lists the supported ones.',
  },
  invalid_timezone: {
    status: 400,
    type: 'invalid_request_error',
    description: 'A time zone is not a valid IANA name (for example `America/Chicago`).',
  },
  url_not_allowed: {
    status: 400,
    type: 'invalid_request_error',
    description:
      'The webhook URL must use https and resolve only to public addresses (loopback, private and link-local addresses are refused unless the operator sets `PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE=true`).',
  },
  password_link_invalid: {
    status: 400,
    type: 'invalid_request_error',
    description:
      'The sign-in or password reset link is unknown, was used already, has expired, or its user was deactivated; ask for a new one.',
  },
  api_key_missing: {
    status: 401,
    type: 'authentication_error',
    description: 'No `Authorization: Bearer <key>` header was sent.',
  },
  api_key_invalid: {
    status: 401,
    type: 'authentication_error',
    description: 'The key is malformed, fails its checksum, or is unknown.',
  },
  api_key_revoked: { status: 401, type: 'authentication_error', description: 'The key was revoked.' },
  api_key_expired: {
    status: 401,
    type: 'authentication_error',
    description: 'The key has passed its expiry.',
  },
  api_key_owner_inactive: {
    status: 401,
    type: 'authentication_error',
    description: 'The administrator who owns the key was deactivated or demoted; reassign or revoke the key.',
  },
  missing_scope: {
    status: 403,
    type: 'authorization_error',
    description:
      'The key lacks the scope the endpoint requires, or the read scope of events it asks for (the events feed, a webhook subscription); the message names it.',
  },
  field_not_permitted: {
    status: 403,
    type: 'authorization_error',
    description:
      "The write touches, or a list's filter or search names, a field outside the key's field restrictions; `param` names it.",
  },
  api_access_disabled: {
    status: 403,
    type: 'authorization_error',
    description: "API access is turned off for the key's account; the operator must enable it.",
  },
  administrator_required: {
    status: 403,
    type: 'authorization_error',
    description:
      'Only an active administrator of the account can create, roll or revoke API keys, or manage its users.',
  },
  plan_limit_reached: {
    status: 403,
    type: 'authorization_error',
    description:
      "The account's plan caps how many objects of this kind it may hold (trial: 25 employees, 5 locations, 2 webhook endpoints); the message names the plan and the cap.",
  },
  outside_geofence: {
    status: 403,
    type: 'authorization_error',
    description:
      'The punch is outside the geofence of a location whose geofence mode is `block`; the message gives the distance.',
  },
  resource_not_found: {
    status: 404,
    type: 'invalid_request_error',
    description: 'The object does not exist in your account.',
  },
  route_not_found: {
    status: 404,
    type: 'invalid_request_error',
    description: 'No endpoint matches the method and path.',
  },
  request_timeout: {
    status: 408,
    type: 'invalid_request_error',
    description:
      'The request line and headers did not arrive within 60 seconds; the connection is closed after the answer.',
  },
  employee_ref_taken: {
    status: 409,
    type: 'invalid_request_error',
    description: 'Another employee of the account already has this `employeeRef`.',
  },
  email_taken: {
    status: 409,
    type: 'invalid_request_error',
    description: 'A user with this email already exists.',
  },
  last_administrator: {
    status: 409,
    type: 'invalid_request_error',
    description:
      'The user is the last active administrator of the account, so they cannot be deactivated or given another role; make another user an administrator first.',
  },
  user_inactive: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The user is deactivated; reactivate them first.',
  },
  idempotency_key_reused: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The Idempotency-Key was already used with a different request; use a new key.',
  },
  idempotency_key_in_use: {
    status: 409,
    type: 'invalid_request_error',
    description: 'A request with this Idempotency-Key is still running; retry when it has completed.',
  },
  active_key_limit: {
    status: 409,
    type: 'invalid_request_error',
    description: 'Trial accounts may hold only one active key; revoke it or upgrade the plan.',
  },
  api_key_not_active: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The key is revoked or expired, so it cannot be rolled or revoked again.',
  },
  in_use: {
    status: 409,
    type: 'invalid_request_error',
    description:
      'The object is referenced by other records (an employee with time, a code used by punches or entries), so it cannot be deleted; deactivate it instead.',
  },
  code_taken: {
    status: 409,
    type: 'invalid_request_error',
    description: 'Another object of this kind in the account already has this `code`.',
  },
  employee_inactive: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The employee is inactive and cannot punch; reactivate them first.',
  },
  already_clocked_in: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The employee is already on the clock; clock out first.',
  },
  not_clocked_in: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The employee is not on the clock, so there is nothing to clock out of or break from.',
  },
  already_on_break: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The employee is already on a break; end it first.',
  },
  not_on_break: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The employee is not on a break, so it cannot end.',
  },
  time_entry_overlap: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The time entry would overlap another entry of the same employee.',
  },
  pay_period_locked: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The change falls inside a locked pay period; unlock the period first.',
  },
  time_card_approved: {
    status: 409,
    type: 'invalid_request_error',
    description:
      'The change falls inside an approved time card of the employee (for a pay schedule change: of anyone); unapprove the card first.',
  },
  time_entry_open: {
    status: 409,
    type: 'invalid_request_error',
    description:
      'The employee is on the clock with an entry that runs into the time card’s pay period; approve the card once the entry ends.',
  },
  not_pending: {
    status: 409,
    type: 'invalid_request_error',
    description:
      'The time-off request was already approved, denied or canceled; only a requested one can be acted on.',
  },
  endpoint_disabled: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The webhook endpoint is disabled; enable it (`status: "enabled"`) before sending to it.',
  },
  uri_too_long: {
    status: 414,
    type: 'invalid_request_error',
    description: 'A path segment is longer than 100 characters (no id is); the path is not echoed back.',
  },
  body_too_large: {
    status: 413,
    type: 'invalid_request_error',
    description: 'The request body exceeds 1 MiB.',
  },
  unsupported_media_type: {
    status: 415,
    type: 'invalid_request_error',
    description:
      'The request body must be sent as `application/json` in UTF-8 (`application/merge-patch+json` on PATCH); the message names what was refused.',
  },
  rate_limited: {
    status: 429,
    type: 'rate_limit_error',
    description: 'Too many requests; wait the number of seconds in `Retry-After`.',
  },
  daily_write_cap: {
    status: 429,
    type: 'rate_limit_error',
    description:
      "The account's plan caps write requests per day (trial: 500 in any 24 hours); wait the number of seconds in `Retry-After` or upgrade the plan.",
  },
  request_header_too_large: {
    status: 431,
    type: 'invalid_request_error',
    description:
      'The URL and headers together exceed 16 KiB; shorten the query string (a long `search`, many filters) or the headers. The connection is closed after the answer.',
  },
  internal_error: {
    status: 500,
    type: 'api_error',
    description: 'Something went wrong on our side; quote the requestId when you contact support.',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export function errorDefinition(code: ErrorCode): ErrorDefinition {
  return ERROR_CATALOGUE[code];
}
