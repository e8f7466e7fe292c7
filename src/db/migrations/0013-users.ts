import type { Kysely } from 'kysely';
import { columnType as t } from '../columns.js';

/** A many-to-many link from a user to objects of one kind in the same account, readable from both sides. */
async function userLinkTable(db: Kysely<unknown>, table: string, other: string): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn(other, 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${table}_pk`, ['user_id', other])
    .execute();
  // Deleting a location or a group asks whether a manager still manages it (the 409 in_use check).
  await db.schema.createIndex(`${table}_${other}_idx`).on(table).columns(['account_id', other]).execute();
}

/**
 * Users an administrator manages (issue 13): when each last signed in, which locations and groups a manager
 * manages, and the one-time links that set a password (an invitation, a reset). A link's token is never stored,
 * only its SHA-256, as for portal sessions and API keys.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('last_sign_in_at', t.timestamp).execute();
  await userLinkTable(db, 'user_locations', 'location_id');
  await userLinkTable(db, 'user_groups', 'group_id');

  await db.schema
    .createTable('user_password_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('used_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('user_password_links_user_idx')
    .on('user_password_links')
    .column('user_id')
    .execute();
  // Keys are found by owner when their owner is deactivated or demoted (reassign, revoke).
  await db.schema
    .createIndex('api_keys_owner_idx')
    .on('api_keys')
    .columns(['account_id', 'created_by'])
    .execute();
  // Users are listed newest first per account (users_account_idx, migration 0001) and synced by updated_at.
  await db.schema
    .createIndex('users_account_updated_idx')
    .on('users')
    .columns(['account_id', 'updated_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_account_updated_idx').execute();
  await db.schema.dropIndex('api_keys_owner_idx').execute();
  for (const table of ['user_password_links', 'user_groups', 'user_locations']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('users').dropColumn('last_sign_in_at').execute();
}
