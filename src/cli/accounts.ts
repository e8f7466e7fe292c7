import { Argument, type Command, Option } from 'commander';
import { PLANS } from '../platform/accounts/plans.js';
import { type CreatedAccount, createAccountWithAdmin, setApiAccess } from '../platform/accounts/service.js';
import { ON_OFF } from './options.js';
import { actionCommand, type CliRuntime, type CommandResult } from './runtime.js';
import { withServices } from './services.js';

interface CreateOptions {
  name: string;
  plan?: string;
  timezone?: string;
  adminEmail: string;
  adminPassword?: string;
  apiAccess: (typeof ON_OFF)[number];
}

function createdText(created: CreatedAccount, passwordGiven: boolean): string {
  const { account, admin } = created;
  return [
    `Created account ${account.id} "${account.name}" (plan ${account.plan}, time zone ${account.timezone}, API access ${account.apiAccess ? 'on' : 'off'}).`,
    `Administrator ${admin.id} <${admin.email}>`,
    passwordGiven
      ? 'Password: the one given with --admin-password.'
      : `Password: ${admin.password}  (generated and shown only now: pass it on securely)`,
  ].join('\n');
}

export function registerAccountCommands(program: Command, runtime: CliRuntime): void {
  const accounts = program
    .command('accounts')
    .description('create customer accounts and switch their API access');

  actionCommand(accounts, 'create', 'create an account with its first administrator')
    .requiredOption('--name <name>', 'the account (company) name')
    .option('--plan <plan>', `${PLANS.join(' | ')} (default: trial)`)
    .option('--timezone <iana>', 'IANA time zone, e.g. America/Chicago (default: UTC)')
    .requiredOption('--admin-email <email>', "the first administrator's email, used to sign in to the portal")
    .option('--admin-password <password>', 'at least 10 characters (default: generated and printed once)')
    .addOption(
      new Option('--api-access <state>', 'whether the account may use the API').choices(ON_OFF).default('on'),
    )
    .action(async (options: CreateOptions) => {
      const created = await withServices(runtime.config(), (ctx) =>
        createAccountWithAdmin(ctx, {
          name: options.name,
          plan: options.plan,
          timezone: options.timezone,
          adminEmail: options.adminEmail,
          adminPassword: options.adminPassword,
          apiAccess: options.apiAccess === 'on',
        }),
      );
      runtime.print({ json: created, text: createdText(created, options.adminPassword !== undefined) });
    });

  actionCommand(accounts, 'set-api-access', "turn an account's API access on or off")
    .argument('<accountId>', 'the account (acct_...)')
    .addArgument(new Argument('<state>', 'on or off').choices(ON_OFF))
    .action(async (accountId: string, state: (typeof ON_OFF)[number]) => {
      const account = await withServices(runtime.config(), (ctx) =>
        setApiAccess(ctx, accountId, state === 'on'),
      );
      const result: CommandResult = {
        json: account,
        text:
          `API access for ${account.id} "${account.name}" is now ${account.apiAccess ? 'on' : 'off'}. ` +
          'Running servers apply it within 5 seconds.',
      };
      runtime.print(result);
    });
}
