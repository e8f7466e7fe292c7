import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseHandle } from './database.js';
import type { Db } from './tables.js';

/** The transaction a request's work runs in; emptied when it ends, so work it left behind cannot use it. */
interface Scope {
  trx: Db | null;
  readonly afterCommit: Array<() => void>;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * The handle the app's services use: its `db` is the transaction of the request running now when it has one (see
 * runInRequestTransaction), the database otherwise. Services keep asking `ctx.database.db` for their connection and
 * their own transactions join the request's (inTransaction), so an idempotent write and its stored answer commit
 * together without every service taking a transaction argument.
 */
export function requestScoped(handle: DatabaseHandle): DatabaseHandle {
  return {
    get db() {
      return scopes.getStore()?.trx ?? handle.db;
    },
    dialect: handle.dialect,
    options: handle.options,
    onIdleConnectionError: (listener) => handle.onIdleConnectionError(listener),
    close: () => handle.close(),
  };
}

/**
 * Runs `work` in one transaction on `root` that every `requestScoped` handle hands out meanwhile. `finish` runs last
 * in the same transaction with work's result (to store what the request answers). Callbacks given to `afterCommit`
 * during the work run once it committed.
 */
export async function runInRequestTransaction<T>(
  root: Db,
  work: () => Promise<T>,
  finish: (trx: Db, result: T) => Promise<void>,
): Promise<T> {
  const scope: Scope = { trx: null, afterCommit: [] };
  const result = await root.transaction().execute(async (trx) => {
    scope.trx = trx;
    try {
      const result = await scopes.run(scope, work);
      await finish(trx, result);
      return result;
    } finally {
      scope.trx = null;
    }
  });
  for (const callback of scope.afterCommit) callback();
  return result;
}

/**
 * Runs `callback` once the request's transaction committed, or now when there is none: a background worker woken
 * before the commit would look for the change and not find it yet (or, on SQLite, queue behind the transaction).
 * Dropped when the transaction rolls back.
 */
export function afterCommit(callback: () => void): void {
  const scope = scopes.getStore();
  if (scope?.trx) scope.afterCommit.push(callback);
  else callback();
}
