import { randomBytes } from 'node:crypto';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { withSchemaLock } from './dialects.js';

/**
 * A PostgreSQL schema of a test's own, migrated, for server processes to share (scale-out tests, browser tests on
 * two processes): `url` points its connections at the schema, `database` is a handle on it for seeding, and `drop`
 * closes the handle and removes the schema.
 */
export interface SharedSchema {
  readonly name: string;
  readonly url: string;
  readonly database: DatabaseHandle;
  drop(): Promise<void>;
}

/** Creates and migrates the schema under the lock the other test helpers take (see test/helpers/dialects.ts). */
export async function createSharedSchema(databaseUrl: string): Promise<SharedSchema> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const url = `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${name}`)}`;
  const database = openDatabase({ databaseUrl: url });
  await withSchemaLock(databaseUrl, async (client) => {
    await client.query(`create schema ${name}`);
    await migrateToLatest(database.db);
  });
  return {
    name,
    url,
    database,
    drop: async () => {
      await database.close();
      await withSchemaLock(databaseUrl, (client) => client.query(`drop schema if exists ${name} cascade`));
    },
  };
}

/** One JSON request to a server with a key, as an integration sends it: status and parsed body. */
export async function apiRequest<T = Record<string, unknown>>(
  origin: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}
