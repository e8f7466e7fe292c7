import { randomBytes } from 'node:crypto';
import type { LogEvent } from 'kysely';
import pg from 'pg';
import { type DatabaseHandle, type Dialect, migrateToLatest, openDatabase } from '../../src/db/database.js';

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). Kysely's own test-loop style. */
export const DIALECTS: readonly Dialect[] = process.env.TEST_DATABASE_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

export interface TestDatabase extends DatabaseHandle {
  /** Drops what the test created (the PostgreSQL schema) and closes the pool. */
  dispose(): Promise<void>;
}

/** A fresh, migrated database for one test: in-memory SQLite, or a PostgreSQL schema of its own. */
export async function openTestDatabase(
  dialect: Dialect,
  options: { onQuery?: (event: LogEvent) => void } = {},
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const handle = openDatabase({ sqliteFile: ':memory:', ...options });
    await migrateToLatest(handle.db);
    return { ...handle, dispose: () => handle.close() };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const handle = openDatabase({ databaseUrl: url, schema, poolSize: 4, ...options });
  await withSchemaLock(url, async (client) => {
    await client.query(`create schema ${schema}`);
    await migrateToLatest(handle.db);
  });
  return {
    ...handle,
    dispose: async () => {
      // A test may already have closed the pool on purpose (to simulate an outage); the schema still goes.
      await handle.close().catch(() => undefined);
      await withSchemaLock(url, (client) => client.query(`drop schema ${schema} cascade`));
    },
  };
}

/** Any constant: the advisory lock that serialises test schemas' creation, migration and drop. */
const SCHEMA_LOCK = 7_270_001;

/**
 * Kysely's migrator introspects every schema of the database (pg_get_serial_sequence on each table), which fails
 * with "schema does not exist" when another test file drops its schema at that moment. Holding one advisory lock
 * around migrations and drops keeps them apart.
 */
export async function withSchemaLock<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
    return await work(client);
  } finally {
    await client.end();
  }
}
