/**
 * Issue 6's "Done when" for API keys, in a real browser: sign in, create a key with two resources' Read, copy it and
 * use it, revoke it, revoke all with the typed confirmation; a manager is refused; a post without the CSRF token is
 * refused. Also writes the README's screenshots of the keys page and the create dialog.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { listApiKeys } from '../../src/platform/api-keys/service.js';
import { createTestAccount, createTestApp, createTestKey } from '../helpers/app.js';
import {
  addPortalUser,
  browserSignIn,
  externalRequests,
  launchBrowser,
  screenshotPath,
  skipWithoutChromium,
} from '../helpers/portal.js';

const PAGE = '/portal/developer/api-keys';
const VIEWPORT = { width: 1280, height: 800 };

/** Everything a page asked for and every script error it raised, to assert on at the end. */
function watch(page: Page): { requested: string[]; errors: string[]; html: string[] } {
  const seen = { requested: [] as string[], errors: [] as string[], html: [] as string[] };
  page.on('request', (request) => seen.requested.push(request.url()));
  page.on('pageerror', (error) => seen.errors.push(error.message));
  page.on('console', (message) => {
    // A refused page (the manager's 403) is the test's point, not a script error.
    if (message.type() === 'error' && !/Failed to load resource.*\b40[34]\b/.test(message.text())) {
      seen.errors.push(message.text());
    }
  });
  page.on('response', async (response) => {
    if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) return;
    seen.html.push(await response.text().catch(() => ''));
  });
  return seen;
}

test('API keys in the browser: create, use, revoke, revoke all; managers and CSRF-less posts refused', {
  skip: skipWithoutChromium,
  timeout: 120_000,
}, async () => {
  const t = await createTestApp('sqlite');
  const browser = await launchBrowser();
  try {
    const account = await createTestAccount(t, { name: 'Acme Robotics' });
    await createTestKey(t, account, ['employees:read', 'employees:write', 'timecards:read'], {
      name: 'Payroll sync',
      fieldRestrictions: { employees: ['firstName', 'lastName', 'email'] },
    });
    t.clock.advance(3_600_000);
    await createTestKey(t, account, ['punches:read', 'punches:write'], {
      name: 'Warehouse kiosk',
      expiresAt: '2027-06-30T00:00:00.000Z',
    });
    t.clock.advance(3_600_000);
    const origin = await t.app.listen({ host: '127.0.0.1', port: 0 });

    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    const seen = watch(page);
    await browserSignIn(page, origin, account.admin.email);
    await page.goto(`${origin}${PAGE}`);
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();

    // Create: two resources' Read only. "Select All" first disables the matrix, then gives it back.
    await page.getByRole('button', { name: '+ Create new API key' }).click();
    const dialog = page.locator('dialog#create-key');
    await dialog.waitFor({ state: 'visible' });
    await page.getByLabel('Key name').fill('Reporting');
    await page.getByLabel('Select All (Full Access)').check();
    assert.equal(
      await page.getByLabel('Employees read').isDisabled(),
      true,
      'full access disables the matrix',
    );
    await page.getByLabel('Select All (Full Access)').uncheck();
    await page.getByLabel('Employees read').check();
    await page.getByLabel('Locations read').check();
    await page.evaluate("document.querySelector('#create-key .dialog-body').scrollTop = 0");
    await page.screenshot({ path: screenshotPath('api-keys-create.png') });
    await page.getByText('Field restrictions (optional)').click();
    await page.getByText('Employees fields').click();
    await page.getByLabel('Employees firstName').check();
    await page.getByLabel('Employees lastName').check();
    await dialog.getByRole('button', { name: 'Create API key' }).click();

    // Shown once, with a copy button and the warning; copied from the page, used from here.
    const reveal = page.locator('dialog#new-key');
    await reveal.waitFor({ state: 'visible' });
    await reveal.getByText('will not be shown again').waitFor();
    const key = (await page.locator('#new-key-value').textContent())?.trim() ?? '';
    assert.match(key, /^pc_live_[0-9a-f]{40}$/);
    await reveal.getByRole('button', { name: 'Copy' }).click();
    await reveal.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), key);
    const api = (method: string, body?: unknown) =>
      fetch(`${origin}/v1/employees`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    assert.equal((await api('GET')).status, 200);
    assert.equal((await api('POST', { firstName: 'Ada', lastName: 'Lovelace' })).status, 403);
    await reveal.getByRole('button', { name: 'I have copied it' }).click();

    // The list shows it masked, with its two read permissions.
    const row = page.locator('tbody tr', { hasText: 'Reporting' });
    await row.locator('.scope-list').waitFor();
    assert.match(
      (await row.textContent()) ?? '',
      /Employees: Read \(fields: firstName, lastName\)Locations: Read/,
    );

    // Revoke it in the UI; the next call fails.
    await row.getByRole('button', { name: 'Revoke Reporting' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('The key was revoked').waitFor();
    assert.equal((await api('GET')).status, 401);
    await page.reload();
    await page.locator('tbody tr', { hasText: 'Reporting' }).getByText('Revoked').waitFor();
    await page.screenshot({ path: screenshotPath('api-keys.png') });

    // Revoke all: enabled only once the account name is typed exactly.
    await page.getByRole('button', { name: 'Revoke all keys' }).click();
    const confirm = page.locator('dialog#revoke-all');
    await confirm.getByText('This cannot be undone.').waitFor();
    const submit = confirm.getByRole('button', { name: 'Revoke all keys' });
    await page.getByLabel(/Type the account name/).fill('Acme');
    assert.equal(await submit.isDisabled(), true);
    await page.getByLabel(/Type the account name/).fill('Acme Robotics');
    await submit.click();
    await page.getByText('Every key of the account was revoked').waitFor();
    const keys = await listApiKeys(t.app.context, account.account.id);
    assert.equal(keys.length, 4);
    assert.deepEqual(
      keys.map((k) => k.status),
      ['revoked', 'revoked', 'revoked', 'revoked'],
    );
    assert.equal(await page.locator('tbody .badge.ok').count(), 0, 'no key shows as active');
    const full = await fetch(`${origin}/v1/employees`, {
      headers: { authorization: `Bearer ${account.key}` },
    });
    assert.equal(full.status, 401);

    // A state-changing request with the session cookie but no CSRF token is refused.
    const forged = await page.request.post(`${origin}${PAGE}`, {
      form: { name: 'Forged', scope: 'employees:read' },
      maxRedirects: 0,
    });
    assert.equal(forged.status(), 403);
    assert.equal((await listApiKeys(t.app.context, account.account.id)).length, 4, 'nothing was created');

    // The key appeared in exactly one response: the one that created it.
    await page.goto(`${origin}${PAGE}`);
    assert.ok(!(await page.content()).includes(key));
    assert.equal(seen.html.filter((html) => html.includes(key)).length, 1, 'only the creating response');
    assert.ok(seen.html.length >= 5, `saw ${seen.html.length} pages and fragments`);

    // A manager signs in but is refused the keys page and sees no link to it.
    const managerContext = await browser.newContext({ viewport: VIEWPORT });
    const managerPage = await managerContext.newPage();
    const managerSeen = watch(managerPage);
    const manager = await addPortalUser(t, account.account.id, 'manager');
    await browserSignIn(managerPage, origin, manager.email);
    const refused = await managerPage.goto(`${origin}${PAGE}`);
    assert.equal(refused?.status(), 403);
    await managerPage.getByText('Only administrators of the account can see this page').waitFor();
    assert.equal(await managerPage.locator('nav a', { hasText: 'API keys' }).count(), 0);

    assert.deepEqual(seen.errors, []);
    assert.deepEqual(managerSeen.errors, []);
    assert.deepEqual(externalRequests([...seen.requested, ...managerSeen.requested], origin), []);
  } finally {
    await browser.close();
    await t.close();
  }
});
