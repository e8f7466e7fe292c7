import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type App, buildApp } from '../../src/app.js';
import { withServices } from '../../src/cli/services.js';
import { loadConfig } from '../../src/config.js';
import { createApiKey } from '../../src/platform/api-keys/service.js';
import type { User } from '../../src/platform/users/schema.js';
import { openConfiguredDatabase } from '../../src/server.js';
import type { TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { signIn } from '../helpers/portal.js';
import {
  type AccountJson,
  type CliHarness,
  type CreatedAccountJson,
  createAccount,
  createCliHarness,
  type KeyJson,
  runWith,
} from './harness.js';

/** A user as the CLI prints it: the API's object. */
type UserJson = User;
interface ChangedUserJson {
  user: UserJson;
  keys: { reassigned: KeyJson[]; revoked: KeyJson[] } | null;
}

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** Posts the portal's sign-in form as a browser would; 303 signs in, 401 shows the form again with the failure. */
async function signInStatus(app: App, email: string, password: string): Promise<number> {
  const form = await app.inject({ method: 'GET', url: '/portal/login' });
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const cookie = form.cookies.find((c) => c.name === 'pc_sign_in')?.value ?? '';
  const response = await app.inject({
    method: 'POST',
    url: '/portal/login',
    headers: { cookie: `pc_sign_in=${cookie}` },
    payload: { email, password, _csrf: token },
  });
  return response.statusCode;
}

let counter = 0;
function freshEmail(): string {
  counter++;
  return `cli.user${counter}@users.cli.test`;
}

for (const dialect of DIALECTS) {
  describe(`cli users and accounts (${dialect})`, () => {
    let cli: CliHarness;
    before(async () => {
      cli = await createCliHarness(dialect);
    });
    after(() => cli.dispose());

    const createUser = (accountId: string, role: string, ...extra: string[]) =>
      cli.json<{ user: UserJson; password: string | null }>(
        'users',
        'create',
        '--account',
        accountId,
        '--email',
        freshEmail(),
        '--name',
        `A ${role}`,
        '--role',
        role,
        ...extra,
      );

    /** A full-access key owned by this user, made through the services on the CLI's database. */
    const keyOwnedBy = (accountId: string, userId: string) =>
      withServices(loadConfig(cli.env), (ctx) =>
        createApiKey(ctx, accountId, { name: 'Owned', scopes: ['*'], createdBy: userId }),
      );
    const listKeys = async (accountId: string) =>
      (
        await cli.json<{ data: (KeyJson & { ownerActive: boolean })[] }>(
          'keys',
          'list',
          '--account',
          accountId,
        )
      ).data;

    test('users create prints the user and a generated password once, or none when one is given', async () => {
      const { account } = await createAccount(cli);
      const generated = await createUser(account.id, 'manager');
      assert.deepEqual(Object.keys(generated).sort(), ['password', 'user']);
      assert.match(generated.user.id, /^usr_[0-9A-Z]{26}$/);
      assert.equal(generated.user.object, 'user');
      assert.equal(generated.user.role, 'manager');
      assert.equal(generated.user.active, true);
      assert.match(generated.password ?? '', /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);

      const given = await createUser(account.id, 'administrator', '--password', 'a long enough password');
      assert.equal(given.password, null);
      assert.equal(given.user.role, 'administrator');

      const text = await cli.run(
        'users',
        'create',
        '--account',
        account.id,
        '--email',
        freshEmail(),
        '--name',
        'Readable',
        '--role',
        'manager',
      );
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^Created manager usr_\w+ <[^>]+> "Readable" in account acct_/);
      assert.match(text.stdout, /Password: [a-z2-9-]{23} {2}\(generated and shown only now/);
    });

    test('users create refuses naming the flags, not API fields', async () => {
      const { account } = await createAccount(cli);
      const email = freshEmail();
      await cli.json(
        'users',
        'create',
        '--account',
        account.id,
        '--email',
        email,
        '--name',
        'X',
        '--role',
        'manager',
      );
      const taken = await cli.fails(
        'users',
        'create',
        '--account',
        account.id,
        '--email',
        email,
        '--name',
        'Y',
        '--role',
        'manager',
      );
      assert.equal(taken.body.error.code, 'email_taken');
      assert.match(taken.body.error.message, /^--email: A user with the email/);
      const short = await cli.fails(
        'users',
        'create',
        '--account',
        account.id,
        '--email',
        freshEmail(),
        '--name',
        'Y',
        '--role',
        'manager',
        '--password',
        'short',
      );
      assert.equal(short.body.error.code, 'parameter_invalid');
      assert.match(short.stderr, /^Error: --password: The password needs at least 10 characters/);
      const role = await cli.fails(
        'users',
        'create',
        '--account',
        account.id,
        '--email',
        freshEmail(),
        '--name',
        'Y',
        '--role',
        'employee',
      );
      assert.equal(role.code, 2);
      assert.match(role.body.error.message, /--role <role>.*Allowed choices are administrator, manager/);
    });

    test('users list shows every user of the account and no password material', async () => {
      const { account, admin } = await createAccount(cli);
      const manager = await createUser(account.id, 'manager');
      const other = await createAccount(cli);
      const list = await cli.json<{ object: string; data: UserJson[] }>(
        'users',
        'list',
        '--account',
        account.id,
      );
      assert.equal(list.object, 'list');
      assert.deepEqual(
        list.data.map((user) => user.id),
        [manager.user.id, admin.id],
      );
      const raw = await cli.run('users', 'list', '--account', account.id, '--json');
      assert.ok(!/scrypt|password/i.test(raw.stdout));
      assert.ok(!raw.stdout.includes(other.admin.id));
      const unknown = await cli.fails('users', 'list', '--account', 'acct_01JD2X6Y3Z4A5B6C7D8E9F0G1H');
      assert.equal(unknown.body.error.code, 'resource_not_found');
    });

    test('users set-role demotes and promotes, settling API keys with --revoke-keys or --reassign-keys-to', async () => {
      const { account, admin } = await createAccount(cli);
      const second = await createUser(account.id, 'administrator');
      const owned = await keyOwnedBy(account.id, second.user.id);

      const demoted = await cli.json<ChangedUserJson>('users', 'set-role', second.user.id, 'manager');
      assert.equal(demoted.user.role, 'manager');
      assert.equal(demoted.keys, null);
      const listed = (await listKeys(account.id)).find((key) => key.id === owned.object.id);
      assert.equal(listed?.status, 'active');
      assert.equal(listed?.ownerActive, false, 'the key list says why the key is refused');
      const text = await cli.run('keys', 'list', '--account', account.id);
      assert.match(text.stdout, new RegExp(`${owned.object.id}\\s+owner-inactive`));

      const promoted = await cli.json<ChangedUserJson>('users', 'set-role', second.user.id, 'administrator');
      assert.equal(promoted.user.role, 'administrator');
      assert.equal((await listKeys(account.id)).find((key) => key.id === owned.object.id)?.ownerActive, true);

      const revoked = await cli.json<ChangedUserJson>(
        'users',
        'set-role',
        second.user.id,
        'manager',
        '--revoke-keys',
      );
      assert.deepEqual(
        revoked.keys?.revoked.map((key) => [key.id, key.status]),
        [[owned.object.id, 'revoked']],
      );

      const last = await cli.fails('users', 'set-role', admin.id, 'manager');
      assert.equal(last.body.error.code, 'last_administrator');
      const toManager = await cli.fails(
        'users',
        'set-role',
        admin.id,
        'administrator',
        '--reassign-keys-to',
        second.user.id,
      );
      assert.equal(toManager.body.error.code, 'parameter_invalid');
      assert.match(toManager.body.error.message, /^--reassign-keys-to: /);
      const both = await cli.fails(
        'users',
        'set-role',
        admin.id,
        'manager',
        '--revoke-keys',
        '--reassign-keys-to',
        second.user.id,
      );
      assert.equal(both.code, 2);
    });

    test('users deactivate and reactivate; deactivate --reassign-keys-to gives the keys to another administrator', async () => {
      const { account, admin } = await createAccount(cli);
      const second = await createUser(account.id, 'administrator');
      const owned = await keyOwnedBy(account.id, second.user.id);

      const deactivated = await cli.json<ChangedUserJson>(
        'users',
        'deactivate',
        second.user.id,
        '--reassign-keys-to',
        admin.id,
      );
      assert.equal(deactivated.user.active, false);
      assert.deepEqual(
        deactivated.keys?.reassigned.map((key) => [key.id, key.createdBy]),
        [[owned.object.id, admin.id]],
      );
      const key = (await listKeys(account.id)).find((k) => k.id === owned.object.id);
      assert.equal(key?.createdBy, admin.id);
      assert.equal(key?.ownerActive, true);

      const reactivated = await cli.json<UserJson>('users', 'reactivate', second.user.id);
      assert.equal(reactivated.active, true);
      const last = await cli.fails(
        'users',
        'deactivate',
        second.user.id,
        '--reassign-keys-to',
        second.user.id,
      );
      assert.match(
        last.body.error.message,
        /^--reassign-keys-to: Keys are reassigned to another administrator/,
      );
      const unknown = await cli.fails('users', 'reactivate', 'usr_01JD2X6Y3Z4A5B6C7D8E9F0G1H');
      assert.equal(unknown.body.error.code, 'resource_not_found');
    });

    test('users reset-password recovers a lost administrator password: the new one signs in to the portal', async () => {
      const created: CreatedAccountJson = await createAccount(cli);
      const reset = await cli.json<{ user: UserJson; password: string | null }>(
        'users',
        'reset-password',
        '--email',
        created.admin.email.toUpperCase(),
      );
      assert.equal(reset.user.id, created.admin.id);
      assert.match(reset.password ?? '', /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
      assert.notEqual(reset.password, created.admin.password);

      const given = await cli.json<{ password: string | null }>(
        'users',
        'reset-password',
        created.admin.id,
        '--password',
        'an operator-chosen passphrase',
      );
      assert.equal(given.password, null);

      // The portal, on the database the CLI used, takes the new password and no longer the old one.
      const config = loadConfig({ ...cli.env, LOG_LEVEL: 'silent' });
      const database = openConfiguredDatabase(config);
      const app = await buildApp(config, { database, logger: false, requestLogInWorker: false });
      try {
        const session = await signIn(
          { app } as TestApp,
          created.admin.email,
          'an operator-chosen passphrase',
        );
        assert.ok(session.cookie.startsWith('pc_session='));
        assert.equal(
          await signInStatus(app, created.admin.email, created.admin.password),
          401,
          'the old one fails',
        );
        assert.equal(
          await signInStatus(app, created.admin.email, reset.password ?? ''),
          401,
          'so does the first reset',
        );
      } finally {
        await app.close();
        await database.close();
      }

      for (const args of [[], [created.admin.id, '--email', created.admin.email]]) {
        const usage = await cli.fails('users', 'reset-password', ...args);
        assert.equal(usage.code, 2);
        assert.match(usage.body.error.message, /name the user by <userId> or by --email/);
      }
      const nobody = await cli.fails('users', 'reset-password', '--email', 'nobody@nowhere.test');
      assert.equal(nobody.body.error.code, 'resource_not_found');
      assert.match(nobody.body.error.message, /^--email: /);
    });

    test('accounts list, show and set-plan', async () => {
      const { account, admin } = await createAccount(cli);
      const list = await cli.json<{ object: string; data: AccountJson[] }>('accounts', 'list');
      assert.equal(list.object, 'list');
      assert.equal(list.data[0]?.id, account.id, 'newest first');

      const second = await createUser(account.id, 'administrator');
      await keyOwnedBy(account.id, second.user.id);
      await keyOwnedBy(account.id, admin.id);
      const revoked = await keyOwnedBy(account.id, admin.id);
      await cli.json('keys', 'revoke', revoked.object.id);
      await cli.json('users', 'deactivate', second.user.id);
      const shown = await cli.json<{
        account: AccountJson;
        users: UserJson[];
        keys: Record<string, number>;
      }>('accounts', 'show', account.id);
      assert.deepEqual(Object.keys(shown).sort(), ['account', 'keys', 'users']);
      assert.equal(shown.account.id, account.id);
      assert.deepEqual(
        shown.users.map((user) => user.id),
        [second.user.id, admin.id],
      );
      assert.deepEqual(shown.keys, { total: 3, active: 1, ownerInactive: 1, revoked: 1, expired: 0 });

      const moved = await cli.json<AccountJson>('accounts', 'set-plan', account.id, 'enterprise');
      assert.equal(moved.plan, 'enterprise');
      const gold = await cli.fails('accounts', 'set-plan', account.id, 'gold');
      assert.equal(gold.code, 2);
      const unknown = await cli.fails('accounts', 'show', 'acct_01JD2X6Y3Z4A5B6C7D8E9F0G1H');
      assert.equal(unknown.body.error.code, 'resource_not_found');
    });
  });
}

describe('cli version and help', () => {
  test('--version prints the package version; with --json, one object', async () => {
    const plain = await runWith({ LOG_LEVEL: 'not-a-level' }, ['--version']);
    assert.deepEqual(plain, { code: 0, stdout: `${VERSION}\n`, stderr: '' });
    const json = await runWith({}, ['--version', '--json']);
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), { version: VERSION });
  });

  test('--help lists the users and the new accounts commands', async () => {
    const root = await runWith({}, ['--help']);
    assert.match(root.stdout, /users\s+list an account's users/);
    assert.match(root.stdout, /-V, --version/);
    const users = await runWith({}, ['users', '--help']);
    for (const command of ['list', 'create', 'set-role', 'deactivate', 'reactivate', 'reset-password']) {
      assert.match(users.stdout, new RegExp(`\\n\\s+${command}\\b`), `users --help lists ${command}`);
    }
    const accounts = await runWith({}, ['accounts', '--help']);
    for (const command of ['create', 'set-api-access', 'list', 'show', 'set-plan']) {
      assert.match(accounts.stdout, new RegExp(`\\n\\s+${command}\\b`), `accounts --help lists ${command}`);
    }
    const setRole = await runWith({}, ['users', 'set-role', '--help']);
    for (const option of ['--reassign-keys-to', '--revoke-keys', '--json']) {
      assert.ok(setRole.stdout.includes(option), `set-role --help mentions ${option}`);
    }
  });
});
