import { isUniqueViolation } from '../../db/errors.js';
import type { AccountRow, UserRow } from '../../db/tables.js';
import { newId } from '../../shared/ids.js';
import { isValidTimeZone } from '../../shared/timezones.js';
import type { ServiceContext } from '../context.js';
import { ApiError, notFound } from '../errors/api-error.js';
import { insertUser } from '../users/repository.js';
import { USERS } from '../users/resource.js';
import { checkedEmail } from '../users/service.js';
import { LATEST_API_VERSION } from '../versioning/versions.js';
import { ACCOUNTS } from './ids.js';
import { checkNewPassword, generatePassword, hashPassword } from './passwords.js';
import { isPlan, PLANS, type Plan } from './plans.js';
import * as repo from './repository.js';

export interface AccountObject {
  id: string;
  object: 'account';
  name: string;
  plan: Plan;
  timezone: string;
  apiAccess: boolean;
  apiVersion: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toAccountObject(row: AccountRow): AccountObject {
  return {
    id: row.id,
    object: 'account',
    name: row.name,
    plan: row.plan,
    timezone: row.timezone,
    apiAccess: row.api_access === 1,
    apiVersion: row.api_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface CreateAccountInput {
  name: string;
  plan?: string | undefined;
  timezone?: string | undefined;
  apiAccess?: boolean | undefined;
  adminEmail: string;
  adminName?: string | undefined;
  /** Generated when omitted; returned once either way. */
  adminPassword?: string | undefined;
}

export interface CreatedAccount {
  account: AccountObject;
  admin: { id: string; email: string; password: string };
}

/** The rules of an account name, for creation and renaming alike. */
function checkedName(value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > 200) {
    throw new ApiError('parameter_invalid', 'The account name has 1 to 200 characters.', { param: 'name' });
  }
  return name;
}

function checkedTimeZone(timezone: string): string {
  if (!isValidTimeZone(timezone)) {
    throw new ApiError(
      'invalid_timezone',
      `"${timezone}" is not an IANA time zone (for example "America/Chicago").`,
      { param: 'timezone' },
    );
  }
  return timezone;
}

/** Creates an account with its first administrator (the operator's `accounts create`, and the demo). */
export async function createAccountWithAdmin(
  ctx: ServiceContext,
  input: CreateAccountInput,
): Promise<CreatedAccount> {
  const name = checkedName(input.name);
  const plan = input.plan ?? 'trial';
  if (!isPlan(plan)) {
    throw new ApiError('parameter_invalid', `Unknown plan "${plan}". Plans: ${PLANS.join(', ')}.`, {
      param: 'plan',
    });
  }
  const timezone = checkedTimeZone(input.timezone ?? 'UTC');
  const email = checkedEmail(input.adminEmail, 'adminEmail');
  const password = checkNewPassword(
    input.adminPassword ?? generatePassword(),
    'The admin password',
    'adminPassword',
  );

  const now = ctx.clock.now().toISOString();
  const account: AccountRow = {
    id: newId(ACCOUNTS),
    name,
    plan,
    timezone,
    api_access: input.apiAccess === false ? 0 : 1,
    api_version: null,
    created_at: now,
    updated_at: now,
  };
  const admin: UserRow = {
    id: newId(USERS),
    account_id: account.id,
    email,
    name: input.adminName ?? 'Administrator',
    password_hash: await hashPassword(password),
    role: 'administrator',
    active: 1,
    last_sign_in_at: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.database.db.transaction().execute(async (trx) => {
      await repo.insertAccount(trx, account);
      await insertUser(trx, admin);
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ApiError('email_taken', `A user with the email ${email} already exists.`, {
        param: 'adminEmail',
      });
    }
    throw error;
  }
  return { account: toAccountObject(account), admin: { id: admin.id, email, password } };
}

/** The operator switch for an account's API access; keys stop (or start) working within the cache lifetime. */
export async function setApiAccess(
  ctx: ServiceContext,
  accountId: string,
  enabled: boolean,
): Promise<AccountObject> {
  const row = await repo.updateAccount(ctx.database.db, accountId, {
    api_access: enabled ? 1 : 0,
    updated_at: ctx.clock.now().toISOString(),
  });
  if (!row) throw notFound('Account', accountId, 'accountId');
  ctx.keyCache.invalidateAccount(accountId);
  return toAccountObject(row);
}

/** Every account of the installation, newest first (the operator's `accounts list`). */
export async function listAccounts(ctx: ServiceContext): Promise<AccountObject[]> {
  return (await repo.listAccounts(ctx.database.db)).map(toAccountObject);
}

/**
 * The operator moves an account to another plan: its rate limits and caps follow at once on every process (cached
 * keys carry the plan, so they are forgotten). Objects beyond a smaller plan's caps stay; only new ones are refused.
 */
export async function setPlan(ctx: ServiceContext, accountId: string, plan: string): Promise<AccountObject> {
  if (!isPlan(plan)) {
    throw new ApiError('parameter_invalid', `Unknown plan "${plan}". Plans: ${PLANS.join(', ')}.`, {
      param: 'plan',
    });
  }
  const row = await repo.updateAccount(ctx.database.db, accountId, {
    plan,
    updated_at: ctx.clock.now().toISOString(),
  });
  if (!row) throw notFound('Account', accountId, 'accountId');
  ctx.keyCache.invalidateAccount(accountId);
  return toAccountObject(row);
}

export async function getAccount(ctx: ServiceContext, accountId: string): Promise<AccountObject> {
  const row = await repo.findAccount(ctx.database.db, accountId);
  if (!row) throw notFound('Account', accountId, 'accountId');
  return toAccountObject(row);
}

export interface AccountSettingsInput {
  name?: string | undefined;
  timezone?: string | undefined;
}

/**
 * An administrator's change of the account's name or time zone (portal Settings). No event: no event type names
 * accounts. A new zone moves where days are cut for time cards computed from now on; stored dates stay as they are.
 */
export async function updateAccountSettings(
  ctx: ServiceContext,
  accountId: string,
  input: AccountSettingsInput,
): Promise<AccountObject> {
  const changes = {
    ...(input.name !== undefined ? { name: checkedName(input.name) } : {}),
    ...(input.timezone !== undefined ? { timezone: checkedTimeZone(input.timezone.trim()) } : {}),
  };
  const row = await repo.updateAccount(ctx.database.db, accountId, {
    ...changes,
    updated_at: ctx.clock.now().toISOString(),
  });
  if (!row) throw notFound('Account', accountId, 'accountId');
  return toAccountObject(row);
}

/**
 * Pins the account to the latest API version (portal Settings → "Upgrade"). Requests without X-Api-Version get the
 * new shapes at once, so cached keys, which carry the pinned version, are forgotten.
 */
export async function upgradeApiVersion(ctx: ServiceContext, accountId: string): Promise<AccountObject> {
  const row = await repo.updateAccount(ctx.database.db, accountId, {
    api_version: LATEST_API_VERSION,
    updated_at: ctx.clock.now().toISOString(),
  });
  if (!row) throw notFound('Account', accountId, 'accountId');
  ctx.keyCache.invalidateAccount(accountId);
  return toAccountObject(row);
}
