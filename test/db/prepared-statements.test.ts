import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { cachingStatements } from '../../src/db/sqlite-statements.js';
import { openTestDatabase } from '../helpers/dialects.js';

describe('SQLite statement cache', () => {
  test('a query text is prepared once and reused; the least recently used goes when the cache is full', () => {
    const database = new SQLite(':memory:');
    let prepared = 0;
    const counting = new Proxy(database, {
      get(target, property) {
        if (property === 'prepare') {
          return (text: string) => {
            prepared++;
            return target.prepare(text);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const cache = cachingStatements(counting, 2);
    const first = cache.prepare('select 1');
    assert.equal(cache.prepare('select 1'), first);
    assert.equal(prepared, 1);
    cache.prepare('select 2');
    cache.prepare('select 1'); // now the most recently used
    cache.prepare('select 3'); // evicts select 2
    assert.equal(prepared, 3);
    assert.equal(cache.prepare('select 1'), first);
    cache.prepare('select 2');
    assert.equal(prepared, 4);
    assert.deepEqual(cache.prepare('select 1 as one').all([]), [{ one: 1 }]);
    cache.close();
    assert.equal(database.open, false);
  });

  test('rows read as arrays come out as the objects better-sqlite3 makes, whatever the column names', () => {
    const database = new SQLite(':memory:');
    database.exec(`create table t (a integer, "b c" text, "it's" real, "__proto__" text)`);
    database.exec(`insert into t values (1, 'x', 1.5, 'p'), (2, null, null, null)`);
    const cache = cachingStatements(database);
    for (const text of [
      'select a, "b c", "it\'s" from t order by a',
      'select a, a + 1 as a, "b c" as "}; throw 1; //" from t order by a',
      'select * from t order by a',
      'select count(*) from t where a > ?',
    ]) {
      const parameters = text.includes('?') ? [0] : [];
      const expected = database.prepare(text).all(parameters);
      assert.deepEqual(cache.prepare(text).all(parameters), expected, text);
      assert.deepEqual([...cache.prepare(text).iterate(parameters)], expected, text);
    }
    const proto = cache.prepare('select * from t order by a').all([]) as Record<string, unknown>[];
    assert.equal(
      Object.getPrototypeOf(proto[0]),
      Object.prototype,
      'a __proto__ column is a column, not the prototype',
    );
    cache.close();
  });

  test('a statement follows a schema change made by another connection', () => {
    const directory = mkdtempSync(join(tmpdir(), 'punchclock-statements-'));
    try {
      const file = join(directory, 'db.sqlite');
      const database = new SQLite(file);
      database.exec('create table t (a integer); insert into t values (1)');
      const cache = cachingStatements(database);
      assert.deepEqual(cache.prepare('select * from t').all([]), [{ a: 1 }]);
      const other = new SQLite(file);
      other.exec('alter table t add column b integer default 7');
      other.close();
      assert.deepEqual(cache.prepare('select * from t').all([]), [{ a: 1, b: 7 }]);
      cache.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('a cached statement sees schema changes made after it was prepared', async () => {
    const handle = await openTestDatabase('sqlite');
    try {
      await sql`create table t (a integer)`.execute(handle.db);
      await sql`insert into t values (1)`.execute(handle.db);
      assert.deepEqual((await sql`select * from t`.execute(handle.db)).rows, [{ a: 1 }]);
      await sql`alter table t add column b integer`.execute(handle.db);
      assert.deepEqual((await sql`select * from t`.execute(handle.db)).rows, [{ a: 1, b: null }]);
    } finally {
      await handle.dispose();
    }
  });
});

describe('PostgreSQL prepared statements', { skip: !process.env.TEST_DATABASE_URL }, () => {
  test('queries run as named prepared statements, one per text', async () => {
    const handle = await openTestDatabase('postgres');
    try {
      const count = () =>
        handle.db.connection().execute(async (db) => {
          for (let i = 0; i < 3; i++) await sql`select ${i}::int as n`.execute(db);
          const { rows } = await sql<{ n: string }>`select count(*) as n from pg_prepared_statements
            where statement = 'select $1::int as n'`.execute(db);
          return Number(rows[0]?.n);
        });
      assert.equal(await count(), 1);
    } finally {
      await handle.dispose();
    }
  });

  test('a plan prepared before a column was added fails once per connection, which is then replaced', async () => {
    const handle = await openTestDatabase('postgres');
    try {
      await sql`create table t (a integer)`.execute(handle.db);
      await sql`insert into t values (1)`.execute(handle.db);
      const selectAll = (db = handle.db) => sql`select * from t`.execute(db);
      // Prepare on every pooled connection, so whichever the next query gets holds the old plan.
      await Promise.all(Array.from({ length: 4 }, () => selectAll()));
      await handle.db.connection().execute(async (db) => {
        await selectAll(db);
        await sql`alter table t add column b integer`.execute(db);
        await assert.rejects(selectAll(db), /cached plan must not change result type/);
      });
      // That connection was discarded; the others are discarded as they fail in turn, and none is needed twice.
      let rows: unknown[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          rows = (await selectAll()).rows;
          break;
        } catch (error) {
          assert.match(String(error), /cached plan must not change result type/);
        }
      }
      assert.deepEqual(rows, [{ a: 1, b: null }]);
    } finally {
      await handle.dispose();
    }
  });
});
