import type { Kysely } from 'kysely';
import { columnType as t } from '../columns.js';

/** Idempotency records and the API request log (DESIGN §3.7, §3.9). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('locked_until', t.timestamp, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    // The unique pair is what makes two processes receiving the same key at once agree on one winner.
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expires_idx')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('api_request_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text')
    .addColumn('key_id', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('route', 'text')
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('api_version', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  // The portal reads an account's newest requests (optionally for one key); retention deletes by age.
  await db.schema
    .createIndex('api_request_log_account_idx')
    .on('api_request_log')
    .columns(['account_id', 'id'])
    .execute();
  await db.schema
    .createIndex('api_request_log_key_idx')
    .on('api_request_log')
    .columns(['account_id', 'key_id', 'id'])
    .execute();
  await db.schema
    .createIndex('api_request_log_created_idx')
    .on('api_request_log')
    .column('created_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_request_log').execute();
  await db.schema.dropTable('idempotency_keys').execute();
}
