/**
 * Issue 6's "Done when" for webhooks, in a real browser: create an endpoint pointing to a local receiver, copy its
 * secret (shown once), send a test event, and see the delivery with its attempt (status 200) on the endpoint's page;
 * rotate the secret behind its confirmation dialog.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestAccount, createTestApp } from '../helpers/app.js';
import { browserSignIn, externalRequests, launchBrowser, skipWithoutChromium } from '../helpers/portal.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const PAGE = '/portal/developer/webhooks';
const SECRET = /^whsec_[A-Za-z0-9+/]{32}$/;

test('webhooks in the browser: create an endpoint, send a test event, see the delivery and its attempt', {
  skip: skipWithoutChromium,
  timeout: 120_000,
}, async () => {
  const t = await createTestApp('sqlite', { env: { PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true' } });
  const receiver = await WebhookReceiver.start({ clock: t.clock });
  const browser = await launchBrowser();
  try {
    const account = await createTestAccount(t, { name: 'Acme Robotics' });
    const origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    const requested: string[] = [];
    const pageErrors: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // Chromium's own favicon request (no page asks for one) is a 404 it logs; page requests are checked below.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        pageErrors.push(message.text());
      }
    });
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
    });

    await browserSignIn(page, origin, account.admin.email);
    await page.goto(`${origin}${PAGE}`);
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByText('No endpoints yet').waitFor();

    // Create, in the dialog: a URL, a description, two events ticked.
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.locator('dialog#create-endpoint');
    await dialog.waitFor({ state: 'visible' });
    const url = receiver.endpoint('/punchclock');
    await page.getByLabel('Endpoint URL').fill(url);
    await page.getByLabel('Description (optional)').fill('Payroll sync');
    await page.getByLabel('Only the events ticked below').check();
    await dialog.getByText('Choose events').click();
    await page.getByLabel('employee.created').check();
    await page.getByLabel('punch.clock_in').check();
    await dialog.getByRole('button', { name: 'Create endpoint' }).click();

    // The secret, once, with a copy button.
    await page.getByRole('heading', { name: 'Endpoint created: its signing secret' }).waitFor();
    const secret = ((await page.locator('#endpoint-secret').textContent()) ?? '').trim();
    assert.match(secret, SECRET);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), secret);
    receiver.endpoint('/punchclock', secret);
    await page.getByText('employee.created, punch.clock_in').waitFor();

    // A test event: queued, then sent by the dispatcher (driven here, as the server's loop would).
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByText('A test event (ping) is queued').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('done'), 'test-sent');
    await t.app.context.webhooks.runOnce();
    assert.equal(receiver.at('/punchclock').length, 1);
    assert.deepEqual(receiver.unverified(), [], 'signed with the secret the page showed');

    await page.reload();
    const delivery = page.locator('table.deliveries > tbody > tr').first();
    assert.match((await delivery.textContent()) ?? '', /ping[\s\S]*succeeded[\s\S]*1/);
    const attempt = page.locator('table.attempts tbody tr').first();
    assert.match((await attempt.textContent()) ?? '', /200[\s\S]*\d+ ms[\s\S]*ok/);
    assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');

    // Rotate: the dialog asks first; the new secret is shown once.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const confirm = page.locator('dialog#rotate-secret');
    await confirm.waitFor({ state: 'visible' });
    await confirm.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('heading', { name: 'Secret rotated: the new signing secret' }).waitFor();
    const rotated = ((await page.locator('#endpoint-secret').textContent()) ?? '').trim();
    assert.match(rotated, SECRET);
    assert.notEqual(rotated, secret);

    // Back on the list: the endpoint, enabled, without any secret.
    await page.getByRole('link', { name: '← Webhooks' }).click();
    await page.getByRole('link', { name: url }).waitFor();
    const listed = (await page.locator('tbody tr').first().textContent()) ?? '';
    assert.match(listed, /Payroll sync[\s\S]*Enabled/);
    assert.ok(!(await page.content()).includes('whsec_'));

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(externalRequests(requested, origin), [], 'the pages need nothing but this server');
  } finally {
    await browser.close();
    await receiver.close();
    await t.close();
  }
});
