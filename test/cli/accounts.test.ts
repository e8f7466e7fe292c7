import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../helpers/dialects.js';
import {
  type AccountJson,
  type CliHarness,
  type CreatedAccountJson,
  createAccount,
  createCliHarness,
} from './harness.js';

for (const dialect of DIALECTS) {
  describe(`cli accounts (${dialect})`, () => {
    let cli: CliHarness;
    before(async () => {
      cli = await createCliHarness(dialect);
    });
    after(() => cli.dispose());

    test('create --json prints exactly the account and its administrator, with a generated password', async () => {
      const created = await cli.json<CreatedAccountJson>(
        'accounts',
        'create',
        '--name',
        'Acme Staffing',
        '--admin-email',
        'Owner@Acme.test',
      );
      assert.deepEqual(Object.keys(created).sort(), ['account', 'admin']);
      assert.match(created.account.id, /^acct_[0-9A-Z]{26}$/);
      assert.deepEqual(
        { ...created.account, id: undefined, createdAt: undefined, updatedAt: undefined },
        {
          id: undefined,
          object: 'account',
          name: 'Acme Staffing',
          plan: 'trial',
          timezone: 'UTC',
          apiAccess: true,
          apiVersion: null,
          createdAt: undefined,
          updatedAt: undefined,
        },
      );
      assert.deepEqual(Object.keys(created.admin).sort(), ['email', 'id', 'password']);
      assert.match(created.admin.id, /^usr_/);
      assert.equal(created.admin.email, 'owner@acme.test');
      assert.match(created.admin.password, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    });

    test('create takes plan, time zone, password and API access', async () => {
      const created = await cli.json<CreatedAccountJson>(
        'accounts',
        'create',
        '--name',
        'Chicago Co',
        '--plan',
        'enterprise',
        '--timezone',
        'America/Chicago',
        '--admin-email',
        'boss@chicago.test',
        '--admin-password',
        'a long enough password',
        '--api-access',
        'off',
      );
      assert.equal(created.account.plan, 'enterprise');
      assert.equal(created.account.timezone, 'America/Chicago');
      assert.equal(created.account.apiAccess, false);
      assert.equal(created.admin.password, 'a long enough password');
    });

    test('create without --json prints a summary with the generated password, nothing on stderr', async () => {
      const result = await cli.run(
        'accounts',
        'create',
        '--name',
        'Readable Co',
        '--admin-email',
        'r@readable.test',
      );
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
      assert.match(
        result.stdout,
        /^Created account acct_\w+ "Readable Co" \(plan trial, time zone UTC, API access on\)/,
      );
      assert.match(result.stdout, /Password: [a-z2-9-]{23} {2}\(generated and shown only now/);
      assert.throws(() => JSON.parse(result.stdout));
    });

    const refusals: { case: string; args: string[]; code: string; message: RegExp }[] = [
      {
        case: 'an unknown plan',
        args: ['--plan', 'gold'],
        code: 'parameter_invalid',
        message: /Unknown plan "gold"/,
      },
      {
        case: 'a time zone that is not IANA',
        args: ['--timezone', 'Mars/Olympus'],
        code: 'invalid_timezone',
        message: /"Mars\/Olympus" is not an IANA time zone/,
      },
      {
        case: 'a short password',
        args: ['--admin-password', 'short'],
        code: 'parameter_invalid',
        message: /10 characters/,
      },
    ];
    for (const refusal of refusals) {
      test(`create refuses ${refusal.case}`, async () => {
        const { code, stderr, body } = await cli.fails(
          'accounts',
          'create',
          '--name',
          'Bad Co',
          '--admin-email',
          `bad.${refusal.code}@bad.test`,
          ...refusal.args,
        );
        assert.equal(code, 1);
        assert.equal(body.error.code, refusal.code);
        assert.match(body.error.message, refusal.message);
        assert.match(stderr, refusal.message);
      });
    }

    test('create refuses an invalid or taken email', async () => {
      const invalid = await cli.fails(
        'accounts',
        'create',
        '--name',
        'Bad Co',
        '--admin-email',
        'not-an-email',
      );
      assert.equal(invalid.body.error.code, 'parameter_invalid');
      assert.match(invalid.stderr, /"not-an-email" is not an email address/);

      await createAccount(cli, '--admin-email', 'taken@cli.test');
      const taken = await cli.fails(
        'accounts',
        'create',
        '--name',
        'Again',
        '--admin-email',
        'taken@cli.test',
      );
      assert.equal(taken.body.error.code, 'email_taken');
    });

    test('create without a required option is a usage error (exit 2) naming the option', async () => {
      const { code, stderr, body } = await cli.fails('accounts', 'create', '--name', 'No Admin');
      assert.equal(code, 2);
      assert.equal(body.error.code, 'invalid_usage');
      assert.match(stderr, /--admin-email/);
      const plain = await cli.run('accounts', 'create', '--admin-email', 'x@y.test');
      assert.equal(plain.code, 2);
      assert.equal(plain.stdout, '', 'without --json nothing goes to stdout');
      assert.match(plain.stderr, /^Error: required option '--name <name>' not specified\. Run with --help/);
    });

    test('create refuses --api-access other than on|off', async () => {
      const { code, body } = await cli.fails(
        'accounts',
        'create',
        '--name',
        'X',
        '--admin-email',
        'x@choices.test',
        '--api-access',
        'yes',
      );
      assert.equal(code, 2);
      assert.match(body.error.message, /Allowed choices are on, off/);
    });

    test('set-api-access switches the flag and prints the account', async () => {
      const { account } = await createAccount(cli);
      const off = await cli.json<AccountJson>('accounts', 'set-api-access', account.id, 'off');
      assert.equal(off.id, account.id);
      assert.equal(off.object, 'account');
      assert.equal(off.apiAccess, false);
      const on = await cli.run('accounts', 'set-api-access', account.id, 'on');
      assert.equal(on.code, 0);
      assert.match(on.stdout, new RegExp(`API access for ${account.id} "${off.name}" is now on`));
      const again = await cli.json<AccountJson>('accounts', 'set-api-access', account.id, 'on');
      assert.equal(again.apiAccess, true);
    });

    test('set-api-access refuses an unknown account and a state other than on|off', async () => {
      const unknown = await cli.fails('accounts', 'set-api-access', 'acct_01JD2X6Y3Z4A5B6C7D8E9F0G1H', 'off');
      assert.equal(unknown.code, 1);
      assert.equal(unknown.body.error.code, 'resource_not_found');
      assert.match(unknown.stderr, /Account acct_01JD2X6Y3Z4A5B6C7D8E9F0G1H not found/);

      const { account } = await createAccount(cli);
      const badState = await cli.fails('accounts', 'set-api-access', account.id, 'maybe');
      assert.equal(badState.code, 2);
      assert.equal(badState.body.error.code, 'invalid_usage');
    });
  });
}
