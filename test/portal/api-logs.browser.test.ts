/**
 * Issue 6's "Done when" for the API logs, in a real browser: requests made with a key (200s, a 404, a 403 and a burst
 * of 401s) show on the page, newest first, with the chart; the status and path filters change the table (through
 * htmx, the address bar following). Also writes the README's screenshot of the logs page.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAccountWithAdmin } from '../../src/platform/accounts/service.js';
import { createApiKey, revokeApiKey } from '../../src/platform/api-keys/service.js';
import { createTestApp, createTestKey } from '../helpers/app.js';
import {
  browserSignIn,
  externalRequests,
  launchBrowser,
  screenshotPath,
  skipWithoutChromium,
  TEST_PASSWORD,
} from '../helpers/portal.js';

const PAGE = '/portal/developer/api-logs';
const HOUR_MS = 3_600_000;

test('API logs in the browser: see the requests made with a key, filter them by status class and path', {
  skip: skipWithoutChromium,
  timeout: 120_000,
}, async () => {
  const t = await createTestApp('sqlite');
  const browser = await launchBrowser();
  try {
    // A realistic account for the screenshot (createTestAccount's admin emails are unique, not pretty).
    const created = await createAccountWithAdmin(t.app.context, {
      name: 'Acme Robotics',
      plan: 'pro',
      timezone: 'America/New_York',
      adminEmail: 'dana@acme-robotics.example',
      adminPassword: TEST_PASSWORD,
    });
    const full = await createApiKey(t.app.context, created.account.id, {
      name: 'Full access',
      scopes: ['*'],
      createdBy: created.admin.id,
    });
    const account = { ...created, key: full.key, keyId: full.object.id };
    const payroll = await createTestKey(t, account, ['employees:read', 'timecards:read'], {
      name: 'Payroll sync',
    });
    const kiosk = await createTestKey(t, account, ['punches:read', 'punches:write'], {
      name: 'Warehouse kiosk',
    });
    const leaked = await createTestKey(t, account, ['employees:read'], { name: 'Old laptop script' });
    await revokeApiKey(t.app.context, account.account.id, leaked.id, account.admin.id);
    const origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const now = t.clock.now().getTime();

    const send = async (key: string, method: string, path: string, body?: unknown): Promise<number> => {
      const response = await fetch(`${origin}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      await response.arrayBuffer();
      return response.status;
    };

    // A day of traffic for the chart: integrations polling every hour, the odd miss and error along the way.
    for (let hoursAgo = 23; hoursAgo >= 1; hoursAgo--) {
      t.clock.set(new Date(now - hoursAgo * HOUR_MS + 7 * 60_000));
      const busy = hoursAgo >= 6 && hoursAgo <= 14 ? 3 : 1;
      for (let i = 0; i < busy; i++) {
        await send(payroll.key, 'GET', '/v1/employees');
        await send(kiosk.key, 'GET', '/v1/punches');
      }
      if (hoursAgo % 5 === 0)
        await send(payroll.key, 'GET', '/v1/time-cards?employeeId=emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H');
      if (hoursAgo % 7 === 0) await send(kiosk.key, 'GET', '/v1/punches/pun_01JD2X6Y3Z4A5B6C7D8E9F0G1H');
    }
    // The last minutes: successes, a 404, a 403 (a read-only key writing) and a burst of 401s from a revoked key.
    t.clock.set(new Date(now - 20 * 60_000));
    assert.equal(await send(payroll.key, 'GET', '/v1/employees'), 200);
    assert.equal(await send(account.key, 'GET', '/v1/employees/emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H'), 404);
    assert.equal(
      await send(payroll.key, 'POST', '/v1/employees', { firstName: 'Ada', lastName: 'Lovelace' }),
      403,
    );
    assert.equal(
      await send(account.key, 'POST', '/v1/employees', { firstName: 'Ada', lastName: 'Lovelace' }),
      201,
    );
    for (let i = 0; i < 12; i++) {
      t.clock.advance(60_000);
      assert.equal(await send(leaked.key, 'GET', '/v1/employees'), 401);
    }
    t.clock.set(new Date(now));
    assert.equal(await send(kiosk.key, 'GET', '/v1/punches'), 200);
    await t.app.context.requestLog.flush();

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
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
    await page.getByRole('heading', { level: 1, name: 'API logs' }).waitFor();
    const rows = page.locator(`#api-log-results tbody tr`);
    assert.equal(await rows.count(), 50, 'a full first page');
    // Newest first: the kiosk's last poll, then the revoked key's refusals.
    assert.match((await rows.nth(0).textContent()) ?? '', /Warehouse kiosk[\s\S]*\/v1\/punches[\s\S]*200/);
    assert.match((await rows.nth(1).textContent()) ?? '', /Old laptop script[\s\S]*401/);
    await page.getByText('A key may be compromised.').waitFor();
    await page.locator('svg.chart[role="img"]').waitFor();
    assert.ok(
      (await page.locator('svg.chart rect.status-2xx').count()) >= 23,
      'a bar for every hour with traffic',
    );
    assert.equal((await page.locator('svg.chart rect.status-4xx').count()) > 0, true);
    await page.screenshot({ path: screenshotPath('api-logs.png') });

    // Status class 4xx: only refusals and misses remain; the URL follows (htmx pushes it).
    await page.getByLabel('Status', { exact: true }).selectOption('4xx');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === '4xx');
    await page.locator('#api-log-results tbody tr').first().waitFor();
    const statuses = await page.locator('#api-log-results tbody .badge').allTextContents();
    assert.ok(statuses.length >= 15, `${statuses.length} rows`);
    assert.ok(
      statuses.every((status) => /^4\d\d$/.test(status.trim())),
      statuses.join(' '),
    );
    assert.ok(statuses.includes('404') && statuses.includes('403') && statuses.includes('401'));

    // And the path: only the 4xx answers to /v1/employees... paths containing "emp_" (the missing employee).
    await page.getByLabel('Path contains').fill('employees/emp_');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('path') === 'employees/emp_');
    await page.locator('#api-log-results tbody tr').first().waitFor();
    // The second row going away is the swap of the filtered results arriving.
    await page.locator('#api-log-results tbody tr').nth(1).waitFor({ state: 'detached' });
    const only = (await page.locator('#api-log-results tbody tr').first().textContent()) ?? '';
    assert.match(only, /\/v1\/employees\/emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H[\s\S]*404/);

    // The chart range toggle keeps the filters and redraws a week.
    await page.getByRole('link', { name: 'Last 7 days' }).click();
    await page.waitForURL((url) => url.searchParams.get('range') === '7d');
    assert.equal(await page.getByLabel('Path contains').inputValue(), 'employees/emp_');
    assert.match((await page.locator('svg.chart title').first().textContent()) ?? '', /last 7 days/);

    // Reloading the pushed URL renders the same filtered page without htmx.
    await page.reload();
    assert.equal(await page.locator('#api-log-results tbody tr').count(), 1);

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(externalRequests(requested, origin), [], 'the page needs nothing but this server');
  } finally {
    await browser.close();
    await t.close();
  }
});
