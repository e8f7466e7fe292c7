import { Argument, type Command, Option } from 'commander';
import { PLANS } from '../platform/accounts/plans.js';
import {
  type AccountObject,
  type CreatedAccount,
  createAccountWithAdmin,
  getAccount,
  listAccounts,
  setApiAccess,
  setPlan,
} from '../platform/accounts/service.js';
import type { ListedApiKey } from '../platform/api-keys/key-row.js';
import { listApiKeys } from '../platform/api-keys/service.js';
import { listAllUsers } from '../platform/users/service.js';
import { table, userTable } from './format.js';
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

/** How many keys of an account are in each state; `ownerInactive` keys are active but refused (their owner left). */
export interface KeyCounts {
  total: number;
  active: number;
  ownerInactive: number;
  revoked: number;
  expired: number;
}

function keyCounts(keys: readonly ListedApiKey[]): KeyCounts {
  const active = keys.filter((key) => key.status === 'active');
  return {
    total: keys.length,
    active: active.filter((key) => key.ownerActive).length,
    ownerInactive: active.filter((key) => !key.ownerActive).length,
    revoked: keys.filter((key) => key.status === 'revoked').length,
    expired: keys.filter((key) => key.status === 'expired').length,
  };
}

function accountLine(account: AccountObject): string {
  return `${account.id} "${account.name}" (plan ${account.plan}, time zone ${account.timezone}, API access ${account.apiAccess ? 'on' : 'off'})`;
}

export function registerAccountCommands(program: Command, runtime: CliRuntime): void {
  const accounts = program
    .command('accounts')
    .description('create, list and show customer accounts, change their plan and switch their API access');

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

  actionCommand(accounts, 'list', 'list every account, newest first').action(async () => {
    const data = await withServices(runtime.config(), (ctx) => listAccounts(ctx));
    runtime.print({
      json: { object: 'list', data },
      text:
        data.length === 0
          ? 'No accounts yet.'
          : table(
              ['ID', 'PLAN', 'API', 'TIME ZONE', 'CREATED', 'NAME'],
              data.map((account) => [
                account.id,
                account.plan,
                account.apiAccess ? 'on' : 'off',
                account.timezone,
                account.createdAt,
                account.name,
              ]),
            ),
    });
  });

  actionCommand(accounts, 'show', 'show an account with its users and how many API keys it holds')
    .argument('<accountId>', 'the account (acct_...)')
    .action(async (accountId: string) => {
      const shown = await withServices(runtime.config(), async (ctx) => {
        const account = await getAccount(ctx, accountId);
        const [users, keys] = await Promise.all([listAllUsers(ctx, accountId), listApiKeys(ctx, accountId)]);
        return { account, users, keys: keyCounts(keys) };
      });
      const { keys } = shown;
      runtime.print({
        json: shown,
        text: [
          `Account ${accountLine(shown.account)}`,
          `API version pinned: ${shown.account.apiVersion ?? 'not yet (no key created)'}`,
          `API keys: ${keys.active} active, ${keys.ownerInactive} refused because their owner is inactive, ${keys.revoked} revoked, ${keys.expired} expired`,
          '',
          userTable(shown.users),
        ].join('\n'),
      });
    });

  actionCommand(
    accounts,
    'set-plan',
    'move an account to another plan (its rate limits and caps follow at once)',
  )
    .argument('<accountId>', 'the account (acct_...)')
    .addArgument(new Argument('<plan>', PLANS.join(' | ')).choices(PLANS))
    .action(async (accountId: string, plan: string) => {
      const account = await withServices(runtime.config(), (ctx) => setPlan(ctx, accountId, plan));
      runtime.print({
        json: account,
        text: `Account ${accountLine(account)} is now on the ${account.plan} plan.`,
      });
    });
}
