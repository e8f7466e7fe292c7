/**
 * The users service's rules (issue 13), on every dialect: the last active administrator, the owner binding of API
 * keys (in this process at once; test/scale-out/users-two-processes.test.ts covers other processes), keys
 * dispositions, one-time links on a frozen clock, "forgot password", sessions that end, and the events.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { Db } from '../../../src/db/tables.js';
import { lockAccount } from '../../../src/platform/accounts/repository.js';
import { listApiKeys } from '../../../src/platform/api-keys/service.js';
import type { PasswordLinkMessage } from '../../../src/platform/users/delivery.js';
import {
  type Actor,
  changeOwnPassword,
  deactivateUser,
  describePasswordLink,
  disposeOfUserKeys,
  INVITATION_LINK_TTL_MS,
  inviteUser,
  listAllUsers,
  OPERATOR,
  RESET_LINK_TTL_MS,
  reactivateUser,
  redeemPasswordLink,
  requestPasswordReset,
  resetUserPassword,
  updateUser,
} from '../../../src/platform/users/service.js';
import { call, createTestAccount, createTestApp, createTestKey, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { interleave } from '../../helpers/interleave.js';
import { type PortalSignIn, portalRequest, signIn, TEST_PASSWORD } from '../../helpers/portal.js';
import { assertRejectsWithApiError } from '../../helpers/security-suite.js';

const NEW_PASSWORD = 'a brand new passphrase';

let emails = 0;
function freshEmail(): string {
  emails++;
  return `person${emails}.${Date.now()}@users-service.test`;
}

const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describeEachDialect('users service', ({ t, account }) => {
  const accountId = () => account.account.id;
  const ctx = () => t.app.context;

  /** A new administrator of the account who signs in with TEST_PASSWORD. */
  async function administrator(): Promise<{ id: string; email: string }> {
    const { user } = await inviteUser(
      ctx(),
      accountId(),
      {
        email: freshEmail(),
        name: 'Admin',
        role: 'administrator',
        credential: { kind: 'password', password: TEST_PASSWORD },
      },
      OPERATOR,
    );
    return { id: user.id, email: user.email };
  }

  /** A full-access key owned by this user, used once so that this process caches it. */
  async function cachedKeyOf(userId: string): Promise<string> {
    const { key } = await createTestKey(t, { ...account, admin: { ...account.admin, id: userId } }, ['*']);
    assert.equal((await keyStatus(key)).status, 200);
    return key;
  }
  const keyStatus = async (key: string) => {
    const res = await call<{ error?: { code: string } }>(t, 'GET', '/v1/api-key', { key });
    return { status: res.status, code: res.body.error?.code };
  };
  const sessionWorks = async (session: PortalSignIn) =>
    (await portalRequest(t, session, 'GET', '/portal/team')).statusCode === 200;
  const eventsSince = async (count: number) =>
    (
      await t.db.db
        .selectFrom('events')
        .select('type')
        .where('account_id', '=', accountId())
        .orderBy('id')
        .execute()
    )
      .map((row) => row.type)
      .slice(count);
  const eventCount = async () => (await eventsSince(0)).length;

  test('deactivating or demoting a key owner makes the key answer 401 at once; reactivating or promoting restores it', async () => {
    const owner = await administrator();
    const key = await cachedKeyOf(owner.id);

    await deactivateUser(ctx(), accountId(), owner.id, {}, OPERATOR);
    assert.deepEqual(await keyStatus(key), { status: 401, code: 'api_key_owner_inactive' });
    await reactivateUser(ctx(), accountId(), owner.id, OPERATOR);
    assert.equal((await keyStatus(key)).status, 200);

    await updateUser(ctx(), accountId(), owner.id, { role: 'manager' }, OPERATOR);
    assert.deepEqual(await keyStatus(key), { status: 401, code: 'api_key_owner_inactive' });
    await updateUser(ctx(), accountId(), owner.id, { role: 'administrator' }, OPERATOR);
    assert.equal((await keyStatus(key)).status, 200);

    // The key list says why: the key is active, its owner is not.
    await deactivateUser(ctx(), accountId(), owner.id, {}, OPERATOR);
    const listed = (await listApiKeys(ctx(), accountId())).filter((k) => k.createdBy === owner.id);
    assert.ok(listed.length > 0);
    assert.ok(listed.every((k) => k.status === 'active' && k.ownerActive === false));
    assert.ok(
      (await listApiKeys(ctx(), accountId()))
        .filter((k) => k.createdBy === account.admin.id)
        .every((k) => k.ownerActive),
    );
  });

  test('reassigning the keys makes them work again at once; revoking them is for good', async () => {
    const owner = await administrator();
    const key = await cachedKeyOf(owner.id);
    await deactivateUser(ctx(), accountId(), owner.id, {}, OPERATOR);
    assert.equal((await keyStatus(key)).code, 'api_key_owner_inactive');

    const before = await eventCount();
    const outcome = await disposeOfUserKeys(
      ctx(),
      accountId(),
      owner.id,
      { action: 'reassign', to: account.admin.id },
      OPERATOR,
    );
    assert.equal(outcome.reassigned.length, 1);
    assert.equal(outcome.reassigned[0]?.createdBy, account.admin.id);
    assert.equal((await keyStatus(key)).status, 200);
    assert.deepEqual(await eventsSince(before), ['api_key.reassigned']);

    const other = await administrator();
    const otherKey = await cachedKeyOf(other.id);
    const { keys } = await deactivateUser(
      ctx(),
      accountId(),
      other.id,
      { apiKeys: { action: 'revoke' } },
      OPERATOR,
    );
    assert.equal(keys?.revoked.length, 1);
    assert.equal(keys?.revoked[0]?.status, 'revoked');
    assert.deepEqual(await keyStatus(otherKey), { status: 401, code: 'api_key_revoked' });
    await reactivateUser(ctx(), accountId(), other.id, OPERATOR);
    assert.deepEqual(await keyStatus(otherKey), { status: 401, code: 'api_key_revoked' });
  });

  test('the last active administrator can be neither deactivated nor demoted', async () => {
    const lone = await createTestAccount(t);
    const id = lone.account.id;
    await assertRejectsWithApiError(
      deactivateUser(ctx(), id, lone.admin.id, {}, OPERATOR),
      'last_administrator',
    );
    await assertRejectsWithApiError(
      updateUser(ctx(), id, lone.admin.id, { role: 'manager' }, OPERATOR),
      'last_administrator',
    );
    // An inactive administrator is no administrator to count on.
    const { user: dormant } = await inviteUser(
      ctx(),
      id,
      { email: freshEmail(), name: 'Dormant', role: 'administrator', credential: { kind: 'link' } },
      OPERATOR,
    );
    await deactivateUser(ctx(), id, dormant.id, {}, OPERATOR);
    await assertRejectsWithApiError(
      deactivateUser(ctx(), id, lone.admin.id, {}, { kind: 'user', userId: lone.admin.id }),
      'last_administrator',
    );
    await reactivateUser(ctx(), id, dormant.id, OPERATOR);
    const demoted = await updateUser(ctx(), id, lone.admin.id, { role: 'manager' }, OPERATOR);
    assert.equal(demoted.role, 'manager');
  });

  test('only an active administrator of the account manages its users', async () => {
    const { user: manager } = await inviteUser(
      ctx(),
      accountId(),
      { email: freshEmail(), name: 'Manager', role: 'manager', credential: { kind: 'link' } },
      OPERATOR,
    );
    const asManager: Actor = { kind: 'user', userId: manager.id };
    await assertRejectsWithApiError(
      inviteUser(
        ctx(),
        accountId(),
        { email: freshEmail(), name: 'X', role: 'administrator', credential: { kind: 'link' } },
        asManager,
      ),
      'administrator_required',
    );
    await assertRejectsWithApiError(
      updateUser(ctx(), accountId(), manager.id, { role: 'administrator' }, asManager),
      'administrator_required',
    );
    const other = await createTestAccount(t);
    await assertRejectsWithApiError(
      deactivateUser(ctx(), accountId(), manager.id, {}, { kind: 'user', userId: other.admin.id }),
      'administrator_required',
    );
  });

  test('invitation links work once and expire after 72 hours (frozen clock)', async () => {
    const invite = () =>
      inviteUser(
        ctx(),
        accountId(),
        { email: freshEmail(), name: 'Invited', role: 'manager', credential: { kind: 'link' } },
        OPERATOR,
      );
    const first = await invite();
    assert.ok(first.invitation);
    assert.equal(first.password, null);
    const token = tokenOf(first.invitation.url);
    t.clock.advance(INVITATION_LINK_TTL_MS - 1);
    assert.equal((await describePasswordLink(ctx(), token))?.purpose, 'invitation');
    await assertRejectsWithApiError(redeemPasswordLink(ctx(), token, 'short'), 'parameter_invalid', {
      param: 'password',
    });
    const user = await redeemPasswordLink(ctx(), token, NEW_PASSWORD);
    assert.equal(user.id, first.user.id);
    await assertRejectsWithApiError(redeemPasswordLink(ctx(), token, NEW_PASSWORD), 'password_link_invalid');
    assert.equal(await describePasswordLink(ctx(), token), null);
    await signIn(t, user.email, NEW_PASSWORD);

    const second = await invite();
    t.clock.advance(INVITATION_LINK_TTL_MS);
    const expired = tokenOf(second.invitation?.url ?? '');
    assert.equal(await describePasswordLink(ctx(), expired), null);
    await assertRejectsWithApiError(
      redeemPasswordLink(ctx(), expired, NEW_PASSWORD),
      'password_link_invalid',
    );
    await assertRejectsWithApiError(
      redeemPasswordLink(ctx(), 'made-up', NEW_PASSWORD),
      'password_link_invalid',
    );
  });

  test('reset links last 24 hours, a newer one voids the older, and a deactivated user cannot use one', async () => {
    const admin = await administrator();
    const reset = () => resetUserPassword(ctx(), accountId(), admin.id, { kind: 'link' }, OPERATOR);
    const older = await reset();
    const newer = await reset();
    assert.equal(newer.link?.expiresAt, new Date(t.clock.now().getTime() + RESET_LINK_TTL_MS).toISOString());
    await assertRejectsWithApiError(
      redeemPasswordLink(ctx(), tokenOf(older.link?.url ?? ''), NEW_PASSWORD),
      'password_link_invalid',
    );
    // Until the link is used, the old password still works.
    await signIn(t, admin.email, TEST_PASSWORD);

    await deactivateUser(ctx(), accountId(), admin.id, {}, OPERATOR);
    await assertRejectsWithApiError(
      redeemPasswordLink(ctx(), tokenOf(newer.link?.url ?? ''), NEW_PASSWORD),
      'password_link_invalid',
    );
    await assertRejectsWithApiError(reset(), 'user_inactive');
    await reactivateUser(ctx(), accountId(), admin.id, OPERATOR);
    const fresh = await reset();
    t.clock.advance(RESET_LINK_TTL_MS);
    await assertRejectsWithApiError(
      redeemPasswordLink(ctx(), tokenOf(fresh.link?.url ?? ''), NEW_PASSWORD),
      'password_link_invalid',
    );
  });

  test('a password reset sets a new password at once (generated when none is given) and ends sessions', async () => {
    const admin = await administrator();
    const session = await signIn(t, admin.email, TEST_PASSWORD);
    const reset = await resetUserPassword(ctx(), accountId(), admin.id, { kind: 'password' }, OPERATOR);
    assert.match(reset.password ?? '', /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    assert.equal(reset.link, null);
    assert.equal(await sessionWorks(session), false);
    await signIn(t, admin.email, reset.password ?? '');
    const given = await resetUserPassword(
      ctx(),
      accountId(),
      admin.id,
      { kind: 'password', password: NEW_PASSWORD },
      OPERATOR,
    );
    assert.equal(given.password, null, 'a given password is not echoed');
    await signIn(t, admin.email, NEW_PASSWORD);
  });

  test('"forgot password" hands a link to the delivery seam for an active user, and says nothing either way', async () => {
    const delivered: PasswordLinkMessage[] = [];
    const resetCtx = {
      ...ctx(),
      passwordLinks: { deliver: async (m: PasswordLinkMessage) => void delivered.push(m) },
    };
    const admin = await administrator();
    const results = [
      await requestPasswordReset(resetCtx, admin.email.toUpperCase()),
      await requestPasswordReset(resetCtx, 'nobody@nowhere.test'),
      await requestPasswordReset(resetCtx, 'not an email'),
    ];
    assert.deepEqual(results, [undefined, undefined, undefined]);
    assert.equal(delivered.length, 1);
    const message = delivered[0] as PasswordLinkMessage;
    assert.equal(message.email, admin.email);
    assert.equal(message.purpose, 'reset');
    assert.equal(message.userId, admin.id);
    assert.ok(message.url.startsWith(`${t.config.publicUrl}/portal/set-password?token=`));
    await redeemPasswordLink(ctx(), tokenOf(message.url), NEW_PASSWORD);
    await signIn(t, admin.email, NEW_PASSWORD);

    await deactivateUser(ctx(), accountId(), admin.id, {}, OPERATOR);
    await requestPasswordReset(resetCtx, admin.email);
    assert.equal(delivered.length, 1, 'a deactivated user gets no link');
  });

  test('deactivation ends the user’s sessions; a password change ends the others', async () => {
    const admin = await administrator();
    const first = await signIn(t, admin.email, TEST_PASSWORD);
    const second = await signIn(t, admin.email, TEST_PASSWORD);
    assert.ok((await sessionWorks(first)) && (await sessionWorks(second)));

    const keep = sha256(decodeURIComponent(first.cookie.replace(/^pc_session=/, '')));
    await assertRejectsWithApiError(
      changeOwnPassword(ctx(), accountId(), admin.id, {
        currentPassword: 'wrong password',
        newPassword: NEW_PASSWORD,
      }),
      'parameter_invalid',
      { param: 'currentPassword' },
    );
    await changeOwnPassword(
      ctx(),
      accountId(),
      admin.id,
      { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
      { keepSession: keep },
    );
    assert.equal(await sessionWorks(first), true, 'the session that changed it stays');
    assert.equal(await sessionWorks(second), false);

    const third = await signIn(t, admin.email, NEW_PASSWORD);
    await deactivateUser(ctx(), accountId(), admin.id, {}, OPERATOR);
    assert.equal(await sessionWorks(first), false);
    assert.equal(await sessionWorks(third), false);
    const left = await t.db.db
      .selectFrom('portal_sessions')
      .select('token_hash')
      .where('user_id', '=', admin.id)
      .execute();
    assert.deepEqual(left, [], 'the sessions are gone, not only refused');
  });

  test('a portal sign-in is noted as lastSignInAt, without moving updatedAt', async () => {
    const admin = await administrator();
    t.clock.advance(60_000);
    await signIn(t, admin.email, TEST_PASSWORD);
    const user = (await listAllUsers(ctx(), accountId())).find((u) => u.id === admin.id);
    assert.equal(user?.lastSignInAt, t.clock.now().toISOString());
    assert.notEqual(user?.updatedAt, user?.lastSignInAt);
  });

  test('each change records its events', async () => {
    const before = await eventCount();
    const admin = await administrator();
    await updateUser(ctx(), accountId(), admin.id, { name: 'Renamed' }, OPERATOR);
    await updateUser(ctx(), accountId(), admin.id, { role: 'manager' }, OPERATOR);
    await deactivateUser(ctx(), accountId(), admin.id, {}, OPERATOR);
    await deactivateUser(ctx(), accountId(), admin.id, {}, OPERATOR);
    await reactivateUser(ctx(), accountId(), admin.id, OPERATOR);
    await reactivateUser(ctx(), accountId(), admin.id, OPERATOR);
    await resetUserPassword(ctx(), accountId(), admin.id, { kind: 'password' }, OPERATOR);
    assert.deepEqual(await eventsSince(before), [
      'user.created',
      'user.updated',
      'user.updated',
      'user.role_changed',
      'user.updated',
      'user.deactivated',
      'user.updated',
      'user.reactivated',
    ]);
  });

  test('a managed location or group cannot be deleted from under its manager (409 in_use)', async () => {
    const location = await call<{ id: string }>(t, 'POST', '/v1/locations', {
      key: account.key,
      body: { name: 'Managed', timezone: 'UTC' },
    });
    const { user } = await inviteUser(
      ctx(),
      accountId(),
      {
        email: freshEmail(),
        name: 'Site manager',
        role: 'manager',
        managedLocationIds: [location.body.id],
        credential: { kind: 'link' },
      },
      OPERATOR,
    );
    assert.deepEqual(user.managedLocationIds, [location.body.id]);
    const refused = await call<{ error: { code: string } }>(
      t,
      'DELETE',
      `/v1/locations/${location.body.id}`,
      {
        key: account.key,
      },
    );
    assert.equal(refused.status, 409, refused.raw);
    assert.equal(refused.body.error.code, 'in_use');
    await updateUser(ctx(), accountId(), user.id, { managedLocationIds: [] }, OPERATOR);
    const deleted = await call(t, 'DELETE', `/v1/locations/${location.body.id}`, { key: account.key });
    assert.equal(deleted.status, 200, deleted.raw);
  });
});

for (const dialect of DIALECTS) {
  test(`two administrators demoted at once leave one (${dialect})`, async () => {
    const t: TestApp = await createTestApp(dialect);
    try {
      const account = await createTestAccount(t);
      const ctx = t.app.context;
      const accountId = account.account.id;
      const { user: second } = await inviteUser(
        ctx,
        accountId,
        { email: freshEmail(), name: 'Second', role: 'administrator', credential: { kind: 'link' } },
        OPERATOR,
      );
      const inTrx = (trx: Db) => ({ ...ctx, database: { ...ctx.database, db: trx } });
      // The second demotion starts while the first is uncommitted: it must wait for it and then refuse.
      const { value, waited } = await interleave(
        t,
        dialect,
        (trx) => updateUser(inTrx(trx), accountId, account.admin.id, { role: 'manager' }, OPERATOR),
        () =>
          updateUser(ctx, accountId, second.id, { role: 'manager' }, OPERATOR).then(
            () => 'demoted',
            (error: { code?: string }) => error.code,
          ),
      );
      assert.equal(value, 'last_administrator');
      if (dialect === 'postgres') assert.equal(waited, true, 'the second waited for the account lock');

      // Each demoting the other at once, from the portal: whatever the order, one administrator is left.
      await updateUser(ctx, accountId, account.admin.id, { role: 'administrator' }, OPERATOR);
      for (let round = 0; round < 5; round++) {
        const results = await Promise.allSettled([
          updateUser(
            ctx,
            accountId,
            second.id,
            { role: 'manager' },
            { kind: 'user', userId: account.admin.id },
          ),
          updateUser(
            ctx,
            accountId,
            account.admin.id,
            { role: 'manager' },
            { kind: 'user', userId: second.id },
          ),
        ]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}`);
        const admins = (await listAllUsers(ctx, accountId)).filter(
          (u) => u.role === 'administrator' && u.active,
        );
        assert.equal(admins.length, 1, `round ${round}`);
        const demoted = admins[0]?.id === second.id ? account.admin.id : second.id;
        await updateUser(ctx, accountId, demoted, { role: 'administrator' }, OPERATOR);
      }
    } finally {
      await t.close();
    }
  });
}

test('by default "forgot password" writes the link to the server log at warn level, with the email', async () => {
  const lines: string[] = [];
  const t = await createTestApp('sqlite', {
    logger: { level: 'info', stream: { write: (line) => void lines.push(line) } },
  });
  try {
    const account = await createTestAccount(t);
    await requestPasswordReset(t.app.context, 'nobody@nowhere.test');
    assert.deepEqual(lines, [], 'nothing for an unknown email');
    await requestPasswordReset(t.app.context, account.admin.email);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(logged.length, 1);
    const entry = logged[0] as { level: number; msg: string; passwordLink: PasswordLinkMessage };
    assert.equal(entry.level, 40, 'warn');
    assert.equal(entry.passwordLink.email, account.admin.email);
    assert.match(entry.msg, new RegExp(account.admin.email.replace(/[.+]/g, '\\$&')));
    const token = tokenOf(entry.passwordLink.url);
    assert.ok(entry.msg.includes(entry.passwordLink.url));
    assert.equal((await describePasswordLink(t.app.context, token))?.email, account.admin.email);
  } finally {
    await t.close();
  }
});

test('a change holding the account lock does not stop other changes from writing their events (postgres)', {
  skip: !DIALECTS.includes('postgres') && 'needs TEST_DATABASE_URL',
}, async () => {
  const t = await createTestApp('postgres');
  try {
    const account = await createTestAccount(t);
    // The users service takes the account lock first and the events lock last; a change that holds the events lock
    // while inserting its event must not wait for the account lock, or the two deadlock.
    const { value, waited } = await interleave(
      t,
      'postgres',
      (trx) => lockAccount(trx, account.account.id),
      () => call(t, 'POST', '/v1/locations', { key: account.key, body: { name: 'Beside', timezone: 'UTC' } }),
    );
    assert.equal(value.status, 201, value.raw);
    assert.equal(waited, false, 'the event insert waited for the account lock');
  } finally {
    await t.close();
  }
});
