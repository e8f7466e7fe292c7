import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/**
 * Kysely's SQLite driver begins transactions with a plain (deferred) `BEGIN`: the transaction takes a read snapshot
 * and only asks for the write lock at its first write. When another connection (the request-log worker, a CLI
 * command, a second server process) has committed in between, that snapshot is stale and SQLite refuses the upgrade
 * at once with SQLITE_BUSY, whatever `busy_timeout` says: a read-then-write request answered 500 "database is
 * locked". `BEGIN IMMEDIATE` takes the write lock when the transaction starts, so it waits (up to `busy_timeout`)
 * behind the other writer instead and then reads what that writer committed. Readers are not blocked (WAL), and on
 * this connection transactions already take turns (Kysely holds its one connection for a transaction's duration).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
