import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listApiKeys } from '../../src/platform/api-keys/service.js';
import {
  call,
  createTestAccount,
  createTestKey,
  disableApiAccess,
  type TestAccount,
  type TestApp,
} from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { addPortalUser, type PortalSignIn, portalRequest, signIn } from '../helpers/portal.js';
import { withTestApp } from '../helpers/security-suite.js';

const PAGE = '/portal/developer/api-keys';

/** The one-time key in a page, as the copy box shows it. */
function shownKey(html: string): string | undefined {
  return /<code id="new-key-value">(pc_live_[0-9a-f]{40})<\/code>/.exec(html)?.[1];
}

async function adminSession(t: TestApp, plan?: 'trial' | 'pro'): Promise<[TestAccount, PortalSignIn]> {
  const account = await createTestAccount(t, plan ? { plan } : {});
  return [account, await signIn(t, account.admin.email)];
}

for (const dialect of DIALECTS) {
  describe(`portal: API keys page (${dialect})`, () => {
    test('lists the keys newest first with prefix, permissions, status, dates and owner, never a full key', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        await createTestKey(t, account, ['employees:read', 'locations:read', 'locations:write'], {
          name: 'Payroll sync',
          fieldRestrictions: { employees: ['firstName', 'lastName'] },
        });
        t.clock.advance(60_000);
        const revoked = await createTestKey(t, account, ['events:read'], { name: 'Old <b>export</b>' });
        await portalRequest(t, session, 'POST', `${PAGE}/${revoked.id}/revoke`);

        const page = await portalRequest(t, session, 'GET', PAGE);
        assert.equal(page.statusCode, 200);
        assert.match(page.headers['content-type'] as string, /text\/html/);
        const html = page.body;
        assert.match(html, /<h1>API keys<\/h1>/);
        // Newest first: the events key, then Payroll sync, then createTestAccount's full-access key.
        const order = ['Old &lt;b>export&lt;/b>', 'Payroll sync', 'Full access</td>'].map((s) =>
          html.indexOf(s),
        );
        assert.ok(order.every((i) => i > 0) && order[0]! < order[1]! && order[1]! < order[2]!, `${order}`);
        assert.ok(!html.includes('<b>export</b>'), 'key names are escaped');
        const keys = await listApiKeys(t.app.context, account.account.id);
        for (const key of keys) assert.ok(html.includes(`${key.displayPrefix}…${key.last4}`), key.id);
        assert.ok(!html.includes(account.key), 'the full key never appears');
        assert.match(html, /Employees<\/span>: <span>Read<\/span>/);
        assert.match(html, /Locations<\/span>: <span>Read &amp; Write<\/span>/);
        assert.match(html, /\(fields: firstName, lastName\)/);
        assert.match(html, /<span class="badge info">Full access<\/span>/);
        assert.match(html, /badge danger">Revoked/);
        assert.match(html, /badge ok">Active/);
        assert.ok(
          html.includes(`title="Administrator <${account.admin.email}>">by Administrator`),
          'created by',
        );
        assert.match(html, /Nov 1, 2026/);
        // Only active keys can be rolled or revoked.
        assert.ok(!html.includes(`id="revoke-${revoked.id}"`));
      });
    });

    test('creates a key from the matrix with field restrictions, expiry and rate limit; the key is shown once', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        const created = await portalRequest(t, session, 'POST', PAGE, {
          name: 'Reporting',
          scope: ['employees:read', 'locations:read'],
          'fields.employees': ['firstName', 'lastName'],
          expires_on: '2026-12-31',
          rate_limit: '120',
        });
        assert.equal(created.statusCode, 200, created.body);
        const key = shownKey(created.body);
        assert.ok(key, 'the new key is shown');
        assert.match(created.body, /<dialog id="new-key"[^>]*data-open-on-load/);
        assert.match(created.body, /data-copy-target="new-key-value"/);
        assert.match(created.body, /will not be shown again/);

        const stored = (await listApiKeys(t.app.context, account.account.id)).find(
          (k) => k.name === 'Reporting',
        );
        assert.ok(stored);
        assert.deepEqual(stored.scopes, ['employees:read', 'locations:read']);
        assert.deepEqual(stored.fieldRestrictions, { employees: ['firstName', 'lastName'] });
        assert.equal(stored.rateLimitPerMinute, 120);
        // The end of Dec 31 in the account's zone (America/New_York, UTC-5 in winter).
        assert.equal(stored.expiresAt, '2027-01-01T05:00:00.000Z');
        assert.equal(stored.createdBy, account.admin.id);

        const read = await call(t, 'GET', '/v1/employees', { key });
        assert.equal(read.status, 200, read.raw);
        const write = await call(t, 'POST', '/v1/employees', {
          key,
          body: { firstName: 'A', lastName: 'B' },
        });
        assert.equal(write.status, 403, write.raw);

        const later = await portalRequest(t, session, 'GET', PAGE);
        assert.ok(!later.body.includes(key), 'the list never shows the key again');
        assert.ok(!later.body.includes('new-key-value'));
      });
    });

    test('"Select All (Full Access)" grants * whatever boxes are ticked', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        const created = await portalRequest(t, session, 'POST', PAGE, {
          name: 'Everything',
          full_access: 'on',
          scope: 'employees:read',
        });
        assert.equal(created.statusCode, 200, created.body);
        const stored = (await listApiKeys(t.app.context, account.account.id)).find(
          (k) => k.name === 'Everything',
        );
        assert.deepEqual(stored?.scopes, ['*']);
      });
    });

    test('service refusals come back as messages on the filled-in form, not as a 500', async () => {
      await withTestApp(dialect, async (t) => {
        const [, session] = await adminSession(t);
        const noScope = await portalRequest(t, session, 'POST', PAGE, { name: 'Nothing <i>granted</i>' });
        assert.equal(noScope.statusCode, 400);
        assert.match(noScope.body, /A key needs at least one scope/);
        assert.match(noScope.body, /<dialog id="create-key"[^>]*data-open-on-load/);
        assert.match(
          noScope.body,
          /value="Nothing <i>granted<\/i>"/,
          'what was typed stays (quoted, so inert)',
        );
        assert.equal(shownKey(noScope.body), undefined);

        const badRate = await portalRequest(t, session, 'POST', PAGE, {
          name: 'Fast',
          scope: ['punches:read'],
          rate_limit: 'lots',
        });
        assert.equal(badRate.statusCode, 400);
        assert.match(badRate.body, /rateLimitPerMinute must be an integer/);
        assert.match(badRate.body, /id="scope-punches-read" name="scope" value="punches:read" checked/);

        const past = await portalRequest(t, session, 'POST', PAGE, {
          name: 'Late',
          scope: 'punches:read',
          expires_on: '2020-01-01',
        });
        assert.equal(past.statusCode, 400);
        assert.match(past.body, /expiresAt must be in the future/);
      });
    });

    test('a trial account with an active key gets the active_key_limit message (409)', async () => {
      await withTestApp(dialect, async (t) => {
        const [, session] = await adminSession(t, 'trial');
        const page = await portalRequest(t, session, 'GET', PAGE);
        assert.match(page.body, /Trial accounts may hold one active key/);
        const refused = await portalRequest(t, session, 'POST', PAGE, {
          name: 'Second',
          scope: 'events:read',
        });
        assert.equal(refused.statusCode, 409);
        assert.match(refused.body, /The trial plan allows 1 active API key/);
      });
    });

    test('revoke, roll with a grace period, and revoke all', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        const one = await createTestKey(t, account, ['employees:read'], { name: 'One' });
        const two = await createTestKey(t, account, ['employees:read'], { name: 'Two' });

        const revoked = await portalRequest(t, session, 'POST', `${PAGE}/${one.id}/revoke`);
        assert.equal(revoked.statusCode, 303);
        assert.equal(revoked.headers.location, `${PAGE}?done=revoked`);
        assert.equal((await call(t, 'GET', '/v1/employees', { key: one.key })).status, 401);
        const after = await portalRequest(t, session, 'GET', revoked.headers.location as string);
        assert.match(after.body, /The key was revoked/);

        const rolled = await portalRequest(t, session, 'POST', `${PAGE}/${two.id}/roll`, { grace: '3600' });
        assert.equal(rolled.statusCode, 200, rolled.body);
        const replacement = shownKey(rolled.body);
        assert.ok(replacement && replacement !== two.key);
        assert.match(rolled.body, /Key rolled/);
        assert.equal((await call(t, 'GET', '/v1/employees', { key: replacement })).status, 200);
        assert.equal((await call(t, 'GET', '/v1/employees', { key: two.key })).status, 200, 'grace period');
        t.clock.advance(3600_000 + 1000);
        t.app.context.keyCache.invalidateAccount(account.account.id);
        assert.equal((await call(t, 'GET', '/v1/employees', { key: two.key })).status, 401, 'grace over');

        const again = await portalRequest(t, session, 'POST', `${PAGE}/${two.id}/roll`, { grace: '0' });
        assert.equal(again.statusCode, 409, 'a rolled key cannot be rolled again');
        assert.match(again.body, /already rolled|is expired/);
        const unknown = await portalRequest(t, session, 'POST', `${PAGE}/key_unknown/revoke`);
        assert.equal(unknown.statusCode, 404);
        assert.match(unknown.body, /API key key_unknown not found/);

        const wrongName = await portalRequest(t, session, 'POST', `${PAGE}/revoke-all`, { confirm: 'nope' });
        assert.equal(wrongName.statusCode, 400);
        assert.match(wrongName.body, /Nothing was revoked/);
        assert.equal((await call(t, 'GET', '/v1/employees', { key: account.key })).status, 200);

        const page = await portalRequest(t, session, 'GET', PAGE);
        assert.ok(page.body.includes(`data-confirm-text="${account.account.name}"`));
        const all = await portalRequest(t, session, 'POST', `${PAGE}/revoke-all`, {
          confirm: account.account.name,
        });
        assert.equal(all.statusCode, 303);
        for (const key of await listApiKeys(t.app.context, account.account.id)) {
          assert.notEqual(key.status, 'active', key.name);
        }
        assert.equal((await call(t, 'GET', '/v1/employees', { key: account.key })).status, 401);
        assert.equal((await call(t, 'GET', '/v1/employees', { key: replacement })).status, 401);
      });
    });

    test('htmx gets the page content as a fragment, refusals included', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        const htmx = (url: string, form: Record<string, string>) =>
          t.app.inject({
            method: 'POST',
            url,
            headers: { cookie: session.cookie, 'hx-request': 'true', 'x-csrf-token': session.csrf },
            payload: form,
          });
        const revoked = await htmx(`${PAGE}/${account.keyId}/revoke`, {});
        assert.equal(revoked.statusCode, 200);
        assert.match(revoked.body, /^<div id="api-keys">/);
        assert.ok(!revoked.body.includes('<html'));
        assert.match(revoked.body, /The key was revoked/);
        const refused = await htmx(PAGE, { name: '' });
        assert.equal(refused.statusCode, 400);
        assert.match(refused.body, /^<div id="api-keys">/);
        assert.match(refused.body, /A key name has 1 to 100 characters/);
      });
    });

    test('with API access off the page says the operator must enable it, and creation is refused', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        await disableApiAccess(t, account);
        const page = await portalRequest(t, session, 'GET', PAGE);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /API access is off for this account/);
        assert.match(page.body, /operator must enable it/);
        assert.match(page.body, /data-open-dialog="create-key" disabled/);
        assert.ok(!page.body.includes('id="create-key"'), 'no create form');
        const refused = await portalRequest(t, session, 'POST', PAGE, { name: 'X', scope: 'events:read' });
        assert.equal(refused.statusCode, 409);
        assert.equal((await listApiKeys(t.app.context, account.account.id)).length, 1);
      });
    });

    test('managers and employees get the 403 page on every keys route; posts need the CSRF token', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, admin] = await adminSession(t);
        for (const role of ['manager', 'employee'] as const) {
          const user = await addPortalUser(t, account.account.id, role);
          const session = await signIn(t, user.email);
          const page = await portalRequest(t, session, 'GET', PAGE);
          assert.equal(page.statusCode, 403, role);
          assert.match(page.body, /Only administrators/);
          assert.ok(!page.body.includes(account.keyId));
          for (const url of [PAGE, `${PAGE}/${account.keyId}/revoke`, `${PAGE}/${account.keyId}/roll`]) {
            const post = await portalRequest(t, session, 'POST', url, { name: 'x', scope: 'events:read' });
            assert.equal(post.statusCode, 403, `${role} ${url}`);
          }
          const all = await portalRequest(t, session, 'POST', `${PAGE}/revoke-all`, {
            confirm: account.account.name,
          });
          assert.equal(all.statusCode, 403);
        }
        const noCsrf = await portalRequest(
          t,
          admin,
          'POST',
          `${PAGE}/${account.keyId}/revoke`,
          {},
          { csrf: false },
        );
        assert.equal(noCsrf.statusCode, 403);
        assert.match(noCsrf.body, /CSRF token/);
        assert.equal(
          (await call(t, 'GET', '/v1/employees', { key: account.key })).status,
          200,
          'still active',
        );
        const noSession = await t.app.inject({ method: 'GET', url: PAGE });
        assert.equal(noSession.statusCode, 303);
        assert.equal(noSession.headers.location, '/portal/login');
      });
    });
  });
}
