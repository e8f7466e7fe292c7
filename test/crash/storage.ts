import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';
import { migrationProvider } from '../../src/db/migrations/index.js';
import type { ProcessStorage } from '../helpers/process-storage.js';

/**
 * With no server running: the database opens, SQLite's integrity check passes, and every migration is recorded as
 * applied (a migration run now would apply nothing). Returns the problems found, empty when none.
 */
export async function checkAfterCrash(storage: ProcessStorage): Promise<string[]> {
  const problems: string[] = [];
  let handle: DatabaseHandle;
  try {
    handle = storage.open();
  } catch (error) {
    return [`the database does not open after the crash: ${String(error)}`];
  }
  try {
    if (storage.dialect === 'sqlite') {
      const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(handle.db);
      const verdict = rows.map((row) => row.integrity_check).join('; ');
      if (verdict !== 'ok') problems.push(`SQLite integrity check after the crash: ${verdict}`);
    }
    const known = Object.keys(await migrationProvider.getMigrations()).sort();
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      handle.db,
    );
    const applied = rows.map((row) => row.name);
    if (JSON.stringify(applied) !== JSON.stringify(known)) {
      problems.push(
        `migrations after the crash: applied [${applied.join(', ')}], known [${known.join(', ')}]`,
      );
    }
  } catch (error) {
    problems.push(`the database cannot be read after the crash: ${String(error)}`);
  } finally {
    await handle.close();
  }
  return problems;
}
