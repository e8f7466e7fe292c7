import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, withSchemaLock } from '../helpers/dialects.js';
import { type CliHarness, createCliHarness, parseOneObject, runWith } from './harness.js';

for (const dialect of DIALECTS) {
  describe(`cli migrate (${dialect})`, () => {
    let cli: CliHarness;
    before(async () => {
      cli = await createCliHarness(dialect, { migrated: false });
    });
    after(() => cli.dispose());

    test('applies the migrations to a fresh database once, then reports none', async () => {
      // On PostgreSQL, under the lock that keeps other tests from dropping schemas while Kysely's migrator looks.
      const url = process.env.TEST_DATABASE_URL;
      const migrate = () => cli.json<{ applied: string[] }>('migrate');
      const first = dialect === 'postgres' && url ? await withSchemaLock(url, migrate) : await migrate();
      assert.deepEqual(Object.keys(first), ['applied']);
      assert.ok(first.applied.includes('0001-initial'), `applied: ${first.applied.join(', ')}`);
      assert.deepEqual(await cli.json('migrate'), { applied: [] });
      const text = await cli.run('migrate');
      assert.equal(text.code, 0);
      assert.match(text.stdout, /is up to date\.\n$/);
      if (dialect === 'postgres')
        assert.ok(!text.stdout.includes('postgres://'), 'never prints DATABASE_URL');
    });
  });
}

describe('cli usage errors', () => {
  let cli: CliHarness;
  before(async () => {
    cli = await createCliHarness('sqlite');
  });
  after(() => cli.dispose());

  test('an unknown command exits 2 with a one-line message', async () => {
    const plain = await cli.run('frobnicate');
    assert.equal(plain.code, 2);
    assert.equal(plain.stdout, '');
    assert.equal(plain.stderr, "Error: unknown command 'frobnicate'. Run with --help for usage.\n");

    const json = await cli.fails('frobnicate');
    assert.equal(json.code, 2);
    assert.deepEqual(json.body, {
      error: { code: 'invalid_usage', message: "unknown command 'frobnicate'. Run with --help for usage." },
    });

    const sub = await cli.fails('keys', 'destroy');
    assert.match(sub.body.error.message, /unknown command 'destroy'/);
  });

  test('a near miss suggests the command on the same line', async () => {
    const result = await cli.run('keys', 'lsit');
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^Error: unknown command 'lsit'\. \(Did you mean list\?\) Run with --help for usage\.\n$/,
    );
  });

  test('an unknown option exits 2', async () => {
    const result = await cli.fails('migrate', '--force');
    assert.equal(result.code, 2);
    assert.match(result.body.error.message, /unknown option '--force'/);
  });

  test('an excess argument exits 2', async () => {
    const result = await cli.fails('migrate', 'now');
    assert.equal(result.code, 2);
    assert.equal(result.body.error.code, 'invalid_usage');
  });

  test('no command prints the help on stderr and exits 2', async () => {
    const result = await cli.run();
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /Usage: punchclock/);
    const group = await cli.run('keys');
    assert.equal(group.code, 2);
    assert.match(group.stderr, /Usage: punchclock keys/);
  });

  test('--help prints usage on stdout and exits 0 without touching the database', async () => {
    const result = await runWith({ LOG_LEVEL: 'not-a-level' }, ['keys', 'create', '--help']);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    for (const option of [
      '--account',
      '--name',
      '--scopes',
      '--expires-at',
      '--rate-limit',
      '--fields',
      '--json',
    ]) {
      assert.ok(result.stdout.includes(option), `help mentions ${option}`);
    }
  });

  test('a broken environment is reported as a configuration error', async () => {
    const result = await runWith({ ...cli.env, LOG_LEVEL: 'loud' }, ['migrate', '--json']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: LOG_LEVEL must be one of/);
    assert.equal(
      parseOneObject<{ error: { code: string } }>(result.stdout).error.code,
      'invalid_configuration',
    );
  });

  test('an unreachable database fails with the driver message', async () => {
    const result = await runWith({ ...cli.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, [
      'migrate',
      '--json',
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: .*ECONNREFUSED/);
    assert.equal(parseOneObject<{ error: { code: string } }>(result.stdout).error.code, 'unexpected_error');
  });
});
