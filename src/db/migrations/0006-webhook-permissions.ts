import type { Kysely } from 'kysely';

/**
 * Webhook endpoints record the read permissions of whoever created them (issue 11): payloads are projected through
 * them as the feed projects events for a key. Endpoints that exist already were created with the full payloads
 * they keep receiving: full access.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('webhook_endpoints')
    .addColumn('permissions', 'text', (c) =>
      c.notNull().defaultTo('{"scopes":["*"],"fieldRestrictions":null}'),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').dropColumn('permissions').execute();
}
