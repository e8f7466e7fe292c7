import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Statements kept prepared. A list page runs a handful of query texts and a punch about twenty; the texts a
 * process runs are few (an `in (…)` list of each length is a text of its own), so this many hold them all while
 * bounding memory against whatever an unusual workload produces.
 */
const MAX_STATEMENTS = 1000;

/** A row as better-sqlite3 reads it in raw mode (one value per result column), made into the row object. */
type RowBuilder = (values: readonly unknown[]) => Record<string, unknown>;

/**
 * A function that makes the row object of a statement's result columns from the values of one row. better-sqlite3
 * builds each row object in C++, one property at a time through V8's API; reading the row as an array and making
 * the object with this function, an object literal of fixed shape that V8 compiles once, is cheaper
 * (BENCHMARKS.md: `GET /v1/employees?limit=25` 426.2 → 365.7 µs/request between the runs at 4439986 and 6157b89).
 *
 * A later column of the same name wins, as in better-sqlite3's objects. Names are written as JSON string literals,
 * so no column name can be read as code; `__proto__` would be read as the prototype in a literal, so a statement
 * with such a column keeps better-sqlite3's own objects (`undefined` here).
 */
function rowBuilder(columns: readonly string[]): RowBuilder | undefined {
  if (columns.includes('__proto__')) return undefined;
  const properties = columns.map((name, i) => `${JSON.stringify(name)}: values[${i}]`);
  return new Function('values', `return { ${properties.join(', ')} };`) as RowBuilder;
}

/**
 * A reading statement whose rows are read as arrays and made into objects by its row builder. The builder follows
 * the statement's columns: SQLite prepares a statement again when the schema changes, and `select *` may then
 * answer other columns. Schema changes made through this connection empty the whole cache (cachingStatements); a
 * row of another width, after a change made elsewhere, makes the builder again.
 */
class ArrayReadStatement implements SqliteStatement {
  readonly reader = true;
  readonly #statement: SQLite.Statement;
  #build: RowBuilder;
  #width: number;

  constructor(statement: SQLite.Statement, build: RowBuilder, width: number) {
    this.#statement = statement.raw(true);
    this.#build = build;
    this.#width = width;
  }

  all(parameters: readonly unknown[]): unknown[] {
    const rows = this.#statement.all(parameters) as unknown[][];
    const objects: unknown[] = [];
    for (const row of rows) objects.push(this.#object(row));
    return objects;
  }

  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#statement.run(parameters);
  }

  *iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    for (const row of this.#statement.iterate(parameters) as IterableIterator<unknown[]>)
      yield this.#object(row);
  }

  #object(row: unknown[]): unknown {
    if (row.length !== this.#width) {
      const columns = this.#statement.columns().map((column) => column.name);
      // A `__proto__` column now: the row is built one property at a time, as better-sqlite3 does.
      this.#build =
        rowBuilder(columns) ?? ((values) => Object.fromEntries(columns.map((name, i) => [name, values[i]])));
      this.#width = columns.length;
    }
    return this.#build(row);
  }
}

/** Data definition: once it has run, cached statements may read other columns. */
const SCHEMA_CHANGE = /^\s*(create|alter|drop)\b/i;

/** A statement that changes the schema, and says so once it has run. */
class SchemaChangeStatement implements SqliteStatement {
  readonly reader = false;
  readonly #statement: SQLite.Statement;
  readonly #changed: () => void;

  constructor(statement: SQLite.Statement, changed: () => void) {
    this.#statement = statement;
    this.#changed = changed;
  }

  all(parameters: readonly unknown[]): unknown[] {
    return this.#statement.all(parameters);
  }

  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    try {
      return this.#statement.run(parameters);
    } finally {
      this.#changed();
    }
  }

  iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    return this.#statement.iterate(parameters);
  }
}

/**
 * The statement Kysely's driver is given: reading statements read arrays (see rowBuilder), schema changes call
 * `schemaChanged` once they have run, others are better-sqlite3's own.
 */
function driverStatement(statement: SQLite.Statement, schemaChanged: () => void): SqliteStatement {
  if (!statement.reader) {
    return SCHEMA_CHANGE.test(statement.source)
      ? new SchemaChangeStatement(statement, schemaChanged)
      : statement;
  }
  const columns = statement.columns().map((column) => column.name);
  const build = rowBuilder(columns);
  return build ? new ArrayReadStatement(statement, build, columns.length) : statement;
}

/**
 * The connection Kysely's SQLite driver is given: the same database, but `prepare` answers from a cache of
 * prepared statements keyed by their text. Kysely prepares every query it runs, and compiling a statement (parsing
 * and planning the SQL) cost more than running most of ours. A statement is reused only after the last use has
 * finished: the driver runs one query at a time on its single connection and reads each result completely
 * (`all`/`run`), and a stream holds the connection until it ends.
 *
 * Least recently used texts go first when the cache is full (a Map iterates in insertion order; a hit moves its
 * entry to the end). A schema change run through this connection empties the cache.
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
      const statement = driverStatement(database.prepare(sql), () => statements.clear());
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
