/**
 * A resource's descriptor: the one place a resource of the API is named. Its scope, object name, id prefix, path,
 * OpenAPI tag, fields and events are declared here, once; the scope list, the field restrictions a key may carry,
 * the event catalogue, the OpenAPI tags, the portal's permission matrix and the projection of its objects for a key
 * are all derived from the descriptors in the registry (see registry.ts). A descriptor imports no schema and no
 * service, so any schema or service may import any descriptor (an id pattern names another resource's prefix).
 */

/** A permission: keys are granted `<name>:read` and, when it is writable, `<name>:write`. */
export interface ScopeDefinition {
  /** `employees`, `timeentries`, `pto`: what scopes and field restrictions are keyed by. */
  readonly name: string;
  /** How the portal's permission matrix names it, in the seeds' words ("Time Entries"). */
  readonly label: string;
  /** False for a read-only scope (`events`): it has no `:write`. */
  readonly writable: boolean;
}

/** The OpenAPI tag its operations are listed under in the docs. */
export interface ResourceTag {
  readonly name: string;
  readonly description: string;
}

/** The events its changes make (DESIGN §3.10). */
export interface ResourceEvents<Domain extends string = string> {
  /** True when every change of it is a `<object>.created`, `.updated` or `.deleted` event. */
  readonly changes: boolean;
  /** Events that name what happened, `<object>.<name>`, each with what it means (the docs list these). */
  readonly domain: Readonly<Record<Domain, string>>;
}

export interface ResourceDescriptor<
  Name extends string = string,
  Field extends string = string,
  Domain extends string = string,
  Prefix extends string | null = string | null,
> {
  /**
   * The permission that guards it. Several resources may share one (the pay schedule is read and written with
   * `payperiods`); null when any valid key may call it (the calling API key) or no key is needed (versions).
   */
  readonly scope: ScopeDefinition | null;
  /** The `object` field of its API objects: `employee`. */
  readonly object: Name;
  /** The prefix of its ids (`emp`); null when its objects have no id of their own (the pay schedule). */
  readonly idPrefix: Prefix;
  /** Where it lives under /v1: `/employees`. */
  readonly path: `/${string}`;
  /** How sentences name one and many of it, in lower case: `time entry`, `time entries`. */
  readonly names: { readonly one: string; readonly many: string };
  readonly tag: ResourceTag;
  /**
   * The fields of its API object besides `id` and `object`, in the order the object lists them: what a key may
   * read. Its object schema must have exactly these (objectSchema enforces it; a test checks the document).
   */
  readonly fields: readonly Field[];
  /** True when a key's field restriction may name its fields (a restriction is keyed by the scope's name). */
  readonly restrictable: boolean;
  readonly events: ResourceEvents<Domain> | null;
  /**
   * The fields its list's query parameters read (`clockedIn` reads `clockStatus`), so a filter reveals no more than
   * the object would: a key that may not read one of them gets 403 field_not_permitted for the parameter, and
   * `search` matches only the fields it names that the key may read. `updatedSince` reads `updatedAt` on every
   * list; the paging parameters read nothing. Restrictable resources name every filter of their lists (a test
   * checks the document).
   */
  readonly queries?: Readonly<Record<string, readonly Field[]>>;
}

/** A descriptor with its literal types kept, frozen. */
export function defineResource<
  const Name extends string,
  const Field extends string,
  const Prefix extends string | null,
  const Domain extends string = never,
>(
  descriptor: ResourceDescriptor<Name, Field, Domain, Prefix>,
): ResourceDescriptor<Name, Field, Domain, Prefix> {
  return Object.freeze(descriptor);
}

/** How a message names one of its objects, at the start of a sentence: "Department code", "API key". */
export function nounOf(resource: Pick<ResourceDescriptor, 'names'>): string {
  const { one } = resource.names;
  return one.charAt(0).toUpperCase() + one.slice(1);
}
