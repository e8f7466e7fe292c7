import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Statements kept prepared. A list page runs a handful of query texts and a punch about twenty; the texts a
 * process runs are few (an `in (…)` list of each length is a text of its own), so this many hold them all while
 * bounding memory against whatever an unusual workload produces.
 */
const MAX_STATEMENTS = 1000;

/**
 * The connection Kysely's SQLite driver is given: the same database, but `prepare` answers from a cache of
 * prepared statements keyed by their text. Kysely prepares every query it runs, and compiling a statement (parsing
 * and planning the SQL) cost more than running most of ours. A statement is reused only after the last use has
 * finished: the driver runs one query at a time on its single connection and reads each result completely
 * (`all`/`run`), and a stream holds the connection until it ends.
 *
 * Least recently used texts go first when the cache is full (a Map iterates in insertion order; a hit moves its
 * entry to the end).
 */
export function cachingStatements(database: SQLite.Database, max = MAX_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      if (cached) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > max) {
        const oldest = statements.keys().next().value;
        if (oldest !== undefined) statements.delete(oldest);
      }
      return statement;
    },
    close(): void {
      statements.clear();
      database.close();
    },
  };
}
