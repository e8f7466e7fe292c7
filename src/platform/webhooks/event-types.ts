/**
 * The event catalogue (issue 5, DESIGN §3.10). Every change emits exactly one `<object>.created|updated|deleted`
 * event, so a client that follows those sees every change of every resource; some changes also emit a domain event
 * that names what happened (`punch.clock_in`, `time_off.approved`, ...).
 */

/** Objects whose changes are events, by their `object` name. */
export const EVENT_OBJECTS = [
  'employee',
  'location',
  'department_code',
  'position',
  'group',
  'cost_code',
  'geofence',
  'punch',
  'time_entry',
  'pay_schedule',
  'pay_period',
  'time_card',
  'time_off',
  'shift',
  'webhook_endpoint',
] as const;
export type EventObject = (typeof EVENT_OBJECTS)[number];

const CHANGES = ['created', 'updated', 'deleted'] as const;

/** Domain events, each with what it means (the OpenAPI document and the docs list these descriptions). */
export const DOMAIN_EVENTS = {
  'punch.clock_in': 'An employee clocked in (also sent as punch.created).',
  'punch.clock_out': 'An employee clocked out (also sent as punch.created).',
  'punch.outside_geofence': 'A punch was recorded outside the geofence of a location in `warn` mode.',
  'time_off.requested': 'A time-off request was made (also sent as time_off.created).',
  'time_off.approved': 'A time-off request was approved (also sent as time_off.updated).',
  'time_off.denied': 'A time-off request was denied (also sent as time_off.updated).',
  'time_off.canceled': 'A time-off request was canceled (also sent as time_off.updated).',
  'time_card.approved': 'A time card was approved (also sent as time_card.updated).',
  'pay_period.locked':
    'A pay period was locked: its time can no longer change (also sent as pay_period.updated).',
  'shift.published': 'A shift was published to its employee (also sent as shift.created or shift.updated).',
  'api_key.created': 'An API key was created (account security trail).',
  'api_key.revoked': 'An API key was revoked (account security trail).',
  'api_key.rolled': 'An API key was rolled: a replacement was issued (account security trail).',
  'webhook_endpoint.disabled':
    'A webhook endpoint was disabled by the dispatcher: it answered 410 Gone, or failed for five days.',
  ping: 'A test event sent by `POST /v1/webhook-endpoints/{id}/test`; not part of the events feed.',
} as const;

export type ChangeEventType = `${EventObject}.${(typeof CHANGES)[number]}`;
export type DomainEventType = keyof typeof DOMAIN_EVENTS;
export type EventType = ChangeEventType | DomainEventType;

export const EVENT_TYPES: readonly EventType[] = [
  ...EVENT_OBJECTS.flatMap((object) => CHANGES.map((change) => `${object}.${change}` as const)),
  ...(Object.keys(DOMAIN_EVENTS) as DomainEventType[]),
];

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(value: string): value is EventType {
  return KNOWN.has(value);
}
