import { createHash, randomBytes } from 'node:crypto';
import { fromDbBoolean } from '../../db/columns.js';
import type { AccountRow, UserRow } from '../../db/tables.js';
import { hashPassword, verifyPassword } from '../../platform/accounts/passwords.js';
import { findAccount } from '../../platform/accounts/repository.js';
import type { ServiceContext } from '../../platform/context.js';
import { findUser, findUserByEmail, recordSignIn } from '../../platform/users/repository.js';
import * as repo from './repository.js';

/** A session ends after this long without a request… */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** …and after this long in any case. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;

/** Who is signed in: the session's user and account, as loaded for this request. */
export interface PortalSession {
  readonly tokenHash: string;
  readonly csrfToken: string;
  readonly user: UserRow;
  readonly account: AccountRow;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A hash to verify against when the email is unknown, so that a wrong email and a wrong password take the same time
 * and the answer does not reveal which accounts exist.
 */
let decoyHash: Promise<string> | undefined;
function decoy(): Promise<string> {
  decoyHash ??= hashPassword(newToken());
  return decoyHash;
}

/**
 * Email + password → the user, or null. Inactive users and wrong passwords get the same null as unknown emails:
 * the caller shows one generic message.
 */
export async function verifyCredentials(
  ctx: ServiceContext,
  email: string,
  password: string,
): Promise<UserRow | null> {
  const user = await findUserByEmail(ctx.database.db, email.trim().toLowerCase());
  const matches = await verifyPassword(password, user?.password_hash ?? (await decoy()));
  if (!user || !matches || !fromDbBoolean(user.active)) return null;
  return user;
}

/** Starts a session for a verified user (noting their `lastSignInAt`); returns the cookie's token (shown to the browser only). */
export async function startSession(ctx: ServiceContext, user: UserRow): Promise<string> {
  const now = ctx.clock.now();
  const token = newToken();
  await repo.deleteEndedSessions(
    ctx.database.db,
    now.toISOString(),
    new Date(now.getTime() - SESSION_IDLE_MS).toISOString(),
  );
  await repo.insertSession(ctx.database.db, {
    token_hash: hashToken(token),
    account_id: user.account_id,
    user_id: user.id,
    csrf_token: newToken(),
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SESSION_MAX_MS).toISOString(),
  });
  await recordSignIn(ctx.database.db, user.account_id, user.id, now.toISOString());
  return token;
}

/**
 * The live session of a cookie token, its user still active; extends the idle timeout (at most once a minute, so a
 * page's requests do not each write).
 */
export async function resumeSession(ctx: ServiceContext, token: string): Promise<PortalSession | null> {
  const now = ctx.clock.now();
  const tokenHash = hashToken(token);
  const session = await repo.findLiveSession(
    ctx.database.db,
    tokenHash,
    now.toISOString(),
    new Date(now.getTime() - SESSION_IDLE_MS).toISOString(),
  );
  if (!session) return null;
  const [user, account] = await Promise.all([
    findUser(ctx.database.db, session.account_id, session.user_id),
    findAccount(ctx.database.db, session.account_id),
  ]);
  if (!user || !account || !fromDbBoolean(user.active)) return null;
  if (now.getTime() - Date.parse(session.last_seen_at) > 60_000) {
    await repo.touchSession(ctx.database.db, tokenHash, now.toISOString());
  }
  return { tokenHash, csrfToken: session.csrf_token, user, account };
}

export async function endSession(ctx: ServiceContext, tokenHash: string): Promise<void> {
  await repo.deleteSession(ctx.database.db, tokenHash);
}
