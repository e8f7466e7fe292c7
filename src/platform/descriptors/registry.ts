import type { ResourceDescriptor, ResourceTag, ScopeDefinition } from './descriptor.js';
import { type Access, scopeString } from './permissions.js';

/** One event type of the catalogue and the resource whose object it carries. */
export interface EventDefinition {
  /** `employee.created`, `punch.clock_in`. */
  readonly type: string;
  readonly resource: ResourceDescriptor;
  /** What a domain event means; null for `.created`, `.updated` and `.deleted`, which say it themselves. */
  readonly description: string | null;
}

const CHANGES = ['created', 'updated', 'deleted'] as const;

/** Lower-case words joined by underscores: what object names, scope names and event names look like. */
const NAME = /^[a-z]+(_[a-z]+)*$/;

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/**
 * Every resource of the API, in the order the docs, the scope list and the portal's permission matrix show them,
 * and everything derived from their descriptors. Built once from the descriptors (resources/registry.ts) and handed
 * to the platform in the context: the platform serves resources without importing any.
 *
 * The constructor refuses descriptors that contradict each other (two resources with one object name, id prefix or
 * path; one scope or tag name declared twice with different words), so a mistake fails at start, not in a request.
 */
export class ResourceRegistry {
  readonly resources: readonly ResourceDescriptor[];
  /** The scopes, each once, in the order of the first resource that declares it. */
  readonly scopes: readonly ScopeDefinition[];
  /** Every scope a key may be granted: `employees:read`, `employees:write`, ..., `events:read`. */
  readonly grantableScopes: readonly string[];
  /** The docs' tags, each once, in resource order. */
  readonly tags: readonly ResourceTag[];
  /** Every `.created`, `.updated` and `.deleted` event, resource by resource. */
  readonly changeEvents: readonly EventDefinition[];
  /** Every domain event, resource by resource. */
  readonly domainEvents: readonly EventDefinition[];
  /** The change events, then the domain events. */
  readonly events: readonly EventDefinition[];

  readonly #byObject: ReadonlyMap<string, ResourceDescriptor>;
  readonly #scopeNames: ReadonlySet<string>;
  readonly #grantable: ReadonlySet<string>;
  readonly #restrictable: ReadonlyMap<string, readonly string[]>;
  readonly #events: ReadonlyMap<string, EventDefinition>;

  constructor(resources: readonly ResourceDescriptor[]) {
    for (const resource of resources) assertWellFormed(resource);
    assertDistinct(resources, 'object name', (resource) => resource.object);
    assertDistinct(resources, 'path', (resource) => resource.path);
    assertDistinct(
      resources.filter((resource) => resource.idPrefix !== null),
      'id prefix',
      (resource) => resource.idPrefix as string,
    );
    this.resources = resources;
    this.scopes = agreed(
      resources.flatMap((resource) => (resource.scope ? [resource.scope] : [])),
      'scope',
      (scope) => scope.name,
      (a, b) => a.label === b.label && a.writable === b.writable,
    );
    this.tags = agreed(
      resources.map((resource) => resource.tag),
      'tag',
      (tag) => tag.name,
      (a, b) => a.description === b.description,
    );
    this.grantableScopes = this.scopes.flatMap((scope) =>
      (scope.writable ? (['read', 'write'] as Access[]) : (['read'] as Access[])).map((access) =>
        scopeString(scope, access),
      ),
    );
    this.changeEvents = resources.flatMap((resource) =>
      resource.events?.changes
        ? CHANGES.map((change) => ({ type: `${resource.object}.${change}`, resource, description: null }))
        : [],
    );
    this.domainEvents = resources.flatMap((resource) =>
      Object.entries<string>(resource.events?.domain ?? {}).map(([name, description]) => ({
        type: `${resource.object}.${name}`,
        resource,
        description,
      })),
    );
    this.events = [...this.changeEvents, ...this.domainEvents];

    this.#byObject = new Map(resources.map((resource) => [resource.object, resource]));
    this.#scopeNames = new Set(this.scopes.map((scope) => scope.name));
    this.#grantable = new Set(this.grantableScopes);
    this.#restrictable = new Map(
      this.scopes.flatMap((scope) => {
        const fields = unique(
          resources
            .filter((resource) => resource.restrictable && resource.scope?.name === scope.name)
            .flatMap((resource) => resource.fields),
        );
        return fields.length > 0 ? [[scope.name, fields] as const] : [];
      }),
    );
    this.#events = new Map(this.events.map((event) => [event.type, event]));
  }

  /** The resource whose API objects are called `object`. */
  byObject(object: string): ResourceDescriptor | undefined {
    return this.#byObject.get(object);
  }

  isScope(value: string): boolean {
    return this.#grantable.has(value);
  }

  /** True for a scope's name (`employees`), what field restrictions are keyed by. */
  isScopeName(value: string): boolean {
    return this.#scopeNames.has(value);
  }

  /** The fields a key's field restriction may name for this scope; undefined when it cannot be restricted. */
  restrictableFields(scopeName: string): readonly string[] | undefined {
    return this.#restrictable.get(scopeName);
  }

  /** The event of this type, if the catalogue has it. */
  event(type: string): EventDefinition | undefined {
    return this.#events.get(type);
  }
}

function assertWellFormed(resource: ResourceDescriptor): void {
  const where = `Resource "${resource.object}"`;
  if (!NAME.test(resource.object)) throw new Error(`${where}: the object name must be lower_snake_case.`);
  if (resource.idPrefix !== null && !/^[a-z]+$/.test(resource.idPrefix)) {
    throw new Error(`${where}: the id prefix must be lower-case letters.`);
  }
  if (!/^\/[a-z]+(-[a-z]+)*$/.test(resource.path)) throw new Error(`${where}: the path must be /kebab-case.`);
  if (resource.scope && !/^[a-z]+$/.test(resource.scope.name)) {
    throw new Error(`${where}: a scope name is lower-case letters.`);
  }
  const fields = new Set(resource.fields);
  if (fields.size !== resource.fields.length || fields.has('id') || fields.has('object')) {
    throw new Error(`${where}: its fields must be distinct and leave out id and object.`);
  }
  for (const [parameter, read] of Object.entries(resource.queries ?? {})) {
    if (read.length === 0 || read.some((field) => !fields.has(field))) {
      throw new Error(`${where}: the query parameter "${parameter}" must read fields of the resource.`);
    }
  }
  if (resource.restrictable && resource.scope === null) {
    throw new Error(`${where}: a resource without a scope cannot be restricted.`);
  }
  // A resource without change events may name its own (api_key.created is a domain event of keys).
  const taken: readonly string[] = resource.events?.changes ? CHANGES : [];
  for (const name of Object.keys(resource.events?.domain ?? {})) {
    if (!NAME.test(name) || taken.includes(name)) {
      throw new Error(`${where}: "${name}" cannot name a domain event.`);
    }
  }
}

function assertDistinct<T>(items: readonly T[], what: string, key: (item: T) => string): void {
  const seen = new Set<string>();
  for (const item of items) {
    const value = key(item);
    if (seen.has(value)) throw new Error(`Two resources declare the ${what} "${value}".`);
    seen.add(value);
  }
}

/** Each distinct definition once, by name, in order of appearance; two that share a name must agree. */
function agreed<T>(
  items: readonly T[],
  what: string,
  nameOf: (item: T) => string,
  same: (a: T, b: T) => boolean,
): T[] {
  const byName = new Map<string, T>();
  for (const item of items) {
    const known = byName.get(nameOf(item));
    if (known === undefined) byName.set(nameOf(item), item);
    else if (!same(known, item))
      throw new Error(`The ${what} "${nameOf(item)}" is declared twice, differently.`);
  }
  return [...byName.values()];
}
