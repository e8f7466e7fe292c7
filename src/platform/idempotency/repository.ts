import type { Db, IdempotencyKeyRow } from '../../db/tables.js';

/**
 * Inserts an in-progress claim unless the (account, key) pair exists. Returns true when this call claimed it: the
 * primary key makes exactly one of several concurrent claims (in any number of processes) win.
 */
export async function insertClaim(db: Db, row: IdempotencyKeyRow): Promise<boolean> {
  const result = await db
    .insertInto('idempotency_keys')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findRecord(
  db: Db,
  accountId: string,
  key: string,
): Promise<IdempotencyKeyRow | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/**
 * Takes over a record that can no longer block anyone: expired, or in progress past its lock (its process died).
 * Conditional on what was read, so two processes taking over at once cannot both win.
 */
export async function takeOver(db: Db, stale: IdempotencyKeyRow, fresh: IdempotencyKeyRow): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({
      fingerprint: fresh.fingerprint,
      state: 'in_progress',
      response_status: null,
      response_body: null,
      locked_until: fresh.locked_until,
      created_at: fresh.created_at,
      expires_at: fresh.expires_at,
    })
    .where('account_id', '=', stale.account_id)
    .where('idempotency_key', '=', stale.idempotency_key)
    .where('state', '=', stale.state)
    .where('locked_until', '=', stale.locked_until)
    .where('expires_at', '=', stale.expires_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The claim a request holds: its key and the lock it took, which a takeover replaces. */
export interface Claim {
  readonly accountId: string;
  readonly key: string;
  readonly lockedUntil: string;
}

/**
 * Stores the answer of a claimed request. Conditional on the claim still being this request's: false when its lock
 * lapsed and a retry took the key over (or the sweep removed it), so the answer is not this request's to store.
 */
export async function completeRecord(
  db: Db,
  claim: Claim,
  response: { status: number; body: string },
): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({ state: 'completed', response_status: response.status, response_body: response.body })
    .where('account_id', '=', claim.accountId)
    .where('idempotency_key', '=', claim.key)
    .where('state', '=', 'in_progress')
    .where('locked_until', '=', claim.lockedUntil)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Forgets an in-progress claim whose response is not kept (validation errors, 429, 5xx), so a retry can run. */
export async function releaseClaim(db: Db, claim: Claim): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', claim.accountId)
    .where('idempotency_key', '=', claim.key)
    .where('state', '=', 'in_progress')
    .where('locked_until', '=', claim.lockedUntil)
    .execute();
}

export async function deleteExpired(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
