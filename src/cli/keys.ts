import type { Command } from 'commander';
import type { ApiKeyRow } from '../db/tables.js';
import { getAccount } from '../platform/accounts/service.js';
import type { ApiKeyObject } from '../platform/api-keys/key-row.js';
import { findApiKeyById } from '../platform/api-keys/repository.js';
import {
  createApiKey,
  DEFAULT_ROLL_GRACE_SECONDS,
  listApiKeys,
  revokeAllApiKeys,
  revokeApiKey,
  rollApiKey,
} from '../platform/api-keys/service.js';
import type { ServiceContext } from '../platform/context.js';
import type { FieldRestrictions } from '../platform/descriptors/permissions.js';
import { notFound } from '../platform/errors/api-error.js';
import { keyDetails, keyTable, maskedKey, revealKey } from './format.js';
import { collectFieldRestriction, parseCommaList, parseWholeNumber } from './options.js';
import { actionCommand, type CliRuntime } from './runtime.js';
import { withServices } from './services.js';

interface CreateOptions {
  account: string;
  name: string;
  scopes: string[];
  expiresAt?: string;
  rateLimit?: number;
  fields?: FieldRestrictions;
}

/** The operator acts across accounts, so a key id alone names the key; its row tells whose it is. */
async function loadKey(ctx: ServiceContext, keyId: string): Promise<ApiKeyRow> {
  const row = await findApiKeyById(ctx.database.db, keyId);
  if (!row) throw notFound('API key', keyId);
  return row;
}

function createdText(accountId: string, object: ApiKeyObject, key: string): string {
  return [
    `Created API key ${object.id} "${object.name}" for account ${accountId}.`,
    revealKey(key),
    '',
    keyDetails(object),
  ].join('\n');
}

export function registerKeyCommands(program: Command, runtime: CliRuntime): void {
  const keys = program.command('keys').description("issue, list, revoke and roll an account's API keys");

  actionCommand(keys, 'create', "issue a key on the account's behalf (owned by the operator)")
    .requiredOption('--account <accountId>', 'the account (acct_...)')
    .requiredOption('--name <name>', 'what the key is for, e.g. "Payroll sync"')
    .requiredOption(
      '--scopes <scopes>',
      'comma-separated scopes (employees:read,timeentries:write) or "*" for full access',
      parseCommaList,
    )
    .option('--expires-at <iso>', 'when the key stops working (ISO-8601, in the future)')
    .option(
      '--rate-limit <perMinute>',
      'per-key requests per minute, on top of the plan limit',
      parseWholeNumber,
    )
    .option(
      '--fields <resource=fields>',
      'limit a resource to these fields, e.g. employees=firstName,lastName (repeat for more resources)',
      collectFieldRestriction,
    )
    .action(async (options: CreateOptions) => {
      const { object, key } = await withServices(runtime.config(), (ctx) =>
        createApiKey(ctx, options.account, {
          name: options.name,
          scopes: options.scopes,
          fieldRestrictions: options.fields,
          expiresAt: options.expiresAt,
          rateLimitPerMinute: options.rateLimit,
          createdBy: null,
        }),
      );
      runtime.print({ json: { ...object, key }, text: createdText(options.account, object, key) });
    });

  actionCommand(keys, 'list', "list an account's keys (never the keys themselves)")
    .requiredOption('--account <accountId>', 'the account (acct_...)')
    .action(async (options: { account: string }) => {
      const data = await withServices(runtime.config(), async (ctx) => {
        // An unknown account is an error, not an empty list: the operator most likely mistyped its id.
        await getAccount(ctx, options.account);
        return listApiKeys(ctx, options.account);
      });
      runtime.print({
        json: { object: 'list', data },
        text: data.length === 0 ? `Account ${options.account} has no API keys.` : keyTable(data),
      });
    });

  actionCommand(keys, 'revoke', 'revoke one key at once (cannot be undone)')
    .argument('<keyId>', 'the key (key_...)')
    .action(async (keyId: string) => {
      const { revoked, wasRevoked, accountId } = await withServices(runtime.config(), async (ctx) => {
        const row = await loadKey(ctx, keyId);
        const object = await revokeApiKey(ctx, row.account_id, keyId, null);
        return { revoked: object, wasRevoked: row.revoked_at !== null, accountId: row.account_id };
      });
      const what = `API key ${revoked.id} "${revoked.name}" (${maskedKey(revoked)}) of account ${accountId}`;
      runtime.print({
        json: revoked,
        text: wasRevoked ? `${what} was already revoked.` : `Revoked ${what}.`,
      });
    });

  actionCommand(keys, 'revoke-all', 'revoke every key of an account at once (cannot be undone)')
    .requiredOption('--account <accountId>', 'the account (acct_...)')
    .action(async (options: { account: string }) => {
      const result = await withServices(runtime.config(), async (ctx) => {
        await getAccount(ctx, options.account);
        return revokeAllApiKeys(ctx, options.account, null);
      });
      runtime.print({
        json: result,
        text: `Revoked ${result.revoked} API key${result.revoked === 1 ? '' : 's'} of account ${options.account}.`,
      });
    });

  actionCommand(
    keys,
    'roll',
    'issue a replacement with the same settings; the old key works for a grace period',
  )
    .argument('<keyId>', 'the key to replace (key_...)')
    .option(
      '--grace-period <seconds>',
      `how long the old key keeps working (default: ${DEFAULT_ROLL_GRACE_SECONDS}, i.e. 24 h)`,
      parseWholeNumber,
    )
    .action(async (keyId: string, options: { gracePeriod?: number }) => {
      const { rolled, accountId } = await withServices(runtime.config(), async (ctx) => {
        const row = await loadKey(ctx, keyId);
        const rolled = await rollApiKey(ctx, row.account_id, keyId, {
          gracePeriodSeconds: options.gracePeriod,
          actor: null,
        });
        return { rolled, accountId: row.account_id };
      });
      const { object, key, previous } = rolled;
      runtime.print({
        json: { ...object, key, previous },
        text: [
          `Rolled API key ${previous.id} of account ${accountId}: the replacement is ${object.id} "${object.name}".`,
          revealKey(key),
          `The previous key ${maskedKey(previous)} keeps working until ${previous.expiresAt ?? 'it is revoked'}.`,
          '',
          keyDetails(object),
        ].join('\n'),
      });
    });
}
