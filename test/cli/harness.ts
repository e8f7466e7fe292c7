import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/index.js';
import { type Dialect, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { withSchemaLock } from '../helpers/dialects.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliErrorBody {
  error: { code: string; message: string };
}

/** One CLI environment on a database of its own: a fresh data dir, or a fresh PostgreSQL schema. */
export interface CliHarness {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  /** Runs `punchclock <args>` in-process. */
  run(...args: string[]): Promise<CliRun>;
  /** Runs with --json, expects success and exactly one JSON object on stdout and nothing on stderr. */
  json<T>(...args: string[]): Promise<T>;
  /** Runs with --json, expects failure, one line on stderr and one error object on stdout. */
  fails(...args: string[]): Promise<CliRun & { body: CliErrorBody }>;
  dispose(): Promise<void>;
}

/** Parses stdout as one JSON object: a second object, or any text around it, makes JSON.parse throw. */
export function parseOneObject<T>(stdout: string): T {
  const value: unknown = JSON.parse(stdout);
  assert.ok(
    typeof value === 'object' && value !== null && !Array.isArray(value),
    'stdout is one JSON object',
  );
  return value as T;
}

/** Runs the CLI against `env` with captured output. */
export async function runWith(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'punchclock', ...args], {
    env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/**
 * A fresh schema, created, migrated (unless the test is about migrating) and dropped under the lock every test
 * helper takes (see test/helpers/dialects.ts): Kysely's migrator trips over schemas dropped while it looks.
 */
async function postgresSchema(migrated: boolean): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `cli_${randomBytes(6).toString('hex')}`;
  // The CLI reads only DATABASE_URL, so the schema travels inside it, as libpq's `options` parameter.
  const separator = url.includes('?') ? '&' : '?';
  const databaseUrl = `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  await withSchemaLock(url, async (client) => {
    await client.query(`create schema ${schema}`);
    if (!migrated) return;
    const database = openDatabase({ databaseUrl });
    try {
      await migrateToLatest(database.db);
    } finally {
      await database.close();
    }
  });
  return {
    databaseUrl,
    drop: () =>
      withSchemaLock(url, (client) => client.query(`drop schema ${schema} cascade`)).then(() => undefined),
  };
}

export async function createCliHarness(
  dialect: Dialect,
  options: { migrated?: boolean } = {},
): Promise<CliHarness> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'punchclock-cli-'));
  const postgres = dialect === 'postgres' ? await postgresSchema(options.migrated ?? true) : undefined;
  const env: NodeJS.ProcessEnv = {
    PUNCHCLOCK_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...(postgres ? { DATABASE_URL: postgres.databaseUrl } : {}),
  };
  const run = (...args: string[]) => runWith(env, args);
  return {
    env,
    dataDir,
    run,
    async json<T>(...args: string[]): Promise<T> {
      const result = await run(...args, '--json');
      assert.equal(result.stderr, '', `stderr of punchclock ${args.join(' ')}`);
      assert.equal(result.code, 0);
      return parseOneObject<T>(result.stdout);
    },
    async fails(...args: string[]) {
      const result = await run(...args, '--json');
      assert.notEqual(result.code, 0, `punchclock ${args.join(' ')} should fail`);
      assert.match(result.stderr, /^Error: [^\n]+\n$/, 'one line on stderr');
      const body = parseOneObject<CliErrorBody>(result.stdout);
      assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
      return { ...result, body };
    },
    async dispose() {
      await postgres?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface AccountJson {
  id: string;
  object: string;
  name: string;
  plan: string;
  timezone: string;
  apiAccess: boolean;
  apiVersion: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreatedAccountJson {
  account: AccountJson;
  admin: { id: string; email: string; password: string };
}

export interface KeyJson {
  id: string;
  object: string;
  name: string;
  displayPrefix: string;
  last4: string;
  scopes: string[];
  fieldRestrictions: Record<string, string[]> | null;
  status: string;
  expiresAt: string | null;
  rateLimitPerMinute: number | null;
  createdBy: string;
  replacedBy: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreatedKeyJson extends KeyJson {
  key: string;
}

let accountCounter = 0;

/** An account through the CLI; pro by default so tests may hold several keys. */
export async function createAccount(cli: CliHarness, ...extra: string[]): Promise<CreatedAccountJson> {
  accountCounter++;
  return cli.json<CreatedAccountJson>(
    'accounts',
    'create',
    '--name',
    `CLI Co ${accountCounter}`,
    '--admin-email',
    `admin${accountCounter}@cli.punchclock.test`,
    ...(extra.includes('--plan') ? [] : ['--plan', 'pro']),
    ...extra,
  );
}
