import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { openConfiguredDatabase } from '../../src/server.js';
import { ManualClock } from '../../src/shared/clock.js';
import { DIALECTS } from '../helpers/dialects.js';
import {
  type CliHarness,
  type CreatedKeyJson,
  createAccount,
  createCliHarness,
  type KeyJson,
} from './harness.js';

interface RolledKeyJson extends CreatedKeyJson {
  previous: KeyJson;
}

const KEY = /^pc_live_[0-9a-f]{40}$/;

for (const dialect of DIALECTS) {
  describe(`cli keys (${dialect})`, () => {
    let cli: CliHarness;
    before(async () => {
      cli = await createCliHarness(dialect);
    });
    after(() => cli.dispose());

    const createKey = (accountId: string, ...extra: string[]) =>
      cli.json<CreatedKeyJson>('keys', 'create', '--account', accountId, '--name', 'Payroll sync', ...extra);

    test('create with a scope list prints the key object plus the key, owned by the operator', async () => {
      const { account } = await createAccount(cli);
      const created = await createKey(
        account.id,
        '--scopes',
        'timeentries:read, employees:read,employees:read',
      );
      assert.match(created.id, /^key_[0-9A-Z]{26}$/);
      assert.match(created.key, KEY);
      assert.equal(created.object, 'api_key');
      assert.equal(created.name, 'Payroll sync');
      assert.equal(created.displayPrefix, created.key.slice(0, 12));
      assert.equal(created.last4, created.key.slice(-4));
      assert.deepEqual(created.scopes, ['employees:read', 'timeentries:read']);
      assert.equal(created.status, 'active');
      assert.equal(created.createdBy, 'operator');
      assert.equal(created.fieldRestrictions, null);
      assert.equal(created.expiresAt, null);
      assert.equal(created.rateLimitPerMinute, null);
    });

    test('create with "*", an expiry, a rate limit and field restrictions for several resources', async () => {
      const { account } = await createAccount(cli);
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const created = await createKey(
        account.id,
        '--scopes',
        '*',
        '--expires-at',
        expiresAt,
        '--rate-limit',
        '120',
        '--fields',
        'employees=firstName,lastName',
        '--fields',
        'employees=email',
      );
      assert.deepEqual(created.scopes, ['*']);
      assert.equal(created.expiresAt, expiresAt);
      assert.equal(created.rateLimitPerMinute, 120);
      assert.deepEqual(created.fieldRestrictions, { employees: ['firstName', 'lastName', 'email'] });
    });

    test('create without --json shows the key once, saying so', async () => {
      const { account } = await createAccount(cli);
      const result = await cli.run(
        'keys',
        'create',
        '--account',
        account.id,
        '--name',
        'Shown',
        '--scopes',
        '*',
      );
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
      assert.match(result.stdout, /^ {4}pc_live_[0-9a-f]{40}$/m);
      assert.match(result.stdout, /only time the full key is shown/);
    });

    test('create refuses bad input with a message and a non-zero exit', async () => {
      const { account } = await createAccount(cli);
      const past = await cli.fails(
        'keys',
        'create',
        '--account',
        account.id,
        '--name',
        'Late',
        '--scopes',
        '*',
        '--expires-at',
        '2001-01-01T00:00:00Z',
      );
      assert.equal(past.code, 1);
      assert.equal(past.body.error.code, 'parameter_invalid');
      assert.match(past.stderr, /expiresAt must be in the future/);

      const scope = await cli.fails(
        'keys',
        'create',
        '--account',
        account.id,
        '--name',
        'X',
        '--scopes',
        'nope:read',
      );
      assert.match(scope.body.error.message, /Unknown scope "nope:read"/);

      const field = await cli.fails(
        'keys',
        'create',
        '--account',
        account.id,
        '--name',
        'X',
        '--scopes',
        '*',
        '--fields',
        'employees=salary',
      );
      assert.equal(field.body.error.code, 'parameter_invalid');
      assert.match(field.body.error.message, /employees has no field "salary"/);

      const resource = await cli.fails(
        'keys',
        'create',
        '--account',
        account.id,
        '--name',
        'X',
        '--scopes',
        '*',
        '--fields',
        'salaries=amount',
      );
      assert.equal(resource.code, 2);
      assert.match(resource.body.error.message, /Unknown resource "salaries"/);

      const shape = await cli.fails(
        'keys',
        'create',
        '--account',
        account.id,
        '--name',
        'X',
        '--scopes',
        '*',
        '--fields',
        'firstName',
      );
      assert.match(shape.body.error.message, /Expected <resource>=<field>,<field>/);

      const rate = await cli.fails(
        'keys',
        'create',
        '--account',
        account.id,
        '--name',
        'X',
        '--scopes',
        '*',
        '--rate-limit',
        'lots',
      );
      assert.equal(rate.code, 2);
      assert.match(rate.body.error.message, /--rate-limit.*Expected a whole number/);

      const missing = await cli.fails('keys', 'create', '--account', account.id, '--name', 'X');
      assert.match(missing.body.error.message, /--scopes/);

      const unknownAccount = await cli.fails(
        'keys',
        'create',
        '--account',
        'acct_01JD2X6Y3Z4A5B6C7D8E9F0G1H',
        '--name',
        'X',
        '--scopes',
        '*',
      );
      assert.equal(unknownAccount.body.error.code, 'resource_not_found');
    });

    test("a trial account's second active key is refused", async () => {
      const { account } = await createAccount(cli, '--plan', 'trial');
      await createKey(account.id, '--scopes', '*');
      const second = await cli.fails(
        'keys',
        'create',
        '--account',
        account.id,
        '--name',
        'Two',
        '--scopes',
        '*',
      );
      assert.equal(second.body.error.code, 'active_key_limit');
    });

    test('list shows every key of the account and never a full key', async () => {
      const { account } = await createAccount(cli);
      const first = await createKey(account.id, '--scopes', 'employees:read');
      const second = await createKey(account.id, '--scopes', '*');
      const other = await createAccount(cli);
      await createKey(other.account.id, '--scopes', '*');

      const list = await cli.json<{ object: string; data: KeyJson[] }>(
        'keys',
        'list',
        '--account',
        account.id,
      );
      assert.deepEqual(Object.keys(list).sort(), ['data', 'object']);
      assert.equal(list.object, 'list');
      assert.deepEqual(
        list.data.map((key) => key.id),
        [second.id, first.id],
      );
      const { key: _key, ...withoutKey } = second;
      // The list says whether each key's owner lets it work (the operator's keys have no owner to lose).
      assert.deepEqual(list.data[0], { ...withoutKey, ownerActive: true });

      const json = await cli.run('keys', 'list', '--account', account.id, '--json');
      const text = await cli.run('keys', 'list', '--account', account.id);
      for (const output of [json.stdout, text.stdout]) {
        assert.ok(!output.includes(first.key) && !output.includes(second.key), 'no full key in the list');
        assert.ok(!/pc_live_[0-9a-f]{40}/.test(output));
      }
      assert.match(text.stdout, new RegExp(`${first.id}\\s+active\\s+${first.displayPrefix}…${first.last4}`));

      const unknown = await cli.fails('keys', 'list', '--account', 'acct_01JD2X6Y3Z4A5B6C7D8E9F0G1H');
      assert.equal(unknown.body.error.code, 'resource_not_found');
    });

    test('revoke revokes one key; revoking again is harmless; an unknown key is an error', async () => {
      const { account } = await createAccount(cli);
      const kept = await createKey(account.id, '--scopes', '*');
      const doomed = await createKey(account.id, '--scopes', '*');
      const revoked = await cli.json<KeyJson>('keys', 'revoke', doomed.id);
      assert.equal(revoked.id, doomed.id);
      assert.equal(revoked.status, 'revoked');
      const again = await cli.run('keys', 'revoke', doomed.id);
      assert.equal(again.code, 0);
      assert.match(again.stdout, /was already revoked/);

      const list = await cli.json<{ data: KeyJson[] }>('keys', 'list', '--account', account.id);
      assert.deepEqual(
        list.data.map((key) => [key.id, key.status]),
        [
          [doomed.id, 'revoked'],
          [kept.id, 'active'],
        ],
      );
      const unknown = await cli.fails('keys', 'revoke', 'key_01JD2X6Y3Z4A5B6C7D8E9F0G1H');
      assert.equal(unknown.code, 1);
      assert.equal(unknown.body.error.code, 'resource_not_found');
      assert.match(unknown.stderr, /API key key_01JD2X6Y3Z4A5B6C7D8E9F0G1H not found/);
    });

    test("revoke-all revokes every key of the account and only that account's", async () => {
      const { account } = await createAccount(cli);
      await createKey(account.id, '--scopes', '*');
      await createKey(account.id, '--scopes', 'employees:read');
      const other = await createAccount(cli);
      const untouched = await createKey(other.account.id, '--scopes', '*');

      assert.deepEqual(await cli.json('keys', 'revoke-all', '--account', account.id), { revoked: 2 });
      assert.deepEqual(await cli.json('keys', 'revoke-all', '--account', account.id), { revoked: 0 });
      const list = await cli.json<{ data: KeyJson[] }>('keys', 'list', '--account', account.id);
      assert.ok(list.data.every((key) => key.status === 'revoked'));
      const otherList = await cli.json<{ data: KeyJson[] }>('keys', 'list', '--account', other.account.id);
      assert.deepEqual(
        otherList.data.map((key) => [key.id, key.status]),
        [[untouched.id, 'active']],
      );
      const unknown = await cli.fails('keys', 'revoke-all', '--account', 'acct_01JD2X6Y3Z4A5B6C7D8E9F0G1H');
      assert.equal(unknown.body.error.code, 'resource_not_found');
    });

    test('roll issues a replacement and lets the old key live for the grace period', async () => {
      const { account } = await createAccount(cli);
      const old = await createKey(account.id, '--scopes', 'employees:read', '--rate-limit', '30');
      const before = Date.now();
      const rolled = await cli.json<RolledKeyJson>('keys', 'roll', old.id, '--grace-period', '3600');
      assert.notEqual(rolled.id, old.id);
      assert.match(rolled.key, KEY);
      assert.notEqual(rolled.key, old.key);
      assert.equal(rolled.status, 'active');
      assert.deepEqual(rolled.scopes, old.scopes);
      assert.equal(rolled.rateLimitPerMinute, 30);
      assert.equal(rolled.name, old.name);

      assert.equal(rolled.previous.id, old.id);
      assert.equal(rolled.previous.status, 'active');
      assert.equal(rolled.previous.replacedBy, rolled.id);
      const graceEnd = Date.parse(rolled.previous.expiresAt ?? '');
      assert.ok(
        graceEnd >= before + 3600_000 && graceEnd <= Date.now() + 3600_000,
        'old key expires ≈ now + grace',
      );

      const again = await cli.fails('keys', 'roll', old.id);
      assert.equal(again.body.error.code, 'api_key_not_active');
    });

    test('roll defaults to a 24 h grace period and refuses unknown keys', async () => {
      const { account } = await createAccount(cli);
      const old = await createKey(account.id, '--scopes', '*');
      const rolled = await cli.json<RolledKeyJson>('keys', 'roll', old.id);
      const grace = Date.parse(rolled.previous.expiresAt ?? '') - Date.parse(rolled.createdAt);
      assert.ok(Math.abs(grace - 86_400_000) < 1000, `grace was ${grace} ms`);

      const text = await cli.run('keys', 'roll', rolled.id, '--grace-period', '0');
      assert.equal(text.code, 0);
      assert.match(text.stdout, /only time the full key is shown/);

      const unknown = await cli.fails('keys', 'roll', 'key_01JD2X6Y3Z4A5B6C7D8E9F0G1H');
      assert.equal(unknown.body.error.code, 'resource_not_found');
      const tooLong = await cli.fails('keys', 'roll', rolled.id, '--grace-period', '99999999');
      assert.equal(tooLong.body.error.code, 'parameter_invalid');
    });
  });

  describe(`keys issued by the CLI work against the server's app (${dialect})`, () => {
    let cli: CliHarness;
    let database: DatabaseHandle;
    let app: App;
    // The app runs on its own clock so the test can step past its key cache's 5 s lifetime.
    const clock = new ManualClock(new Date());

    before(async () => {
      cli = await createCliHarness(dialect);
      await cli.json('migrate');
      const config = loadConfig(cli.env);
      database = openConfiguredDatabase(config);
      app = await buildApp(config, { database, clock, logger: false });
      await app.ready();
    });
    after(async () => {
      await app.close();
      await database.close();
      await cli.dispose();
    });

    const selfCheck = async (key: string) => {
      const response = await app.inject({
        method: 'GET',
        url: '/v1/api-key',
        headers: { authorization: `Bearer ${key}` },
      });
      return {
        status: response.statusCode,
        body: response.json<{ id?: string; error?: { code: string } }>(),
      };
    };

    test('a created key authenticates; revoking it and switching API access off reach the app', async () => {
      const { account } = await createAccount(cli);
      const created = await cli.json<CreatedKeyJson>(
        'keys',
        'create',
        '--account',
        account.id,
        '--name',
        'App',
        '--scopes',
        '*',
      );
      const ok = await selfCheck(created.key);
      assert.equal(ok.status, 200);
      assert.equal(ok.body.id, created.id);

      await cli.json('accounts', 'set-api-access', account.id, 'off');
      clock.advance(5001);
      const disabled = await selfCheck(created.key);
      assert.equal(disabled.status, 403);
      assert.equal(disabled.body.error?.code, 'api_access_disabled');

      await cli.json('accounts', 'set-api-access', account.id, 'on');
      await cli.json('keys', 'revoke', created.id);
      clock.advance(5001);
      const revoked = await selfCheck(created.key);
      assert.equal(revoked.status, 401);
      assert.equal(revoked.body.error?.code, 'api_key_revoked');
    });

    test('after a roll both keys authenticate until the grace period ends', async () => {
      const { account } = await createAccount(cli);
      const old = await cli.json<CreatedKeyJson>(
        'keys',
        'create',
        '--account',
        account.id,
        '--name',
        'Old',
        '--scopes',
        '*',
      );
      const rolled = await cli.json<CreatedKeyJson>('keys', 'roll', old.id, '--grace-period', '60');
      clock.set(new Date());
      assert.equal((await selfCheck(old.key)).status, 200);
      assert.equal((await selfCheck(rolled.key)).status, 200);
      clock.advance(61_000);
      const expired = await selfCheck(old.key);
      assert.equal(expired.status, 401);
      assert.equal(expired.body.error?.code, 'api_key_expired');
      assert.equal((await selfCheck(rolled.key)).status, 200);
    });
  });
}
