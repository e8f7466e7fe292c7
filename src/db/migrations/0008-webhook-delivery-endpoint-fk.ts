import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { columnType as t } from '../columns.js';

/**
 * A delivery's endpoint becomes a foreign key that cascades (found by the fuzzer: on PostgreSQL a change that wrote
 * its events while an endpoint was being deleted could leave a pending delivery of the deleted endpoint, which
 * nothing would ever send or show). Deliveries orphaned that way before, and their attempts, are removed first.
 *
 * PostgreSQL adds the constraint in place. SQLite cannot add a foreign key to a table: it builds the table again with
 * it (https://www.sqlite.org/lang_altertable.html#otheralter), in one transaction, with the same columns and indexes
 * as 0004-webhooks. No table references webhook_deliveries, so this works with foreign keys on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await deleteOrphans(db);
  if (isPostgres(db)) {
    await db.schema
      .alterTable('webhook_deliveries')
      .addForeignKeyConstraint(
        'webhook_deliveries_endpoint_fk',
        ['endpoint_id'],
        'webhook_endpoints',
        ['id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    return;
  }
  await rebuildDeliveriesOnSqlite(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await db.schema
      .alterTable('webhook_deliveries')
      .dropConstraint('webhook_deliveries_endpoint_fk')
      .execute();
    return;
  }
  await rebuildDeliveriesOnSqlite(db, false);
}

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

async function deleteOrphans(db: Kysely<unknown>): Promise<void> {
  const orphans = sql`select d.id from webhook_deliveries d
    where not exists (select 1 from webhook_endpoints e where e.id = d.endpoint_id)`;
  await sql`delete from webhook_attempts where delivery_id in (${orphans})`.execute(db);
  await sql`delete from webhook_deliveries where id in (${orphans})`.execute(db);
}

async function rebuildDeliveriesOnSqlite(db: Kysely<unknown>, withForeignKey: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.schema
      .createTable('webhook_deliveries_rebuilt')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('endpoint_id', 'text', (c) =>
        withForeignKey ? c.notNull().references('webhook_endpoints.id').onDelete('cascade') : c.notNull(),
      )
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempt_count', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', t.timestamp)
      .addColumn('claimed_until', t.timestamp)
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await sql`insert into webhook_deliveries_rebuilt
      (id, account_id, endpoint_id, event_id, status, attempt_count, next_attempt_at, claimed_until,
       last_status_code, last_error, created_at, updated_at)
      select id, account_id, endpoint_id, event_id, status, attempt_count, next_attempt_at, claimed_until,
       last_status_code, last_error, created_at, updated_at
      from webhook_deliveries`.execute(trx);
    await trx.schema.dropTable('webhook_deliveries').execute();
    await trx.schema.alterTable('webhook_deliveries_rebuilt').renameTo('webhook_deliveries').execute();
    await trx.schema
      .createIndex('webhook_deliveries_due_idx')
      .on('webhook_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await trx.schema
      .createIndex('webhook_deliveries_endpoint_idx')
      .on('webhook_deliveries')
      .columns(['account_id', 'endpoint_id', 'id'])
      .execute();
    await trx.schema
      .createIndex('webhook_deliveries_endpoint_event_uq')
      .on('webhook_deliveries')
      .columns(['endpoint_id', 'event_id'])
      .unique()
      .execute();
  });
}
