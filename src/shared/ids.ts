import { randomFillSync } from 'node:crypto';
import { decodeTime, monotonicFactory } from 'ulid';

/**
 * What mints and recognises ids of one kind: its type prefix (DESIGN §3.3), `emp` in `emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H`.
 * A resource's descriptor is one (its `idPrefix`); the platform's own objects (accounts, users, deliveries) declare
 * theirs where they live. Ids are time-ordered, so sorting by id sorts by creation.
 */
export interface IdKind {
  readonly idPrefix: string;
}

/**
 * ULID's default generator asks the OS for one random byte per character (16 calls per id), and every API request
 * gets an id. Drawing the same cryptographic bytes from a pool refilled 4 KiB at a time keeps ids unpredictable at a
 * fraction of the cost.
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
function pooledRandom(): number {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return (pool[poolOffset++] as number) / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

export function newId(kind: IdKind): string {
  return `${kind.idPrefix}_${nextUlid()}`;
}

/**
 * A new id of this kind that sorts after `previous` (an id of the same kind), even when `previous` was made by
 * another process whose clock runs ahead of ours: feeds read in id order must see ids in the order they were made.
 */
export function newIdAfter(kind: IdKind, previous: string | undefined): string {
  const id = newId(kind);
  if (previous === undefined || id > previous) return id;
  const body = previous.slice(kind.idPrefix.length + 1);
  return `${kind.idPrefix}_${nextUlid(decodeTime(body) + 1)}`;
}

export function newRequestId(): string {
  return `req_${nextUlid()}`;
}

const ULID_BODY = '[0-9A-HJKMNP-TV-Z]{26}';

/** JSON-schema pattern for an id of this kind, used in route schemas. */
export function idPattern(kind: IdKind): string {
  return `^${kind.idPrefix}_${ULID_BODY}$`;
}

/** One id of this kind, the same everywhere in the docs' examples. */
export function exampleId(kind: IdKind): string {
  return `${kind.idPrefix}_01JD2X6Y3Z4A5B6C7D8E9F0G1H`;
}
