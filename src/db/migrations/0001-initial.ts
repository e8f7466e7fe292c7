import type { Kysely } from 'kysely';
import { columnType as t } from '../columns.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('api_access', t.boolean, (c) => c.notNull())
    .addColumn('api_version', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('active', t.boolean, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_account_idx').on('users').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('display_prefix', 'text', (c) => c.notNull())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('scopes', t.json, (c) => c.notNull())
    .addColumn('field_restrictions', t.json)
    .addColumn('expires_at', t.timestamp)
    .addColumn('rate_limit_per_minute', 'integer')
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('revoked_at', t.timestamp)
    .addColumn('rolled_to', 'text')
    .addColumn('last_used_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_keys_account_idx').on('api_keys').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('employees')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('employee_ref', 'text')
    .addColumn('phone', 'text')
    .addColumn('active', t.boolean, (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('pay_rate_cents', 'integer')
    .addColumn('timezone', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  // Keyset pagination walks (account_id, id); incremental sync filters on updated_at.
  await db.schema
    .createIndex('employees_account_idx')
    .on('employees')
    .columns(['account_id', 'id'])
    .execute();
  await db.schema
    .createIndex('employees_account_updated_idx')
    .on('employees')
    .columns(['account_id', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('employees_account_ref_uq')
    .on('employees')
    .columns(['account_id', 'employee_ref'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['employees', 'api_keys', 'users', 'accounts']) {
    await db.schema.dropTable(table).execute();
  }
}
