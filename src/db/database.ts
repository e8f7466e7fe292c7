import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type LogEvent, Migrator, PostgresAdapter, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import { preparingPool } from './postgres-statements.js';
import { ImmediateSqliteDialect } from './sqlite-immediate.js';
import { cachingStatements } from './sqlite-statements.js';
import type { Database, Db } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Db;
  readonly dialect: Dialect;
  /** How it was opened, so another thread can open its own connection to the same database. */
  readonly options: DatabaseOptions;
  /**
   * `listener` hears of each PostgreSQL connection lost while idle in the pool (a server restart, a failover, a
   * terminated backend). The pool drops it and opens another when one is needed; pg would throw the error and end the
   * process if the pool had no listener, so it always has one and the loss is survived with or without this. The app
   * adds its logger. A no-op on SQLite.
   */
  onIdleConnectionError(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent, SQLite is used. */
  databaseUrl?: string | undefined;
  /** SQLite file path, or ':memory:'. Ignored with databaseUrl. */
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests give each run its own). */
  schema?: string;
  /** Called for every executed query (tests count queries with it). */
  onQuery?: (event: LogEvent) => void;
  /** Max pool size for PostgreSQL. */
  poolSize?: number;
  /**
   * When SQLite makes a commit durable (its `synchronous` setting, in WAL mode). `normal` (default): a committed
   * transaction survives the process crashing, and after a power loss the database is intact but may lack the
   * transactions committed since the WAL was last synced (at a checkpoint). `full`: each commit is synced to disk
   * before it is acknowledged, so it survives a power loss too, at an fsync per write.
   */
  sqliteSynchronous?: SqliteSynchronous;
}

export type SqliteSynchronous = 'normal' | 'full';

export function sqliteFileIn(dataDir: string): string {
  fs.mkdirSync(dataDir, { recursive: true });
  return path.join(dataDir, 'punchclock.sqlite');
}

/** True when another thread or process can open the same database (not an in-memory SQLite database). */
export function isShareable(options: DatabaseOptions): boolean {
  return (
    Boolean(options.databaseUrl) || (options.sqliteFile !== undefined && options.sqliteFile !== ':memory:')
  );
}

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  const log = options.onQuery;
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // pg closes a connection idle for 10 s by default: a server between bursts then pays for new connections and
      // prepares its statements again (postgres-statements.ts). Five minutes keeps them across quiet spells.
      idleTimeoutMillis: 300_000,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: preparingPool(pool) }),
      ...(log ? { log } : {}),
    });
    const listeners: ((error: Error) => void)[] = [];
    pool.on('error', (error) => {
      for (const listener of listeners) listener(error);
    });
    return {
      db,
      dialect: 'postgres',
      options,
      onIdleConnectionError: (listener) => void listeners.push(listener),
      close: () => db.destroy(),
    };
  }
  const sqlite = new SQLite(options.sqliteFile ?? ':memory:');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: cachingStatements(sqlite) }),
    ...(log ? { log } : {}),
  });
  return { db, dialect: 'sqlite', options, onIdleConnectionError: () => {}, close: () => db.destroy() };
}

export interface MigrationOutcome {
  applied: string[];
}

/** True on PostgreSQL: for the few statements only it has (row locks, advisory locks, SKIP LOCKED). */
export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Applies every pending migration. Safe to run on every start and from `punchclock migrate`. */
/** Names of the applied migrations, or null when the migration table does not exist yet. */
async function appliedMigrations(db: Db): Promise<Set<string> | null> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    return new Set(rows.map((row) => row.name));
  } catch {
    return null;
  }
}

export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  // The usual case — every server start and CLI command on a migrated database — is answered by one query. Kysely's
  // migrator would introspect every table of every schema first, which is slow on a shared PostgreSQL and fails
  // while another schema is being dropped.
  const applied = await appliedMigrations(db);
  const known = Object.keys(await migrationProvider.getMigrations());
  if (applied && known.every((name) => applied.has(name))) return { applied: [] };

  // Kysely looks for its migration tables in every visible schema; pin them to the connection's own schema so
  // another schema in the same database (another app, or a parallel test) cannot be mistaken for ours.
  const migrationTableSchema = isPostgres(db)
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
    : undefined;
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** A cheap round trip, for /readyz. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
