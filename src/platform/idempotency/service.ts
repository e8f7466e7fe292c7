import { createHash } from 'node:crypto';
import { runInRequestTransaction } from '../../db/request-transaction.js';
import type { IdempotencyKeyRow } from '../../db/tables.js';
import type { ServiceContext } from '../context.js';
import { ApiError } from '../errors/api-error.js';
import * as repo from './repository.js';

/** How long a completed response is replayed (DESIGN §3.7). */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/** How long an in-progress claim blocks retries before it is presumed abandoned (its process died). */
export const IN_PROGRESS_LOCK_MS = 60 * 1000;
export const MAX_KEY_LENGTH = 255;

export type IdempotencyOutcome =
  | { kind: 'claimed'; claim: repo.Claim }
  | { kind: 'replay'; status: number; body: string };

/** JSON with object keys sorted, so the same parameters in another order are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

export function validateKey(key: string): void {
  if (key.length < 1 || key.length > MAX_KEY_LENGTH) {
    throw new ApiError('parameter_invalid', `Idempotency-Key must have 1 to ${MAX_KEY_LENGTH} characters.`, {
      param: 'Idempotency-Key',
    });
  }
}

/**
 * Claims the key for this request, or tells the caller to replay the stored response. Conflicts are the contract's
 * 409s: another request with the same key (`idempotency_key_reused`) or the first one still running
 * (`idempotency_key_in_use`).
 */
export async function claimIdempotencyKey(
  ctx: ServiceContext,
  accountId: string,
  key: string,
  fingerprint: string,
): Promise<IdempotencyOutcome> {
  validateKey(key);
  const now = ctx.clock.now();
  const fresh: IdempotencyKeyRow = {
    account_id: accountId,
    idempotency_key: key,
    fingerprint,
    state: 'in_progress',
    response_status: null,
    response_body: null,
    locked_until: new Date(now.getTime() + IN_PROGRESS_LOCK_MS).toISOString(),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
  };
  const db = ctx.database.db;
  const claimed: IdempotencyOutcome = {
    kind: 'claimed',
    claim: { accountId, key, lockedUntil: fresh.locked_until },
  };
  if (await repo.insertClaim(db, fresh)) return claimed;

  const existing = await repo.findRecord(db, accountId, key);
  // Deleted between our insert and read (a release or the sweep): claim again.
  if (!existing) return (await repo.insertClaim(db, fresh)) ? claimed : conflictInUse(key);

  const nowIso = now.toISOString();
  const expired = existing.expires_at <= nowIso;
  const abandoned = existing.state === 'in_progress' && existing.locked_until <= nowIso;
  if (expired || abandoned) {
    return (await repo.takeOver(db, existing, fresh)) ? claimed : conflictInUse(key);
  }
  if (existing.fingerprint !== fingerprint) {
    throw new ApiError(
      'idempotency_key_reused',
      `Idempotency-Key "${key}" was already used with a different request. Use a new key for a new request.`,
      { param: 'Idempotency-Key' },
    );
  }
  if (
    existing.state === 'in_progress' ||
    existing.response_status === null ||
    existing.response_body === null
  ) {
    return conflictInUse(key);
  }
  return { kind: 'replay', status: existing.response_status, body: existing.response_body };
}

function conflictInUse(key: string): never {
  throw new ApiError(
    'idempotency_key_in_use',
    `A request with Idempotency-Key "${key}" is still being processed. Retry after it completes.`,
    { param: 'Idempotency-Key' },
  );
}

/**
 * Which responses are kept for replay: the request's outcome (2xx, and 4xx that describe the request's effect such
 * as 404 or 409). Validation failures (400), throttling (429) and server errors (5xx) are released so a retry runs.
 */
export function isReplayable(status: number): boolean {
  return status < 500 && status !== 400 && status !== 429;
}

/**
 * Stores the answer of a request that did not store it with its write (an error, which changed nothing), or
 * releases the claim when the answer is not kept.
 */
export async function finishIdempotencyKey(
  ctx: ServiceContext,
  claim: repo.Claim,
  response: { status: number; body: string },
): Promise<void> {
  if (isReplayable(response.status)) await repo.completeRecord(ctx.database.db, claim, response);
  else await repo.releaseClaim(ctx.database.db, claim);
}

/**
 * Runs a claimed write and stores its answer in the write's own transaction, so a process that dies after the
 * commit leaves the answer for the retry to replay, and one that dies before it leaves nothing done. When the claim
 * was taken over meanwhile (this request outlived its lock and a retry is running it), the write is rolled back
 * and answered 409: it must take effect once.
 */
export async function runClaimedWrite<T>(
  ctx: ServiceContext,
  claim: repo.Claim,
  work: () => Promise<T>,
  answer: (result: T) => { status: number; body: string },
): Promise<T> {
  return runInRequestTransaction(ctx.database.db, work, async (trx, result) => {
    if (!(await repo.completeRecord(trx, claim, answer(result)))) conflictInUse(claim.key);
  });
}

/** Forgets the claim, so a retry runs. */
export async function releaseIdempotencyKey(ctx: ServiceContext, claim: repo.Claim): Promise<void> {
  await repo.releaseClaim(ctx.database.db, claim);
}

export async function sweepExpiredIdempotencyKeys(ctx: ServiceContext): Promise<number> {
  return repo.deleteExpired(ctx.database.db, ctx.clock.now().toISOString());
}
