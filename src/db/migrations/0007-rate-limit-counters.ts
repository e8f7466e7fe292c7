import type { Kysely } from 'kysely';

/**
 * Rate-limit counters that must outlive the process (issue 11, defect 13): in embedded mode the minute windows live
 * in memory, but a trial account's daily write cap is kept here so a restart does not hand out a fresh day.
 * One row per counter; see src/platform/rate-limit/database-ledger.ts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limit_counters')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('window_ms', 'integer', (c) => c.notNull())
    .addColumn('window_index', 'integer', (c) => c.notNull())
    .addColumn('current_count', 'integer', (c) => c.notNull())
    .addColumn('previous_count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_counters_pk', ['scope', 'bucket'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limit_counters').execute();
}
