import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import {
  type DatabaseHandle,
  type Dialect,
  migrateToLatest,
  openDatabase,
  sqliteFileIn,
} from '../../src/db/database.js';
import { migrationProvider } from '../../src/db/migrations/index.js';
import { withSchemaLock } from '../helpers/dialects.js';

/**
 * The database a crash run shares between its server processes and its oracle: a SQLite file in a temporary data
 * directory, or a PostgreSQL schema of its own (with Redis for the server when TEST_REDIS_URL is set). It survives
 * every SIGKILL of a round and is removed by `dispose`. `checkAfterCrash` proves the database still opens, passes
 * its integrity check and needs no migration after a process died in the middle of its writes.
 */
export interface CrashStorage {
  readonly dialect: Dialect;
  /** The server's environment for this database (PUNCHCLOCK_DATA_DIR, or DATABASE_URL and REDIS_URL). */
  readonly env: NodeJS.ProcessEnv;
  /** Where it lives, for the report. */
  readonly description: string;
  open(): DatabaseHandle;
  dispose(): Promise<void>;
}

/** A fresh, migrated database for a crash run. PostgreSQL needs TEST_DATABASE_URL. */
export async function crashStorage(dialect: Dialect): Promise<CrashStorage> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'punchclock-crash-'));
    const file = sqliteFileIn(dataDir);
    const storage: CrashStorage = {
      dialect,
      env: { PUNCHCLOCK_DATA_DIR: dataDir },
      description: file,
      open: () => openDatabase({ sqliteFile: file }),
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
    const handle = storage.open();
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
    return storage;
  }

  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `crash_${randomBytes(6).toString('hex')}`;
  const schemaUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const redisUrl = process.env.TEST_REDIS_URL;
  const storage: CrashStorage = {
    dialect,
    env: { DATABASE_URL: schemaUrl, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) },
    description: `schema ${schema}${redisUrl ? ' + Redis' : ''}`,
    open: () => openDatabase({ databaseUrl: schemaUrl, poolSize: 4 }),
    dispose: async () => {
      await withSchemaLock(url, (client) => client.query(`drop schema if exists ${schema} cascade`));
    },
  };
  await withSchemaLock(url, async (client) => {
    await client.query(`create schema ${schema}`);
    const handle = storage.open();
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
  });
  return storage;
}

/**
 * With no server running: the database opens, SQLite's integrity check passes, and every migration is recorded as
 * applied (a migration run now would apply nothing). Returns the problems found, empty when none.
 */
export async function checkAfterCrash(storage: CrashStorage): Promise<string[]> {
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
