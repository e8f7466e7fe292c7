import { randomFillSync } from 'node:crypto';
import { decodeTime, monotonicFactory } from 'ulid';

/** Type prefixes of public ids (DESIGN §3.3). Ids are time-ordered, so sorting by id sorts by creation. */
export const ID_PREFIX = {
  account: 'acct',
  user: 'usr',
  apiKey: 'key',
  employee: 'emp',
  location: 'loc',
  departmentCode: 'dep',
  position: 'pos',
  group: 'grp',
  costCode: 'cst',
  geofence: 'geo',
  punch: 'pun',
  timeEntry: 'ten',
  payPeriod: 'ppd',
  timeCard: 'tcd',
  timeOff: 'tof',
  shift: 'shf',
  event: 'evt',
  webhookEndpoint: 'we',
  webhookDelivery: 'whd',
  webhookAttempt: 'wha',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

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
  return `${ID_PREFIX[kind]}_${nextUlid()}`;
}

/**
 * A new id of this kind that sorts after `previous` (an id of the same kind), even when `previous` was made by
 * another process whose clock runs ahead of ours: feeds read in id order must see ids in the order they were made.
 */
export function newIdAfter(kind: IdKind, previous: string | undefined): string {
  const id = newId(kind);
  if (previous === undefined || id > previous) return id;
  const body = previous.slice(ID_PREFIX[kind].length + 1);
  return `${ID_PREFIX[kind]}_${nextUlid(decodeTime(body) + 1)}`;
}

export function newRequestId(): string {
  return `req_${nextUlid()}`;
}

const ULID_BODY = '[0-9A-HJKMNP-TV-Z]{26}';

/** True when `value` has the shape of an id of this kind (it may still not exist). */
export function isIdOf(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIX[kind]}_${ULID_BODY}$`).test(value);
}

/** JSON-schema pattern for an id of this kind, used in route schemas. */
export function idPattern(kind: IdKind): string {
  return `^${ID_PREFIX[kind]}_${ULID_BODY}$`;
}
