import type { Kysely } from 'kysely';
import { columnType as t } from '../columns.js';

/**
 * Time cards record who approved them, and the last withdrawal of an approval with who made it and why (issue 13):
 * an approved card freezes the time it is computed from, so unapproving is the way back to changing that time and
 * is kept on the card. Cards approved before this migration keep `approved_by` null: nobody recorded who it was.
 */
const COLUMNS = [
  ['approved_by', 'text'],
  ['unapproved_at', t.timestamp],
  ['unapproved_by', 'text'],
  ['unapproval_reason', 'text'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  for (const [name, type] of COLUMNS) {
    await db.schema.alterTable('time_cards').addColumn(name, type).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of [...COLUMNS].reverse()) {
    await db.schema.alterTable('time_cards').dropColumn(name).execute();
  }
}
