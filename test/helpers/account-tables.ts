import { migrateToLatest, openDatabase } from '../../src/db/database.js';

let tables: Promise<readonly string[]> | undefined;

/**
 * The tables that hold an account's data (those with an `account_id` column), found by introspection so that a new
 * table is covered without naming it. Read once, from a migrated in-memory SQLite database: both dialects run the
 * same migrations, and introspecting PostgreSQL would read every schema of the test database, failing when another
 * test drops its own meanwhile (see withSchemaLock in dialects.ts).
 */
export function accountTables(): Promise<readonly string[]> {
  tables ??= (async () => {
    const handle = openDatabase({ sqliteFile: ':memory:' });
    try {
      await migrateToLatest(handle.db);
      return (await handle.db.introspection.getTables())
        .filter((table) => table.columns.some((column) => column.name === 'account_id'))
        .map((table) => table.name)
        .sort();
    } finally {
      await handle.close();
    }
  })();
  return tables;
}
