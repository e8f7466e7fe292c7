import type { Db } from '../db/tables.js';
import { inTransaction } from '../db/transaction.js';
import type { DomainEventType, EventObject } from '../platform/webhooks/event-types.js';
import {
  type EventInput,
  type EventPayloadObject,
  emitEvents,
  previousAttributesOf,
} from '../platform/webhooks/outbox.js';
import type { Clock } from '../shared/clock.js';

/** An API object, as the latest version returns it, whose changes are `<object>.created|updated|deleted` events. */
export type ChangedObject = EventPayloadObject & { readonly object: EventObject };

/** What a change did, and the events that say so. */
export interface Change<T> {
  readonly result: T;
  readonly events: readonly EventInput[];
}

/**
 * Runs a change and writes its events in one transaction (joining the caller's when `db` already is one), so a
 * committed change always has its events and a rolled-back one never does. Every service function that changes
 * data goes through here.
 */
export function recordChange<T>(
  db: Db,
  clock: Clock,
  accountId: string,
  change: (trx: Db) => Promise<Change<T>>,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    const { result, events } = await change(trx);
    await emitEvents(trx, clock, accountId, events);
    return result;
  });
}

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
 * The events of an idempotent action that sets a flag (lock a pay period, approve a time card): none when the flag
 * already had that value (nothing changed), else `.updated`, followed by `whenSet` when the flag went on.
 */
export function flagEvents<T extends ChangedObject>(
  before: T,
  after: T,
  flag: keyof T,
  whenSet: DomainEventType,
): EventInput[] {
  if (before[flag] === after[flag]) return [];
  const events = [updatedEvent(before, after)];
  if (after[flag] === true) events.push({ type: whenSet, object: after });
  return events;
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
