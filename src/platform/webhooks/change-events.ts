import type { ResourceDescriptor } from '../descriptors/descriptor.js';
import { type Change, type EventInput, type EventPayloadObject, previousAttributesOf } from './outbox.js';

/**
 * The events of a change, built from API objects as the latest version returns them: `<object>.created`,
 * `.updated` (with the previous values of what changed) and `.deleted`, and the domain events a resource declares.
 */

/** An API object whose changes are `<object>.created|updated|deleted` events. */
export type ChangedObject = EventPayloadObject;

export function createdEvent(object: ChangedObject): EventInput {
  return { type: `${object.object}.created`, object };
}

/** Always sent for an update that was asked for, even when it left every value as it was. */
export function updatedEvent(before: ChangedObject, after: ChangedObject): EventInput {
  return {
    type: `${after.object}.updated`,
    object: after,
    previousAttributes: previousAttributesOf(before, after),
  };
}

/**
 * The events of an idempotent action that sets or clears a flag (lock a pay period, approve a time card): none when
 * the flag already had that value (nothing changed), else `.updated`, followed by the domain event `whenSet` when
 * the flag went on, or `whenCleared` (if the resource declares one) when it went off.
 */
export function flagEvents<T extends ChangedObject, Domain extends string>(
  resource: ResourceDescriptor<string, string, Domain>,
  before: T,
  after: T,
  flag: keyof T,
  whenSet: Domain,
  whenCleared?: Domain,
): EventInput[] {
  if (before[flag] === after[flag]) return [];
  const events = [updatedEvent(before, after)];
  if (after[flag] === true) events.push(domainEvent(resource, whenSet, after));
  else if (whenCleared !== undefined) events.push(domainEvent(resource, whenCleared, after));
  return events;
}

/** `<object>.<name>`: one of the domain events the resource declares. */
export function domainEvent<Domain extends string>(
  resource: ResourceDescriptor<string, string, Domain>,
  name: Domain,
  object: ChangedObject,
): EventInput {
  return { type: `${resource.object}.${name}`, object };
}

/** `object` as it was before the deletion: the last state a client saw. */
export function deletedEvent(object: ChangedObject): EventInput {
  return { type: `${object.object}.deleted`, object };
}

/**
 * The `.updated` events of objects a change touched besides its own (a group whose members changed, an employee
 * whose clock status moved), matched by id between renderings before and after it. Objects that came out the same
 * are left out: nothing about them changed.
 */
export function touchedEvents(
  before: readonly ChangedObject[],
  after: readonly ChangedObject[],
): EventInput[] {
  const previous = new Map(before.map((object) => [object.id, object]));
  return after.flatMap((object) => {
    const old = previous.get(object.id);
    if (!old) return [];
    const event = updatedEvent(old, object);
    return Object.keys(event.previousAttributes ?? {}).length > 0 ? [event] : [];
  });
}

/**
 * Runs `touch` between two readings of the objects it may change and returns its result with the `.updated` events
 * of those it did change. Both readings must run in the transaction of the change.
 */
export async function withTouched<T>(
  read: () => Promise<readonly ChangedObject[]>,
  touch: () => Promise<T>,
): Promise<Change<T>> {
  const before = await read();
  const result = await touch();
  return { result, events: touchedEvents(before, await read()) };
}
