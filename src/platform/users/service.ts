import { createHash, randomBytes } from 'node:crypto';
import { toDbBoolean } from '../../db/columns.js';
import { isUniqueViolation } from '../../db/errors.js';
import { afterCommit } from '../../db/request-transaction.js';
import type { Db, PasswordLinkPurpose, UserRow, UsersTable } from '../../db/tables.js';
import { inTransaction } from '../../db/transaction.js';
import { newId } from '../../shared/ids.js';
import { checkNewPassword, generatePassword, hashPassword, verifyPassword } from '../accounts/passwords.js';
import { lockAccount } from '../accounts/repository.js';
import { type ApiKeyObject, toApiKeyObject } from '../api-keys/key-row.js';
import * as keys from '../api-keys/repository.js';
import { API_KEYS } from '../api-keys/resource.js';
import type { AppContext, ServiceContext } from '../context.js';
import { ApiError, notFound } from '../errors/api-error.js';
import { listing } from '../pagination/respond.js';
import { domainEvent, updatedEvent } from '../webhooks/change-events.js';
import { type EventInput, recordChange } from '../webhooks/outbox.js';
import * as repo from './repository.js';
import { USERS } from './resource.js';
import {
  ASSIGNABLE_ROLES,
  type AssignableRole,
  EMAIL_MAX_LENGTH,
  type KeysDispositionInput,
  MAX_MANAGED,
  toUser,
  USER_NAME_MAX_LENGTH,
  type User,
} from './schema.js';

/**
 * The users of an account (issue 13): who signs in to the portal, with which role, and what becomes of the API keys
 * an administrator owns when they stop being one. The portal, the API (`/v1/users`) and the operator CLI all call
 * these functions; none of them returns or records password material, only the one-time links and generated
 * passwords a caller asked for, once.
 *
 * Rules that hold whoever calls:
 * - An account keeps at least one active administrator: deactivating or demoting the last one is 409
 *   `last_administrator`. The check and the change run with the account row locked (as the key caps do), so two
 *   administrators demoting each other at once leave one.
 * - A key works while its owner is an active administrator (DESIGN §3.1). Any change of that standing, and any
 *   reassignment or revocation of keys, reaches every process's key cache once it commits (Redis pub/sub, as
 *   revocation does), so keys answer 401 `api_key_owner_inactive` — or work again — at once.
 * - A deactivated user's portal sessions end; so do a user's sessions when their password is set anew.
 */

/** Who acted: checked (a portal user must be an active administrator) and named in nothing the caller gets back. */
export type Actor =
  /** A user signed in to the portal. */
  | { readonly kind: 'user'; readonly userId: string }
  /** An API key with the `users:write` scope (the route checked it). */
  | { readonly kind: 'api_key'; readonly keyId: string }
  /** The operator, through the CLI: may do anything to any account. */
  | { readonly kind: 'operator' };

export const OPERATOR: Actor = { kind: 'operator' };

/** What functions that make password links need besides the services' context: the public URL they point at. */
export type UsersContext = ServiceContext & Pick<AppContext, 'config'>;

/** What "forgot password" needs besides: the seam that delivers its link (the server log by default). */
export type PasswordResetContext = UsersContext & Pick<AppContext, 'passwordLinks'>;

/** An invitation lives this long: time for an administrator to pass it on and for its user to find it. */
export const INVITATION_LINK_TTL_MS = 72 * 60 * 60 * 1000;
/** A reset link lives this long: it is asked for by the person who needs it (or handed over by an administrator). */
export const RESET_LINK_TTL_MS = 24 * 60 * 60 * 1000;

/** A one-time link to the portal page that sets the user's password: shown once, only its hash is kept. */
export interface PasswordLink {
  /** `<PUNCHCLOCK_PUBLIC_URL>/portal/set-password?token=<token>`. */
  readonly url: string;
  readonly expiresAt: string;
}

/**
 * What becomes of the API keys a user owns (those not revoked): `reassign` moves them to `to`, an active
 * administrator of the account; `revoke` revokes them for good. Sent with a deactivation or a change of role; without
 * one the keys stay and answer 401 `api_key_owner_inactive` while their owner is not an active administrator.
 */
export type KeysDisposition = KeysDispositionInput;

/** What a disposition did: the keys as they are now (each also got its `api_key.reassigned` or `.revoked` event). */
export interface KeysOutcome {
  readonly reassigned: ApiKeyObject[];
  readonly revoked: ApiKeyObject[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email as users are stored and found by: trimmed and lower-cased. 400 naming `param` when it is none. */
export function checkedEmail(value: string, param: string): string {
  const email = value.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > EMAIL_MAX_LENGTH) {
    throw new ApiError('parameter_invalid', `"${value}" is not an email address.`, { param });
  }
  return email;
}

function checkedName(value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > USER_NAME_MAX_LENGTH) {
    throw new ApiError('parameter_invalid', `A user's name has 1 to ${USER_NAME_MAX_LENGTH} characters.`, {
      param: 'name',
    });
  }
  return name;
}

/** The role a user may be given; the API's schema says so already, the CLI and the portal send plain strings. */
export function checkedRole(value: string): AssignableRole {
  const role = ASSIGNABLE_ROLES.find((candidate) => candidate === value);
  if (!role) {
    throw new ApiError(
      'parameter_invalid',
      `A user's role is ${ASSIGNABLE_ROLES.join(' or ')}, not "${value}".`,
      { param: 'role' },
    );
  }
  return role;
}

function isActiveAdministrator(row: Pick<UserRow, 'active' | 'role'>): boolean {
  return row.active === 1 && row.role === 'administrator';
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A link's token: 256 random bits, URL-safe. */
function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** API objects for rows, with what each manages read in one query per kind. */
async function toUsers(db: Db, accountId: string, rows: readonly UserRow[]): Promise<User[]> {
  const ids = rows.map((row) => row.id);
  const [locations, groups] = await Promise.all([
    repo.managedIds(db, accountId, 'locations', ids),
    repo.managedIds(db, accountId, 'groups', ids),
  ]);
  return rows.map((row) =>
    toUser(row, { locationIds: locations.get(row.id) ?? [], groupIds: groups.get(row.id) ?? [] }),
  );
}

async function load(db: Db, accountId: string, userId: string): Promise<UserRow> {
  const row = await repo.findUser(db, accountId, userId);
  if (!row) throw notFound('User', userId);
  return row;
}

async function read(db: Db, accountId: string, userId: string): Promise<User> {
  const [user] = await toUsers(db, accountId, [await load(db, accountId, userId)]);
  if (!user) throw notFound('User', userId);
  return user;
}

/**
 * 403 administrator_required unless the actor may manage the account's users: a portal user must be one of its active
 * administrators (read in the change's transaction, after the account lock, so a demotion that just committed counts).
 */
async function assertMayManage(db: Db, accountId: string, actor: Actor): Promise<void> {
  if (actor.kind !== 'user') return;
  const user = await repo.findUser(db, accountId, actor.userId);
  if (!user || !isActiveAdministrator(user)) {
    throw new ApiError(
      'administrator_required',
      'Only an active administrator of the account can manage its users.',
    );
  }
}

/** The managed locations and groups a create or an update names must be the account's own (404 naming the field). */
async function assertManagedExist(
  db: Db,
  accountId: string,
  input: {
    managedLocationIds?: readonly string[] | undefined;
    managedGroupIds?: readonly string[] | undefined;
  },
): Promise<void> {
  const sets = [
    { kind: 'locations', ids: input.managedLocationIds, noun: 'Location', param: 'managedLocationIds' },
    { kind: 'groups', ids: input.managedGroupIds, noun: 'Group', param: 'managedGroupIds' },
  ] as const;
  for (const { kind, ids, noun, param } of sets) {
    if (ids === undefined) continue;
    if (new Set(ids).size > MAX_MANAGED) {
      throw new ApiError('parameter_invalid', `A manager manages at most ${MAX_MANAGED} ${kind}.`, { param });
    }
    const missing = await repo.firstMissingObject(db, accountId, kind, ids);
    if (missing !== undefined) throw notFound(noun, missing, param);
  }
}

async function replaceManaged(
  db: Db,
  accountId: string,
  userId: string,
  input: {
    managedLocationIds?: readonly string[] | undefined;
    managedGroupIds?: readonly string[] | undefined;
  },
): Promise<void> {
  if (input.managedLocationIds !== undefined) {
    await repo.replaceManagedIds(db, accountId, 'locations', userId, input.managedLocationIds);
  }
  if (input.managedGroupIds !== undefined) {
    await repo.replaceManagedIds(db, accountId, 'groups', userId, input.managedGroupIds);
  }
}

/** 409 last_administrator when `user` is the account's only active administrator. Run with the account locked. */
async function assertNotLastAdministrator(db: Db, accountId: string, user: UserRow): Promise<void> {
  if ((await repo.countOtherActiveAdministrators(db, accountId, user.id)) > 0) return;
  throw new ApiError(
    'last_administrator',
    `${user.email} is the last active administrator of the account; make another user an administrator first.`,
  );
}

/** `{ action, to }` as sent, checked: `to` goes with `reassign` and only with it (400 naming the field). */
function checkedDisposition(
  input: KeysDispositionInput,
): { action: 'reassign'; to: string } | { action: 'revoke' } {
  if (input.action === 'reassign') {
    if (input.to === undefined) {
      throw new ApiError('parameter_invalid', 'Name the administrator who will own the keys (`to`).', {
        param: 'apiKeys.to',
      });
    }
    return { action: 'reassign', to: input.to };
  }
  if (input.to !== undefined) {
    throw new ApiError('parameter_invalid', 'Revoked keys have no new owner: leave `to` out.', {
      param: 'apiKeys.to',
    });
  }
  return { action: 'revoke' };
}

/**
 * Reassigns or revokes the keys `owner` owns (those not revoked), with their events. Run in the change's
 * transaction with the account locked: the new owner is checked against concurrent deactivations and demotions.
 */
async function applyDisposition(
  trx: Db,
  accountId: string,
  owner: UserRow,
  input: KeysDispositionInput,
  now: Date,
): Promise<{ outcome: KeysOutcome; events: EventInput[] }> {
  const disposition = checkedDisposition(input);
  const owned = await keys.listKeysOwnedBy(trx, accountId, owner.id);
  const ids = owned.map((row) => row.id);
  const nowIso = now.toISOString();
  if (disposition.action === 'revoke') {
    await keys.revokeApiKeys(trx, accountId, ids, nowIso);
    const revoked = (await keys.findApiKeys(trx, accountId, ids)).map((row) => toApiKeyObject(row, now));
    return {
      outcome: { reassigned: [], revoked },
      events: revoked.map((key) => domainEvent(API_KEYS, 'revoked', key)),
    };
  }
  if (disposition.to === owner.id) {
    throw new ApiError(
      'parameter_invalid',
      'Keys are reassigned to another administrator, not to their owner.',
      {
        param: 'apiKeys.to',
      },
    );
  }
  const target = await repo.findUser(trx, accountId, disposition.to);
  if (!target) throw notFound('User', disposition.to, 'apiKeys.to');
  if (!isActiveAdministrator(target)) {
    throw new ApiError(
      'parameter_invalid',
      `${target.email} is not an active administrator, so they cannot own API keys.`,
      { param: 'apiKeys.to' },
    );
  }
  await keys.reassignApiKeys(trx, accountId, ids, target.id, nowIso);
  const reassigned = (await keys.findApiKeys(trx, accountId, ids)).map((row) => toApiKeyObject(row, now));
  return {
    outcome: { reassigned, revoked: [] },
    events: reassigned.map((key) => domainEvent(API_KEYS, 'reassigned', key)),
  };
}

/** The user events a change of `before` into `after` makes: `user.updated`, then the domain events that name it. */
function userEvents(before: User, after: User): EventInput[] {
  const events = [updatedEvent(before, after)];
  if (before.role !== after.role) events.push(domainEvent(USERS, 'role_changed', after));
  if (before.active && !after.active) events.push(domainEvent(USERS, 'deactivated', after));
  if (!before.active && after.active) events.push(domainEvent(USERS, 'reactivated', after));
  return events;
}

/** What a change may do to a user. */
interface UserChange {
  readonly name?: string | undefined;
  readonly role?: AssignableRole | undefined;
  readonly active?: boolean | undefined;
  readonly managedLocationIds?: readonly string[] | undefined;
  readonly managedGroupIds?: readonly string[] | undefined;
  readonly apiKeys?: KeysDispositionInput | undefined;
}

/**
 * Every change of a user goes through here: in one transaction with the account locked, it checks the actor, keeps
 * the last active administrator, applies the change and the keys disposition, ends a deactivated user's sessions and
 * records the events. `alwaysUpdated`: a PATCH is an update even when it changed nothing (its event says so); an
 * action that finds the user as asked (deactivating an inactive user) changes nothing and records nothing, though
 * its keys disposition still applies. Once committed, keys whose owner's standing moved are forgotten by every
 * process's key cache.
 */
async function changeUser(
  ctx: ServiceContext,
  accountId: string,
  userId: string,
  change: UserChange,
  actor: Actor,
  options: { alwaysUpdated: boolean },
): Promise<{ user: User; keys: KeysOutcome | null }> {
  const name = change.name === undefined ? undefined : checkedName(change.name);
  const now = ctx.clock.now();
  const result = await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    await lockAccount(trx, accountId);
    await assertMayManage(trx, accountId, actor);
    const row = await load(trx, accountId, userId);
    const before = (await toUsers(trx, accountId, [row]))[0] as User;
    await assertManagedExist(trx, accountId, change);

    const changes: Partial<Pick<UsersTable, 'active' | 'role' | 'name'>> = {};
    if (name !== undefined && name !== row.name) changes.name = name;
    if (change.role !== undefined && change.role !== row.role) changes.role = change.role;
    if (change.active !== undefined && toDbBoolean(change.active) !== row.active) {
      changes.active = toDbBoolean(change.active);
    }
    const next = { ...row, ...changes };
    if (isActiveAdministrator(row) && !isActiveAdministrator(next)) {
      await assertNotLastAdministrator(trx, accountId, row);
    }
    const changesSomething =
      Object.keys(changes).length > 0 ||
      change.managedLocationIds !== undefined ||
      change.managedGroupIds !== undefined;

    const events: EventInput[] = [];
    let after = before;
    if (options.alwaysUpdated || changesSomething) {
      await repo.updateUser(trx, accountId, userId, { ...changes, updated_at: now.toISOString() });
      await replaceManaged(trx, accountId, userId, change);
      if (changes.active === 0) await repo.deleteSessionsOfUser(trx, accountId, userId);
      after = await read(trx, accountId, userId);
      events.push(...userEvents(before, after));
    }
    let outcome: KeysOutcome | null = null;
    if (change.apiKeys !== undefined) {
      const disposed = await applyDisposition(trx, accountId, next, change.apiKeys, now);
      outcome = disposed.outcome;
      events.push(...disposed.events);
    }
    const standingMoved = isActiveAdministrator(row) !== isActiveAdministrator(next);
    const keysMoved = (outcome?.reassigned.length ?? 0) + (outcome?.revoked.length ?? 0) > 0;
    return {
      result: { user: after, keys: outcome, invalidate: standingMoved || keysMoved },
      events,
    };
  });
  if (result.invalidate) afterCommit(() => ctx.keyCache.invalidateAccount(accountId));
  return { user: result.user, keys: result.keys };
}

export async function getUser(ctx: ServiceContext, accountId: string, userId: string): Promise<User> {
  return read(ctx.database.db, accountId, userId);
}

/** A page of the account's users matching the filters, newest first (the API's list). */
export const listUsers = listing(repo.listUsers, repo.countUsers, (rows, db, accountId) =>
  toUsers(db, accountId, rows),
);

/** Every user of the account, newest first (the portal's Team → Users, the CLI): accounts have a handful. */
export async function listAllUsers(ctx: ServiceContext, accountId: string): Promise<User[]> {
  const db = ctx.database.db;
  return toUsers(db, accountId, await repo.listAllUsers(db, accountId));
}

/**
 * The user and their account, by user id alone: for the operator's CLI, which names users across accounts (404
 * when there is no such user).
 */
export async function findUserAnywhere(
  ctx: ServiceContext,
  userId: string,
): Promise<{ accountId: string; user: User }> {
  const row = await repo.findUserById(ctx.database.db, userId);
  if (!row) throw notFound('User', userId);
  return { accountId: row.account_id, user: await read(ctx.database.db, row.account_id, userId) };
}

/** The user of this email and their account, across accounts: for the operator's CLI (404 when there is none). */
export async function findUserByEmailAnywhere(
  ctx: ServiceContext,
  email: string,
): Promise<{ accountId: string; user: User }> {
  const row = await repo.findUserByEmail(ctx.database.db, email.trim());
  if (!row) {
    throw new ApiError('resource_not_found', `No user has the email ${email.trim()}.`, { param: 'email' });
  }
  return { accountId: row.account_id, user: await read(ctx.database.db, row.account_id, row.id) };
}

/** How an invited user gets in: a one-time sign-in link, or a password (the given one, or one generated now). */
export type InvitationCredential =
  | { readonly kind: 'link' }
  | { readonly kind: 'password'; readonly password?: string | undefined };

export interface InviteUserInput {
  readonly email: string;
  readonly name: string;
  /** `administrator` or `manager`. */
  readonly role: string;
  /** Only for managers; both empty (the default) means the whole team. */
  readonly managedLocationIds?: readonly string[] | undefined;
  readonly managedGroupIds?: readonly string[] | undefined;
  readonly credential: InvitationCredential;
}

export interface InvitedUser {
  readonly user: User;
  /** With a `link` credential: the invitation link, 72 hours, once. Shown only here. */
  readonly invitation: PasswordLink | null;
  /** With a `password` credential and none given: the generated password. Shown only here. */
  readonly password: string | null;
}

/** Builds a link for the user and stores its hash, replacing the user's unused links. Run in a transaction. */
async function issueLink(
  ctx: UsersContext,
  trx: Db,
  user: Pick<UserRow, 'id' | 'account_id'>,
  purpose: PasswordLinkPurpose,
): Promise<PasswordLink> {
  const now = ctx.clock.now();
  const ttl = purpose === 'invitation' ? INVITATION_LINK_TTL_MS : RESET_LINK_TTL_MS;
  const token = newToken();
  const expiresAt = new Date(now.getTime() + ttl).toISOString();
  await repo.deleteUnusedPasswordLinks(trx, user.account_id, user.id);
  await repo.insertPasswordLink(trx, {
    token_hash: hashToken(token),
    account_id: user.account_id,
    user_id: user.id,
    purpose,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    used_at: null,
  });
  return { url: `${ctx.config.publicUrl}/portal/set-password?token=${token}`, expiresAt };
}

/**
 * Invites (creates) a user: an administrator or a manager, with a one-time sign-in link (the API's way) or a
 * password (the CLI's; generated unless given). The email must be free across the installation (409 `email_taken`);
 * managed locations and groups must be the account's (404 naming the field). Event: `user.created`.
 */
export async function inviteUser(
  ctx: UsersContext,
  accountId: string,
  input: InviteUserInput,
  actor: Actor,
): Promise<InvitedUser> {
  const email = checkedEmail(input.email, 'email');
  const name = checkedName(input.name);
  const role = checkedRole(input.role);
  const credential = input.credential;
  const generated = credential.kind === 'password' && credential.password === undefined;
  const password =
    credential.kind === 'password'
      ? checkNewPassword(credential.password ?? generatePassword(), 'The password', 'password')
      : // An invited user signs in only through their link, which sets a password: until then this one is known to
        // nobody. A real hash (not a marker) keeps their failed sign-ins as slow as anyone's.
        newToken();
  const passwordHash = await hashPassword(password);
  const now = ctx.clock.now().toISOString();
  const row: UserRow = {
    id: newId(USERS),
    account_id: accountId,
    email,
    name,
    password_hash: passwordHash,
    role,
    active: 1,
    last_sign_in_at: null,
    created_at: now,
    updated_at: now,
  };
  try {
    return await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
      await assertMayManage(trx, accountId, actor);
      await assertManagedExist(trx, accountId, input);
      await repo.insertUser(trx, row);
      await replaceManaged(trx, accountId, row.id, input);
      const invitation = credential.kind === 'link' ? await issueLink(ctx, trx, row, 'invitation') : null;
      const user = await read(trx, accountId, row.id);
      return {
        result: { user, invitation, password: generated ? password : null },
        events: [domainEvent(USERS, 'created', user)],
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ApiError('email_taken', `A user with the email ${email} already exists.`, { param: 'email' });
    }
    throw error;
  }
}

export interface UpdateUserInput {
  readonly name?: string | undefined;
  /** `administrator` or `manager`. The last active administrator cannot be given another (409). */
  readonly role?: string | undefined;
  /** Replace the whole set (only meaningful for managers; both empty = the whole team). */
  readonly managedLocationIds?: readonly string[] | undefined;
  readonly managedGroupIds?: readonly string[] | undefined;
  /** What becomes of the keys the user owns; meant for a demotion. */
  readonly apiKeys?: KeysDispositionInput | undefined;
}

/**
 * Changes a user's name, role, managed locations and groups (only what is given), and applies a keys disposition.
 * Always an update (`user.updated`, even when nothing differs, as every PATCH); a new role adds
 * `user.role_changed`. An administrator who becomes a manager stops owning working keys unless `apiKeys` reassigns
 * or revokes them; the last active administrator cannot be demoted (409 `last_administrator`).
 */
export async function updateUser(
  ctx: ServiceContext,
  accountId: string,
  userId: string,
  input: UpdateUserInput,
  actor: Actor,
): Promise<User> {
  const role = input.role === undefined ? undefined : checkedRole(input.role);
  const { user } = await changeUser(ctx, accountId, userId, { ...input, role }, actor, {
    alwaysUpdated: true,
  });
  return user;
}

/**
 * Gives a user another role (`administrator` or `manager`) and applies a keys disposition in the same change, saying
 * what it did to the keys (the CLI's `users set-role`; `updateUser` does the same as a PATCH). Events:
 * `user.updated`, `user.role_changed`, then each key's; none for the user when the role is theirs already, though
 * `apiKeys` still applies. The last active administrator cannot be demoted (409 `last_administrator`).
 */
export async function setUserRole(
  ctx: ServiceContext,
  accountId: string,
  userId: string,
  role: string,
  options: { apiKeys?: KeysDispositionInput | undefined },
  actor: Actor,
): Promise<{ user: User; keys: KeysOutcome | null }> {
  return changeUser(ctx, accountId, userId, { role: checkedRole(role), apiKeys: options.apiKeys }, actor, {
    alwaysUpdated: false,
  });
}

/**
 * Deactivates a user: they cannot sign in (their portal sessions end) and the keys they own answer 401
 * `api_key_owner_inactive` on every process at once — unless `apiKeys` reassigns or revokes them. Events:
 * `user.updated`, `user.deactivated`, then each key's. Deactivating an inactive user changes nothing, but applies
 * `apiKeys`: that is how the keys of someone deactivated earlier are reassigned or revoked.
 */
export async function deactivateUser(
  ctx: ServiceContext,
  accountId: string,
  userId: string,
  options: { apiKeys?: KeysDispositionInput | undefined },
  actor: Actor,
): Promise<{ user: User; keys: KeysOutcome | null }> {
  return changeUser(ctx, accountId, userId, { active: false, apiKeys: options.apiKeys }, actor, {
    alwaysUpdated: false,
  });
}

/**
 * Reactivates a user: they may sign in again, and keys they still own work again at once if they are an
 * administrator. Events: `user.updated`, `user.reactivated`; none when the user is active already.
 */
export async function reactivateUser(
  ctx: ServiceContext,
  accountId: string,
  userId: string,
  actor: Actor,
): Promise<User> {
  const { user } = await changeUser(ctx, accountId, userId, { active: true }, actor, {
    alwaysUpdated: false,
  });
  return user;
}

/**
 * Reassigns or revokes the keys a user owns, whatever their standing (the keys page's "reassign" for a key whose
 * owner is gone). Events: each key's `api_key.reassigned` or `api_key.revoked`.
 */
export async function disposeOfUserKeys(
  ctx: ServiceContext,
  accountId: string,
  userId: string,
  apiKeys: KeysDispositionInput,
  actor: Actor,
): Promise<KeysOutcome> {
  const { keys: outcome } = await changeUser(ctx, accountId, userId, { apiKeys }, actor, {
    alwaysUpdated: false,
  });
  return outcome ?? { reassigned: [], revoked: [] };
}

/** How an administrator or the operator resets a password: a one-time reset link, or a password set now. */
export type PasswordResetMethod =
  | { readonly kind: 'link' }
  | { readonly kind: 'password'; readonly password?: string | undefined };

export interface PasswordReset {
  readonly user: User;
  /** With `link`: the reset link (24 hours, once); the password stays until it is used. */
  readonly link: PasswordLink | null;
  /** With `password` and none given: the password set now, generated. Shown only here. */
  readonly password: string | null;
}

/** Sets the user's password now: their unused links are void and every session of theirs ends (but `keepSession`). */
async function setPassword(
  trx: Db,
  user: Pick<UserRow, 'id' | 'account_id'>,
  passwordHash: string,
  keepSession?: string,
): Promise<void> {
  await repo.setPasswordHash(trx, user.account_id, user.id, passwordHash);
  await repo.deleteUnusedPasswordLinks(trx, user.account_id, user.id);
  await repo.deleteSessionsOfUser(trx, user.account_id, user.id, keepSession);
}

/**
 * Resets a user's password (an administrator in the portal, the operator's CLI: how a lost administrator password is
 * recovered). With `password`, the new password applies at once and ends the user's sessions; with `link`, a reset
 * link (24 hours) replaces the user's earlier links and the password changes when it is used. A deactivated user
 * gets 409 `user_inactive`. No event: nothing of the user's object changes.
 */
export async function resetUserPassword(
  ctx: UsersContext,
  accountId: string,
  userId: string,
  method: PasswordResetMethod,
  actor: Actor,
): Promise<PasswordReset> {
  const generated = method.kind === 'password' && method.password === undefined;
  const password =
    method.kind === 'password'
      ? checkNewPassword(method.password ?? generatePassword(), 'The password', 'password')
      : null;
  const passwordHash = password === null ? null : await hashPassword(password);
  return inTransaction(ctx.database.db, async (trx) => {
    await assertMayManage(trx, accountId, actor);
    const row = await load(trx, accountId, userId);
    if (row.active !== 1) {
      throw new ApiError('user_inactive', `User ${userId} is deactivated; reactivate them first.`);
    }
    const link = passwordHash === null ? await issueLink(ctx, trx, row, 'reset') : null;
    if (passwordHash !== null) await setPassword(trx, row, passwordHash);
    return { user: await read(trx, accountId, userId), link, password: generated ? password : null };
  });
}

/**
 * "Forgot password": makes a reset link for the active user with this email and hands it to the delivery seam
 * (`ctx.passwordLinks`: the server log unless a mail sender is plugged in). Resolves the same way whether or not the
 * email belongs to anyone, so the caller learns nothing from it.
 */
export async function requestPasswordReset(ctx: PasswordResetContext, email: string): Promise<void> {
  const row = await repo.findUserByEmail(ctx.database.db, email.trim().toLowerCase());
  if (row?.active !== 1) return;
  const link = await inTransaction(ctx.database.db, (trx) => issueLink(ctx, trx, row, 'reset'));
  await ctx.passwordLinks.deliver({
    purpose: 'reset',
    accountId: row.account_id,
    userId: row.id,
    email: row.email,
    name: row.name,
    url: link.url,
    expiresAt: link.expiresAt,
  });
}

/** What the set-password page may show before the link is used; null when the link cannot be used. */
export interface PasswordLinkDetails {
  readonly purpose: PasswordLinkPurpose;
  readonly email: string;
  readonly name: string;
  readonly expiresAt: string;
}

/** The link's purpose and user, while it can be used (unused, unexpired, its user active); null otherwise. */
export async function describePasswordLink(
  ctx: ServiceContext,
  token: string,
): Promise<PasswordLinkDetails | null> {
  const db = ctx.database.db;
  const link = await repo.findUsablePasswordLink(db, hashToken(token), ctx.clock.now().toISOString());
  if (!link) return null;
  const user = await repo.findUser(db, link.account_id, link.user_id);
  if (user?.active !== 1) return null;
  return { purpose: link.purpose, email: user.email, name: user.name, expiresAt: link.expires_at };
}

function invalidLink(): ApiError {
  return new ApiError(
    'password_link_invalid',
    'This link is unknown, was used already or has expired. Ask an administrator for a new one, or use "Forgot password".',
    { param: 'token' },
  );
}

/**
 * Uses a sign-in or reset link to set the user's password (at least 10 characters; 400 naming `password`). The link
 * works once, before its expiry, for an active user (400 `password_link_invalid` otherwise); the user's other links
 * are void and every session of theirs ends. Returns the user, whom the portal may then sign in.
 */
export async function redeemPasswordLink(
  ctx: ServiceContext,
  token: string,
  newPassword: string,
): Promise<User> {
  checkNewPassword(newPassword, 'The password', 'password');
  const tokenHash = hashToken(token);
  // Refused before the slow hash when the link is no good; the conditional update below is the real check.
  if (!(await repo.findUsablePasswordLink(ctx.database.db, tokenHash, ctx.clock.now().toISOString()))) {
    throw invalidLink();
  }
  const passwordHash = await hashPassword(newPassword);
  return inTransaction(ctx.database.db, async (trx) => {
    const now = ctx.clock.now().toISOString();
    const link = await repo.findUsablePasswordLink(trx, tokenHash, now);
    if (!link || !(await repo.markPasswordLinkUsed(trx, tokenHash, now))) throw invalidLink();
    const row = await repo.findUser(trx, link.account_id, link.user_id);
    if (row?.active !== 1) throw invalidLink();
    await setPassword(trx, row, passwordHash);
    return read(trx, row.account_id, row.id);
  });
}

/**
 * A signed-in user changes their own password, giving the current one (400 naming `currentPassword` when it is
 * wrong). Their other sessions end; `keepSession` (the token hash of the session that asked) stays signed in.
 */
export async function changeOwnPassword(
  ctx: ServiceContext,
  accountId: string,
  userId: string,
  input: { readonly currentPassword: string; readonly newPassword: string },
  options: { readonly keepSession?: string | undefined } = {},
): Promise<void> {
  checkNewPassword(input.newPassword, 'The new password', 'newPassword');
  const row = await load(ctx.database.db, accountId, userId);
  if (row.active !== 1) throw new ApiError('user_inactive', `User ${userId} is deactivated.`);
  if (!(await verifyPassword(input.currentPassword, row.password_hash))) {
    throw new ApiError('parameter_invalid', 'The current password is not correct.', {
      param: 'currentPassword',
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(ctx.database.db, (trx) => setPassword(trx, row, passwordHash, options.keepSession));
}
