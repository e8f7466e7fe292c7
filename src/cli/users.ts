import { Argument, type Command, Option } from 'commander';
import { getAccount } from '../platform/accounts/service.js';
import { ASSIGNABLE_ROLES, type User } from '../platform/users/schema.js';
import {
  deactivateUser,
  findUserAnywhere,
  findUserByEmailAnywhere,
  inviteUser,
  type KeysDisposition,
  type KeysOutcome,
  listAllUsers,
  OPERATOR,
  reactivateUser,
  resetUserPassword,
  setUserRole,
} from '../platform/users/service.js';
import { userTable } from './format.js';
import { actionCommand, type CliRuntime, namingFlags } from './runtime.js';
import { withServices } from './services.js';

/** The flags that say what becomes of a user's API keys, which the service calls `apiKeys`. */
interface KeysOptions {
  reassignKeysTo?: string;
  revokeKeys?: boolean;
}

const KEYS_FLAGS = { 'apiKeys.to': '--reassign-keys-to' } as const;

function keysOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--reassign-keys-to <userId>',
        'give the API keys the user owns to this active administrator (usr_...)',
      ).conflicts('revokeKeys'),
    )
    .option('--revoke-keys', 'revoke the API keys the user owns (cannot be undone)');
}

function dispositionOf(options: KeysOptions): KeysDisposition | undefined {
  if (options.reassignKeysTo !== undefined) return { action: 'reassign', to: options.reassignKeysTo };
  return options.revokeKeys ? { action: 'revoke' } : undefined;
}

/** What the keys flags did, in words: the operator sees which keys moved. */
function keysText(outcome: KeysOutcome | null): string {
  if (!outcome) return '';
  const lines = [
    ...outcome.reassigned.map((key) => `  reassigned ${key.id} "${key.name}" to ${key.createdBy}`),
    ...outcome.revoked.map((key) => `  revoked ${key.id} "${key.name}"`),
  ];
  return lines.length === 0 ? '\nThe user owned no API keys to settle.' : `\nAPI keys:\n${lines.join('\n')}`;
}

function who(user: User): string {
  return `${user.id} <${user.email}>`;
}

/** A generated password as the operator must see it: once, and to be passed on. */
function passwordText(password: string | null, given: string): string {
  return password === null
    ? `Password: ${given}.`
    : `Password: ${password}  (generated and shown only now: pass it on securely)`;
}

export function registerUserCommands(program: Command, runtime: CliRuntime): void {
  const users = program
    .command('users')
    .description("list an account's users, invite them, change roles, deactivate, reset passwords");

  actionCommand(users, 'list', "list an account's users (never their passwords)")
    .requiredOption('--account <accountId>', 'the account (acct_...)')
    .action(async (options: { account: string }) => {
      const data = await withServices(runtime.config(), async (ctx) => {
        // An unknown account is an error, not an empty list: the operator most likely mistyped its id.
        await getAccount(ctx, options.account);
        return listAllUsers(ctx, options.account);
      });
      runtime.print({ json: { object: 'list', data }, text: userTable(data) });
    });

  actionCommand(users, 'create', 'add an administrator or a manager to an account, with a password')
    .requiredOption('--account <accountId>', 'the account (acct_...)')
    .requiredOption('--email <email>', 'what they sign in to the portal with')
    .requiredOption('--name <name>', 'how the portal names them')
    .addOption(
      new Option('--role <role>', 'administrator or manager').choices(ASSIGNABLE_ROLES).makeOptionMandatory(),
    )
    .option('--password <password>', 'at least 10 characters (default: generated and printed once)')
    .action(
      async (options: { account: string; email: string; name: string; role: string; password?: string }) => {
        const { user, password } = await withServices(runtime.config(), (ctx) =>
          namingFlags({ email: '--email', name: '--name', role: '--role', password: '--password' }, () =>
            inviteUser(
              ctx,
              options.account,
              {
                email: options.email,
                name: options.name,
                role: options.role,
                credential: { kind: 'password', password: options.password },
              },
              OPERATOR,
            ),
          ),
        );
        runtime.print({
          json: { user, password },
          text: [
            `Created ${user.role} ${who(user)} "${user.name}" in account ${options.account}.`,
            passwordText(password, 'the one given with --password'),
          ].join('\n'),
        });
      },
    );

  keysOptions(
    actionCommand(
      users,
      'set-role',
      "change a user's role; an administrator's API keys stop working unless settled",
    )
      .argument('<userId>', 'the user (usr_...)')
      .addArgument(new Argument('<role>', 'administrator or manager').choices(ASSIGNABLE_ROLES)),
  ).action(async (userId: string, role: string, options: KeysOptions) => {
    const { user, keys } = await withServices(runtime.config(), (ctx) =>
      namingFlags({ ...KEYS_FLAGS, role: '<role>' }, async () => {
        const { accountId } = await findUserAnywhere(ctx, userId);
        // The keys of a demotion are settled in the same change, as the portal and the API do.
        return setUserRole(ctx, accountId, userId, role, { apiKeys: dispositionOf(options) }, OPERATOR);
      }),
    );
    runtime.print({
      json: { user, keys },
      text: `${who(user)} is now ${user.role === 'administrator' ? 'an' : 'a'} ${user.role}.${keysText(keys)}`,
    });
  });

  keysOptions(
    actionCommand(
      users,
      'deactivate',
      'stop a user signing in; their API keys stop working unless settled',
    ).argument('<userId>', 'the user (usr_...)'),
  ).action(async (userId: string, options: KeysOptions) => {
    const { user, keys } = await withServices(runtime.config(), (ctx) =>
      namingFlags(KEYS_FLAGS, async () => {
        const { accountId } = await findUserAnywhere(ctx, userId);
        return deactivateUser(ctx, accountId, userId, { apiKeys: dispositionOf(options) }, OPERATOR);
      }),
    );
    runtime.print({
      json: { user, keys },
      text: `${who(user)} is deactivated: they cannot sign in. Running servers apply it at once with Redis, else within 5 seconds.${keysText(keys)}`,
    });
  });

  actionCommand(users, 'reactivate', 'let a deactivated user sign in again')
    .argument('<userId>', 'the user (usr_...)')
    .action(async (userId: string) => {
      const user = await withServices(runtime.config(), async (ctx) => {
        const { accountId } = await findUserAnywhere(ctx, userId);
        return reactivateUser(ctx, accountId, userId, OPERATOR);
      });
      runtime.print({ json: user, text: `${who(user)} is active again and may sign in.` });
    });

  actionCommand(
    users,
    'reset-password',
    "set a user's password now (a lost administrator password, say); their portal sessions end",
  )
    .argument('[userId]', 'the user (usr_...); or name them with --email')
    .option('--email <email>', 'the user, by the email they sign in with')
    .option('--password <password>', 'at least 10 characters (default: generated and printed once)')
    .action(
      async (
        userId: string | undefined,
        options: { email?: string; password?: string },
        command: Command,
      ) => {
        if ((userId === undefined) === (options.email === undefined)) {
          command.error('error: name the user by <userId> or by --email, not both and not neither.', {
            code: 'commander.invalidArgument',
            exitCode: 2,
          });
        }
        const { user, password } = await withServices(runtime.config(), (ctx) =>
          namingFlags({ password: '--password', email: '--email' }, async () => {
            const found =
              userId !== undefined
                ? await findUserAnywhere(ctx, userId)
                : await findUserByEmailAnywhere(ctx, options.email ?? '');
            return resetUserPassword(
              ctx,
              found.accountId,
              found.user.id,
              { kind: 'password', password: options.password },
              OPERATOR,
            );
          }),
        );
        runtime.print({
          json: { user, password },
          text: [
            `New password set for ${who(user)}; their portal sessions ended.`,
            passwordText(password, 'the one given with --password'),
          ].join('\n'),
        });
      },
    );
}
