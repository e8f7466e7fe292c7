/**
 * The test's own model of what a key may read (DESIGN §3.1, README "What a key may read is the same on every
 * channel"), computed from the resource descriptors' field lists and the key's scopes and field restrictions only.
 * It deliberately calls nothing of src/platform/descriptors/projection.ts or permissions.ts: the property compares
 * the product's projection against this model, so a bug in the one projection function cannot hide itself.
 *
 * - A resource without a scope (the calling key, versions) is readable by any key.
 * - Without `<scope>:read` (or `*`) a key reads an object's receipt only: `id`, `object`, `createdAt`, `updatedAt`.
 * - With a field restriction on the scope it reads `id`, `object` and the listed fields.
 * - Otherwise it reads the object whole.
 * A deletion answers `{ id, object, deleted: true }`: `deleted` is the outcome of the write, not a field of the
 * object, so it is allowed whatever the key may read (only as `true`).
 *
 * Objects an operation returns that are no resource of the registry (a `webhook_delivery` from
 * `POST /v1/webhook-endpoints/{id}/test`, a `webhook_recovery`) belong to the resource whose scope the operation
 * needs: a key without that resource's read scope sees their receipt only.
 */
import type { ResourceDescriptor } from '../../src/platform/descriptors/descriptor.js';
import { RESOURCES } from '../../src/resources/registry.js';

/** A key as the test generated it. */
export interface KeyModel {
  readonly scopes: readonly string[];
  /** By scope name (`employees`), as keys carry them. */
  readonly fieldRestrictions: Readonly<Record<string, readonly string[]>> | null;
}

const RECEIPT: readonly string[] = ['id', 'object', 'createdAt', 'updatedAt'];
const IDENTITY: readonly string[] = ['id', 'object'];

/** `employees:read` held, directly or through `*`. */
export function holds(key: KeyModel, scope: string): boolean {
  return key.scopes.includes('*') || key.scopes.includes(scope);
}

export function mayReadResource(key: KeyModel, resource: ResourceDescriptor): boolean {
  return resource.scope === null || holds(key, `${resource.scope.name}:read`);
}

/** The fields of the resource's objects the key may see, or `all`. */
export function visibleFields(key: KeyModel, resource: ResourceDescriptor): ReadonlySet<string> | 'all' {
  if (resource.scope === null) return 'all';
  if (!mayReadResource(key, resource)) return new Set(RECEIPT);
  const restriction = key.fieldRestrictions?.[resource.scope.name];
  return restriction ? new Set([...IDENTITY, ...restriction]) : 'all';
}

/** True when the key may see this field of the resource's objects. */
export function mayReadField(key: KeyModel, resource: ResourceDescriptor, field: string): boolean {
  const visible = visibleFields(key, resource);
  return visible === 'all' || visible.has(field);
}

/** An event of this type may reach the key (feed, webhook) only if it may read the event's resource. */
export function eventVisible(key: KeyModel, type: string): boolean {
  const definition = RESOURCES.event(type);
  return definition !== undefined && mayReadResource(key, definition.resource);
}

/** The write restriction that holds for an operation's scope (`employees:write` → the `employees` list). */
export function writeRestriction(
  key: KeyModel,
  operationScope: string | null | undefined,
): readonly string[] | undefined {
  if (!operationScope) return undefined;
  return key.fieldRestrictions?.[operationScope.slice(0, operationScope.indexOf(':'))];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resourceOf(value: Json): ResourceDescriptor | undefined {
  return typeof value.object === 'string' ? RESOURCES.byObject(value.object) : undefined;
}

/** The resource of an operation's scope (`webhooks:write` → webhook endpoints), for the objects it returns. */
export function resourceOfScope(operationScope: string | null | undefined): ResourceDescriptor | undefined {
  if (!operationScope) return undefined;
  const name = operationScope.slice(0, operationScope.indexOf(':'));
  return RESOURCES.resources.find((resource) => resource.scope?.name === name);
}

/** What the key may see of one object: by its own resource, else (not `list`) by the operation's. */
function visibleOf(
  key: KeyModel,
  node: Json,
  operationResource: ResourceDescriptor | undefined,
): { resource: string; visible: ReadonlySet<string> | 'all' } | undefined {
  const resource = resourceOf(node);
  if (resource) return { resource: resource.object, visible: visibleFields(key, resource) };
  if (!operationResource || typeof node.object !== 'string' || node.object === 'list') return undefined;
  const visible = mayReadResource(key, operationResource) ? 'all' : new Set(RECEIPT);
  return { resource: node.object, visible };
}

function fieldAllowed(visible: ReadonlySet<string> | 'all', field: string, value: unknown): boolean {
  return visible === 'all' || visible.has(field) || (field === 'deleted' && value === true);
}

/**
 * Every place in `value` where the key sees more than the model allows: any JSON object naming a resource in its
 * `object` (at any depth, in any list), and the `previousAttributes` of an event, which are fields of the event's
 * object. `envelope`: the outermost object is the channel's own (a webhook payload's event), not one the key reads.
 */
export function leaks(
  key: KeyModel,
  value: unknown,
  where: string,
  options: { envelope?: boolean; operationScope?: string | null | undefined } = {},
): string[] {
  const operationResource = resourceOfScope(options.operationScope);
  const found: string[] = [];
  const walk = (node: unknown, path: string, top: boolean): void => {
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, `${path}[${index}]`, false);
      return;
    }
    if (!isObject(node)) return;
    const seen = visibleOf(key, node, operationResource);
    if (seen && !(top && options.envelope)) {
      for (const [field, fieldValue] of Object.entries(node)) {
        if (!fieldAllowed(seen.visible, field, fieldValue)) {
          found.push(`${where}${path}: ${seen.resource} ${String(node.id)} reveals "${field}"`);
        }
      }
    }
    if (node.object === 'event' && isObject(node.data) && isObject(node.data.object)) {
      const eventResource = resourceOf(node.data.object);
      const previous = node.data.previousAttributes;
      if (eventResource && isObject(previous)) {
        const visible = visibleFields(key, eventResource);
        for (const [field, fieldValue] of Object.entries(previous)) {
          if (!fieldAllowed(visible, field, fieldValue)) {
            found.push(`${where}${path}.data.previousAttributes reveals ${eventResource.object} "${field}"`);
          }
        }
      }
    }
    for (const [field, child] of Object.entries(node)) walk(child, `${path}.${field}`, false);
  };
  walk(value, '', true);
  return found;
}

/** The model's projection of a body for the key: what a replay of it must be, field for field. */
export function projectForKey(key: KeyModel, value: unknown, operationScope?: string | null): unknown {
  if (Array.isArray(value)) return value.map((item) => projectForKey(key, item, operationScope));
  if (!isObject(value)) return value;
  const visible = visibleOf(key, value, resourceOfScope(operationScope))?.visible ?? 'all';
  const out: Json = {};
  for (const [field, child] of Object.entries(value)) {
    if (fieldAllowed(visible, field, child)) out[field] = projectForKey(key, child, operationScope);
  }
  return out;
}
