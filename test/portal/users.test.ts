/**
 * Portal Team → Users and the password pages (issue 13): invitations by link and by password, role changes,
 * deactivation with the owner's keys kept, reassigned or revoked, the last administrator, password resets, "forgot
 * password" and a user's own password change.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_RATE_LIMIT_POLICY } from '../../src/platform/rate-limit/limiter.js';
import type { PasswordLinkMessage } from '../../src/platform/users/delivery.js';
import { findUserByEmail } from '../../src/platform/users/repository.js';
import { call, createTestAccount, type TestAccount, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { addPortalUser, type PortalSignIn, portalRequest, signIn, TEST_PASSWORD } from '../helpers/portal.js';
import { withTestApp } from '../helpers/security-suite.js';

const USERS = '/portal/team/users';

/** The text of a page without its tags, spaces collapsed: what a person reads. */
function textOf(body: string): string {
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The one-time secret a page reveals (a link or a password), from its copy box. */
function revealed(body: string): string {
  const secret = /<code id="revealed-secret">([^<]+)<\/code>/.exec(body)?.[1];
  assert.ok(secret, 'the page reveals a link or a password');
  return secret.replace(/&amp;/g, '&');
}

async function apiKeyStatus(t: TestApp, key: string): Promise<{ status: number; code?: string }> {
  const response = await call<{ error?: { code?: string } }>(t, 'GET', '/v1/api-key', { key });
  return { status: response.status, code: response.body.error?.code };
}

/** A second administrator, signed in, who owns a full-access key made in the portal. */
async function keyOwner(t: TestApp, account: TestAccount) {
  const owner = await addPortalUser(t, account.account.id, 'administrator');
  const session = await signIn(t, owner.email);
  const created = await portalRequest(t, session, 'POST', '/portal/developer/api-keys', {
    name: 'Payroll sync',
    scope: '*',
  });
  assert.equal(created.statusCode, 200, created.body);
  const key = /pc_live_[0-9a-f]{40}/.exec(created.body)?.[0];
  assert.ok(key, 'the new key is shown once');
  return { ...owner, session, key };
}

async function adminSession(t: TestApp, account: TestAccount): Promise<PortalSignIn> {
  return signIn(t, account.admin.email);
}

for (const dialect of DIALECTS) {
  describe(`portal users (${dialect})`, () => {
    test('an invited manager sets a password through the link, sees the team, and is refused admin pages', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const admin = await adminSession(t, account);
        const invited = await portalRequest(t, admin, 'POST', USERS, {
          name: 'Maria Lopez',
          email: 'Maria.Lopez@Example.com',
          role: 'manager',
          credential: 'link',
        });
        assert.equal(invited.statusCode, 200, invited.body);
        assert.match(textOf(invited.body), /Maria Lopez was invited as a manager/);
        const link = new URL(revealed(invited.body));
        assert.equal(link.pathname, '/portal/set-password');
        const token = link.searchParams.get('token') ?? '';

        // The list shows her, and never the link again.
        const list = await portalRequest(t, admin, 'GET', USERS);
        assert.equal(list.statusCode, 200);
        assert.match(
          textOf(list.body),
          /Maria Lopez maria\.lopez@example\.com Manager Whole team Active Never/,
        );
        assert.ok(!list.body.includes(token), 'the link is shown once');

        const form = await t.app.inject({ method: 'GET', url: `/portal/set-password?token=${token}` });
        assert.equal(form.statusCode, 200);
        assert.match(textOf(form.body), /Welcome to Punchclock/);
        assert.equal(
          form.headers['referrer-policy'],
          'same-origin',
          'the token in the URL reaches no other site',
        );

        const mismatch = await t.app.inject({
          method: 'POST',
          url: '/portal/set-password',
          payload: { token, newPassword: 'a long enough one', repeatPassword: 'a different one!' },
        });
        assert.equal(mismatch.statusCode, 400);
        assert.match(textOf(mismatch.body), /The two passwords differ/);

        const tooShort = await t.app.inject({
          method: 'POST',
          url: '/portal/set-password',
          payload: { token, newPassword: 'short', repeatPassword: 'short' },
        });
        assert.equal(tooShort.statusCode, 400);

        const set = await t.app.inject({
          method: 'POST',
          url: '/portal/set-password',
          payload: { token, newPassword: 'maria picks this one', repeatPassword: 'maria picks this one' },
        });
        assert.equal(set.statusCode, 303, set.body);
        assert.equal(set.headers.location, '/portal');
        const cookie = set.cookies.find((c) => c.name === 'pc_session');
        assert.ok(cookie, 'setting the password signs her in');

        // Used once: the link is gone.
        const again = await t.app.inject({ method: 'GET', url: `/portal/set-password?token=${token}` });
        assert.equal(again.statusCode, 404);
        assert.match(textOf(again.body), /This link cannot be used/);

        const manager = await signIn(t, 'maria.lopez@example.com', 'maria picks this one');
        assert.equal((await portalRequest(t, manager, 'GET', '/portal/team')).statusCode, 200);
        for (const page of [
          USERS,
          '/portal/developer/api-keys',
          '/portal/developer/webhooks',
          '/portal/settings',
        ]) {
          assert.equal((await portalRequest(t, manager, 'GET', page)).statusCode, 403, page);
        }
        const refused = await portalRequest(t, manager, 'POST', USERS, {
          name: 'Sneaky',
          email: 'sneaky@example.com',
          role: 'administrator',
        });
        assert.equal(refused.statusCode, 403);
        const nav = await portalRequest(t, manager, 'GET', '/portal/team');
        assert.ok(!nav.body.includes(`href="${USERS}"`), 'managers are not offered the Users page');
      });
    });

    test('an invitation with a generated password, managed locations, and a role change', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const location = await call<{ id: string }>(t, 'POST', '/v1/locations', {
          key: account.key,
          body: { name: 'Union Station' },
        });
        const admin = await adminSession(t, account);
        const invited = await portalRequest(t, admin, 'POST', USERS, {
          name: 'James Okafor',
          email: 'james@example.com',
          role: 'manager',
          credential: 'password',
          managedLocationIds: [location.body.id],
        });
        assert.equal(invited.statusCode, 200, invited.body);
        const password = revealed(invited.body);
        await signIn(t, 'james@example.com', password);
        const list = await portalRequest(t, admin, 'GET', USERS);
        assert.match(textOf(list.body), /James Okafor james@example\.com Manager Union Station Active/);

        const james = await findUserByEmail(t.db.db, 'james@example.com');
        assert.ok(james, 'the user is stored');
        const promoted = await portalRequest(t, admin, 'POST', `${USERS}/${james.id}`, {
          name: 'James Okafor',
          role: 'administrator',
        });
        assert.equal(promoted.statusCode, 303, promoted.body);
        const after = await portalRequest(t, admin, 'GET', `${USERS}?done=saved`);
        assert.match(textOf(after.body), /The user was saved/);
        assert.match(textOf(after.body), /James Okafor james@example\.com Administrator Everything/);

        const taken = await portalRequest(t, admin, 'POST', USERS, {
          name: 'Copy',
          email: 'JAMES@example.com',
          role: 'manager',
          credential: 'link',
        });
        assert.equal(taken.statusCode, 409);
        assert.match(textOf(taken.body), /already exists/);
        assert.ok(
          /<dialog id="invite-user"[^>]*data-open-on-load[ >]/.test(taken.body),
          'the invite form opens again with the message',
        );
      });
    });

    test('deactivating a key owner stops their keys at once; reassigning them makes them work again', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const admin = await adminSession(t, account);
        const owner = await keyOwner(t, account);
        assert.equal((await apiKeyStatus(t, owner.key)).status, 200);

        const deactivated = await portalRequest(t, admin, 'POST', `${USERS}/${owner.id}/deactivate`, {
          keys: 'keep',
        });
        assert.equal(deactivated.statusCode, 303, deactivated.body);
        assert.deepEqual(await apiKeyStatus(t, owner.key), { status: 401, code: 'api_key_owner_inactive' });
        // Their session ended with the deactivation.
        const gone = await portalRequest(t, owner.session, 'GET', '/portal/team');
        assert.equal(gone.statusCode, 303);

        const keysPage = await portalRequest(t, admin, 'GET', '/portal/developer/api-keys');
        assert.match(textOf(keysPage.body), /Some keys do not work/);
        assert.match(textOf(keysPage.body), /Owner inactive/);
        const usersPage = await portalRequest(t, admin, 'GET', USERS);
        assert.match(textOf(usersPage.body), /Deactivated Never 1 Not working|Deactivated .* 1 Not working/);

        const reassigned = await portalRequest(t, admin, 'POST', `${USERS}/${owner.id}/keys`, {
          keys: 'reassign',
          reassignTo: account.admin.id,
        });
        assert.equal(reassigned.statusCode, 303, reassigned.body);
        assert.equal((await apiKeyStatus(t, owner.key)).status, 200);
        const keysAfter = await portalRequest(t, admin, 'GET', '/portal/developer/api-keys');
        assert.ok(!textOf(keysAfter.body).includes('Owner inactive'));
      });
    });

    test('demotion with "revoke" revokes the keys; reactivation restores a kept key', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const admin = await adminSession(t, account);
        const revoked = await keyOwner(t, account);
        const demoted = await portalRequest(t, admin, 'POST', `${USERS}/${revoked.id}`, {
          name: 'Test administrator',
          role: 'manager',
          keys: 'revoke',
        });
        assert.equal(demoted.statusCode, 303, demoted.body);
        assert.deepEqual(await apiKeyStatus(t, revoked.key), { status: 401, code: 'api_key_revoked' });

        const kept = await keyOwner(t, account);
        await portalRequest(t, admin, 'POST', `${USERS}/${kept.id}/deactivate`, { keys: 'keep' });
        assert.equal((await apiKeyStatus(t, kept.key)).code, 'api_key_owner_inactive');
        const reactivated = await portalRequest(t, admin, 'POST', `${USERS}/${kept.id}/reactivate`, {});
        assert.equal(reactivated.statusCode, 303, reactivated.body);
        assert.equal((await apiKeyStatus(t, kept.key)).status, 200);

        // Saving an administrator's name (no demotion) leaves their keys where they are, whatever the radio said.
        const renamed = await portalRequest(t, admin, 'POST', `${USERS}/${kept.id}`, {
          name: 'Renamed',
          role: 'administrator',
          keys: 'revoke',
        });
        assert.equal(renamed.statusCode, 303, renamed.body);
        assert.equal((await apiKeyStatus(t, kept.key)).status, 200);
      });
    });

    test('the last active administrator can be neither deactivated nor demoted', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const admin = await adminSession(t, account);
        const manager = await addPortalUser(t, account.account.id, 'manager');
        const demote = await portalRequest(t, admin, 'POST', `${USERS}/${account.admin.id}`, {
          name: 'Administrator',
          role: 'manager',
        });
        assert.equal(demote.statusCode, 409);
        assert.match(textOf(demote.body), /administrator/i);
        const deactivate = await portalRequest(
          t,
          admin,
          'POST',
          `${USERS}/${account.admin.id}/deactivate`,
          {},
        );
        assert.equal(deactivate.statusCode, 409);
        assert.equal((await portalRequest(t, admin, 'GET', '/portal/team')).statusCode, 200);
        // Nothing changed for anyone.
        const list = await portalRequest(t, admin, 'GET', USERS);
        assert.match(textOf(list.body), /Administrator .* Active/);
        assert.ok(manager.id);
      });
    });

    test('an administrator resets a password by link or by a generated one', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const admin = await adminSession(t, account);
        const manager = await addPortalUser(t, account.account.id, 'manager');
        const byLink = await portalRequest(t, admin, 'POST', `${USERS}/${manager.id}/reset-password`, {
          method: 'link',
        });
        assert.equal(byLink.statusCode, 200, byLink.body);
        assert.match(revealed(byLink.body), /\/portal\/set-password\?token=/);
        await signIn(t, manager.email); // the old password works until the link is used

        const byPassword = await portalRequest(t, admin, 'POST', `${USERS}/${manager.id}/reset-password`, {
          method: 'password',
        });
        assert.equal(byPassword.statusCode, 200, byPassword.body);
        const password = revealed(byPassword.body);
        await signIn(t, manager.email, password);
        const old = await t.app.inject({ method: 'GET', url: '/portal/login' });
        assert.equal(old.statusCode, 200);
        const oldLink = new URL(revealed(byLink.body));
        const stale = await t.app.inject({ method: 'GET', url: `${oldLink.pathname}${oldLink.search}` });
        assert.equal(stale.statusCode, 404, 'a new password voids the earlier link');
      });
    });

    test('forgot password answers alike for every email and hands a link to the delivery seam', async () => {
      const delivered: PasswordLinkMessage[] = [];
      await withTestApp(
        dialect,
        async (t) => {
          const account = await createTestAccount(t);
          const page = await t.app.inject({ method: 'GET', url: '/portal/login' });
          assert.match(page.body, /href="\/portal\/forgot-password"/);
          const known = await t.app.inject({
            method: 'POST',
            url: '/portal/forgot-password',
            payload: { email: account.admin.email.toUpperCase() },
          });
          const unknown = await t.app.inject({
            method: 'POST',
            url: '/portal/forgot-password',
            payload: { email: 'nobody@example.com' },
          });
          assert.equal(known.statusCode, 200);
          assert.equal(unknown.statusCode, 200);
          assert.equal(known.body, unknown.body, 'the answer says nothing about the email');
          assert.equal(delivered.length, 1);
          assert.equal(delivered[0]?.email, account.admin.email);
          const link = new URL(delivered[0]?.url ?? '');
          const token = link.searchParams.get('token') ?? '';
          const set = await t.app.inject({
            method: 'POST',
            url: '/portal/set-password',
            payload: { token, newPassword: 'a brand new password', repeatPassword: 'a brand new password' },
          });
          assert.equal(set.statusCode, 303, set.body);
          await signIn(t, account.admin.email, 'a brand new password');
        },
        { passwordLinks: { deliver: async (message) => void delivered.push(message) } },
      );
    });

    test('forgot password is limited like failed sign-ins, so it cannot flood the log with links', async () => {
      const delivered: PasswordLinkMessage[] = [];
      await withTestApp(
        dialect,
        async (t) => {
          const account = await createTestAccount(t);
          const ask = () =>
            t.app.inject({
              method: 'POST',
              url: '/portal/forgot-password',
              payload: { email: account.admin.email },
            });
          for (let attempt = 1; attempt <= 3; attempt++) assert.equal((await ask()).statusCode, 200);
          const limited = await ask();
          assert.equal(limited.statusCode, 429);
          assert.ok(Number(limited.headers['retry-after']) > 0);
          assert.match(textOf(limited.body), /Too many attempts/);
          assert.equal(delivered.length, 3);
        },
        {
          passwordLinks: { deliver: async (message) => void delivered.push(message) },
          rateLimitPolicy: {
            ...DEFAULT_RATE_LIMIT_POLICY,
            signInFailuresPerEmail: 3,
            signInFailuresPerIp: 100,
          },
        },
      );
    });

    test('a signed-in user changes their own password; their other sessions end, this one stays', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const manager = await addPortalUser(t, account.account.id, 'manager');
        const here = await signIn(t, manager.email);
        const elsewhere = await signIn(t, manager.email);
        const page = await portalRequest(t, here, 'GET', '/portal/account/password');
        assert.equal(page.statusCode, 200);
        const wrong = await portalRequest(t, here, 'POST', '/portal/account/password', {
          currentPassword: 'not it at all',
          newPassword: 'my new password!',
          repeatPassword: 'my new password!',
        });
        assert.equal(wrong.statusCode, 400);
        assert.match(textOf(wrong.body), /current password is not correct/);
        const noCsrf = await portalRequest(
          t,
          here,
          'POST',
          '/portal/account/password',
          {
            currentPassword: TEST_PASSWORD,
            newPassword: 'my new password!',
            repeatPassword: 'my new password!',
          },
          { csrf: false },
        );
        assert.equal(noCsrf.statusCode, 403);
        const changed = await portalRequest(t, here, 'POST', '/portal/account/password', {
          currentPassword: TEST_PASSWORD,
          newPassword: 'my new password!',
          repeatPassword: 'my new password!',
        });
        assert.equal(changed.statusCode, 200, changed.body);
        assert.match(textOf(changed.body), /Your password was changed/);
        assert.equal((await portalRequest(t, here, 'GET', '/portal/team')).statusCode, 200);
        assert.equal((await portalRequest(t, elsewhere, 'GET', '/portal/team')).statusCode, 303);
        await signIn(t, manager.email, 'my new password!');
      });
    });
  });
}
