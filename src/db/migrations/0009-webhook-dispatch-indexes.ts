import type { Kysely } from 'kysely';

/**
 * Indexes for the dispatcher's queries (found by the fuzzer: on SQLite the dispatcher slowed down as an account's
 * events and endpoints grew, and the 20,000-request fuzz run took 12 minutes). Without statistics, SQLite's
 * planner takes `account_id = ?` on an index for a short range of rows:
 * - every query of deliveries by id is filtered by account too (`account_id = ? and id in (...)`); it read the
 *   claimed deliveries by walking every event × endpoint of the account, and claimed them by scanning every delivery
 *   of the account. A unique index on exactly these columns tells it that each id is one row.
 * - a claim counts the endpoint's deliveries in flight among its pending ones, and scanned all its deliveries to find
 *   them (PostgreSQL scanned every pending delivery of every account).
 * PostgreSQL already found deliveries by id through the primary key; it keeps the same schema.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('webhook_deliveries_account_id_uq')
    .on('webhook_deliveries')
    .columns(['account_id', 'id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_endpoint_status_idx')
    .on('webhook_deliveries')
    .columns(['account_id', 'endpoint_id', 'status', 'event_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_endpoint_status_idx').execute();
  await db.schema.dropIndex('webhook_deliveries_account_id_uq').execute();
}
