import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { createTestApp } from '../helpers/app.js';

const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

test('/docs renders the operations with code samples in curl, Node.js, Python and C#, all from this server', {
  skip: existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (apt-get install chromium)`,
  timeout: 120_000,
}, async () => {
  const t = await createTestApp('sqlite');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  try {
    const origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const page = await browser.newPage();
    const requested: string[] = [];
    const pageErrors: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${origin}/docs/`);
    const listEmployees = page.getByText('List employees').first();
    await listEmployees.waitFor({ timeout: 30_000 });
    // Operations render lazily; opening one from the sidebar renders its request example.
    await listEmployees.click();

    const requestCard = page
      .locator('.request-card')
      .filter({ has: page.locator('.request-method', { hasText: /get/i }) })
      .filter({ has: page.locator('.operation-path', { hasText: /^\/v1\/employees$/ }) })
      .first();
    await requestCard.waitFor({ timeout: 30_000 });
    assert.match((await requestCard.locator('code').first().textContent()) ?? '', /^curl -X GET/);

    await requestCard.locator('[data-testid=client-picker]').click();
    const options = page.getByRole('option');
    await options.first().waitFor();
    const labels = (await options.allTextContents()).map((label) => label.trim());
    assert.deepEqual(labels, ['curl', 'Node.js', 'Python', 'C#']);

    await page.getByRole('option', { name: 'C#' }).click();
    await requestCard.locator('code', { hasText: 'new HttpClient()' }).waitFor({ timeout: 10_000 });

    assert.deepEqual(pageErrors, []);
    const external = requested.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url));
    assert.deepEqual(external, [], 'the docs page fetched nothing from another host');
    assert.ok(requested.includes(`${origin}/docs/js/scalar.js`));
    assert.ok(requested.includes(`${origin}/openapi.json`));
  } finally {
    await browser.close();
    await t.close();
  }
});
