/** Scope resources (DESIGN §3.1). `events` is read-only. */
export const SCOPE_RESOURCES = [
  'employees',
  'punches',
  'timeentries',
  'pto',
  'timecards',
  'payperiods',
  'locations',
  'departmentcodes',
  'positions',
  'groups',
  'geofences',
  'shifts',
  'costcodes',
  'webhooks',
  'events',
] as const;

export type ScopeResource = (typeof SCOPE_RESOURCES)[number];
export type Scope = `${ScopeResource}:${'read' | 'write'}`;
export const FULL_ACCESS = '*';

const READ_ONLY: ReadonlySet<ScopeResource> = new Set(['events']);

export const ALL_SCOPES: readonly Scope[] = SCOPE_RESOURCES.flatMap((resource) =>
  READ_ONLY.has(resource)
    ? [`${resource}:read` as Scope]
    : [`${resource}:read` as Scope, `${resource}:write` as Scope],
);

const ALL_SCOPE_SET: ReadonlySet<string> = new Set(ALL_SCOPES);

export function isScope(value: string): value is Scope {
  return ALL_SCOPE_SET.has(value);
}

export function isScopeResource(value: string): value is ScopeResource {
  return (SCOPE_RESOURCES as readonly string[]).includes(value);
}

/** `write` does not imply `read`; `*` grants everything. */
export function grants(granted: readonly string[], needed: Scope): boolean {
  return granted.includes(FULL_ACCESS) || granted.includes(needed);
}
