/**
 * Proof that a refused request stores nothing: a snapshot of every row of account A, in every table that holds
 * account data, read directly through Kysely before and after a batch of requests that must all be refused.
 *
 * Soundness: the batch runs while nothing else writes — no other fuzz request is in flight, and the webhook
 * dispatcher is idle (no delivery due or claimed; see `quiesce`), so any difference was made by the batch. Tables
 * are found by introspection (a new table is covered without touching this file). Left out: what the contract lets
 * any request change — the request log, idempotency records, rate-limit counters, portal sessions — and the one
 * column a request's authentication updates in the background, `api_keys.last_used_at`. Events, deliveries and
 * attempts are included: a refused request must emit no event.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/db/tables.js';
import { accountTables } from '../helpers/account-tables.js';

const EXCLUDED_TABLES = new Set([
  'api_request_log',
  'idempotency_keys',
  'rate_limit_counters',
  'portal_sessions',
]);
const VOLATILE_COLUMNS: Readonly<Record<string, readonly string[]>> = { api_keys: ['last_used_at'] };

/** Row key → row (JSON, volatile columns removed), per table. */
export type Snapshot = Map<string, Map<string, string>>;

/** The tables compared: the accounts row and every table with account data, but those the contract lets change. */
async function comparedTables(): Promise<string[]> {
  return ['accounts', ...(await accountTables())].filter((table) => !EXCLUDED_TABLES.has(table));
}

function rowKey(row: Record<string, unknown>): string {
  return typeof row.id === 'string' ? row.id : JSON.stringify(row);
}

export async function snapshotAccount(db: Db, accountId: string): Promise<Snapshot> {
  const snapshot: Snapshot = new Map();
  for (const table of await comparedTables()) {
    const column = table === 'accounts' ? 'id' : 'account_id';
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where ${sql.ref(
      column,
    )} = ${accountId}`.execute(db);
    const byKey = new Map<string, string>();
    for (const row of rows) {
      for (const volatile of VOLATILE_COLUMNS[table] ?? []) delete row[volatile];
      const sorted = Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)));
      byKey.set(rowKey(sorted), JSON.stringify(sorted));
    }
    snapshot.set(table, byKey);
  }
  return snapshot;
}

/** What differs, table by table: added, removed and changed rows (a few of each, with the rows). */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const differences: string[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(table) ?? new Map<string, string>();
    const now = after.get(table) ?? new Map<string, string>();
    const added = [...now.keys()].filter((key) => !was.has(key));
    const removed = [...was.keys()].filter((key) => !now.has(key));
    const changed = [...now.keys()].filter((key) => was.has(key) && was.get(key) !== now.get(key));
    const show = (keys: string[], label: string, rows: Map<string, string>) => {
      if (keys.length === 0) return;
      differences.push(`${table}: ${keys.length} ${label}`);
      for (const key of keys.slice(0, 3)) {
        if (label === 'changed') differences.push(`  - before ${was.get(key)}\n    after  ${now.get(key)}`);
        else differences.push(`  ${rows.get(key)?.slice(0, 600)}`);
      }
    };
    show(added, 'added', now);
    show(removed, 'removed', was);
    show(changed, 'changed', now);
  }
  return differences;
}

/**
 * Waits until the webhook dispatcher has nothing to do for the account: no pending delivery that is claimed or due
 * within `horizonMs` (a retry due later cannot change anything during the next batch). Returns false on timeout.
 */
export async function quiesce(
  db: Db,
  accountIds: readonly string[],
  options: { horizonMs?: number; timeoutMs?: number } = {},
): Promise<boolean> {
  // Generous: on a loaded machine the dispatcher drains slowly, and only a dispatcher that is stuck should fail.
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const now = new Date();
    const soon = new Date(now.getTime() + (options.horizonMs ?? 10_000)).toISOString();
    const busy = await db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('d.account_id', 'in', [...accountIds])
      .where('d.status', '=', 'pending')
      .where('e.status', '=', 'enabled')
      .where((eb) =>
        eb.or([eb('d.claimed_until', '>=', now.toISOString()), eb('d.next_attempt_at', '<=', soon)]),
      )
      .executeTakeFirstOrThrow();
    if (Number(busy.n) === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
