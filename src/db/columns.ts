import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DbBoolean } from './tables.js';

/**
 * Portable column helpers. One representation on SQLite and PostgreSQL keeps one set of queries:
 * - timestamps: ISO-8601 UTC text with milliseconds, fixed width, so text order is time order;
 * - booleans: 0/1 integers (better-sqlite3 cannot bind JS booleans);
 * - JSON: text, parsed at the repository boundary.
 */
export const columnType = {
  timestamp: 'text',
  boolean: 'integer',
  json: 'text',
} as const;

export function toDbTimestamp(value: Date): string {
  return value.toISOString();
}

export function toDbBoolean(value: boolean): DbBoolean {
  return value ? 1 : 0;
}

export function fromDbBoolean(value: DbBoolean | number): boolean {
  return value === 1;
}

export function toDbJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromDbJson<T>(value: string): T {
  return JSON.parse(value) as T;
}

/** `count(*)` comes back as a string (bigint) from pg and as a number from SQLite. */
export function toCount(value: string | number | bigint): number {
  return Number(value);
}

/**
 * Case-insensitive "contains" on a text expression, identical on both dialects. LIKE wildcards in the search text
 * match literally (SQLite has no default LIKE escape character, so it is named).
 */
export function containsText(expression: RawBuilder<unknown>, text: string): RawBuilder<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(${expression}) like ${pattern} escape '\\'`;
}

/**
 * A list's `search` over the columns a repository names for the fields it matches: true when any of the columns of
 * `search.fields` (the fields the caller may read) contains the text; false when it names none.
 */
export function containsTextInAny(
  columns: Readonly<Record<string, RawBuilder<unknown>>>,
  search: { readonly text: string; readonly fields: readonly string[] },
): RawBuilder<SqlBool> {
  const matches = search.fields.flatMap((field) => {
    const column = columns[field];
    return column ? [containsText(column, search.text)] : [];
  });
  return matches.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${sql.join(matches, sql` or `)})`;
}
