import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type DatabaseHandle,
  type Dialect,
  migrateToLatest,
  openDatabase,
  sqliteFileIn,
} from '../../src/db/database.js';
import { withSchemaLock } from './dialects.js';

/**
 * A migrated database that server processes (`node dist/main.js`) and the test that starts them share: a SQLite
 * file in a temporary data directory, or a PostgreSQL schema of its own. It outlives any server killed with
 * SIGKILL; `dispose` removes it.
 */
export interface ProcessStorage {
  readonly dialect: Dialect;
  /** The server's environment for this database (PUNCHCLOCK_DATA_DIR, or DATABASE_URL and REDIS_URL). */
  readonly env: NodeJS.ProcessEnv;
  /** Where it lives, for reports. */
  readonly description: string;
  open(): DatabaseHandle;
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database of the dialect. PostgreSQL needs TEST_DATABASE_URL; with `redis`, its servers also
 * get REDIS_URL when TEST_REDIS_URL is set.
 */
export async function processStorage(
  dialect: Dialect,
  options: { redis?: boolean } = {},
): Promise<ProcessStorage> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'punchclock-process-'));
    const file = sqliteFileIn(dataDir);
    const storage: ProcessStorage = {
      dialect,
      env: { PUNCHCLOCK_DATA_DIR: dataDir },
      description: file,
      open: () => openDatabase({ sqliteFile: file }),
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
    await migrate(storage);
    return storage;
  }

  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `proc_${randomBytes(6).toString('hex')}`;
  const schemaUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const redisUrl = options.redis ? process.env.TEST_REDIS_URL : undefined;
  const storage: ProcessStorage = {
    dialect,
    env: { DATABASE_URL: schemaUrl, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) },
    description: `schema ${schema}${redisUrl ? ' + Redis' : ''}`,
    open: () => openDatabase({ databaseUrl: schemaUrl, poolSize: 4 }),
    dispose: async () => {
      await withSchemaLock(url, (client) => client.query(`drop schema if exists ${schema} cascade`));
    },
  };
  // Under the schema lock: Kysely's migrator reads every schema, and another test may drop its own meanwhile.
  await withSchemaLock(url, async (client) => {
    await client.query(`create schema ${schema}`);
    await migrate(storage);
  });
  return storage;
}

async function migrate(storage: ProcessStorage): Promise<void> {
  const handle = storage.open();
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
}
