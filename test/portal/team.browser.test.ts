/**
 * Settings and Team in a real browser: an administrator edits the account, upgrades the API version through its
 * dialog, changes the pay schedule, filters the team with htmx and opens a time card; a manager sees the team but
 * gets the 403 page on Settings, and approves, unapproves (with a reason, through its dialog) and re-approves a time
 * card. No page error, no request beyond the server. Also writes the README's screenshot of an approved time card.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findAccount, updateAccount } from '../../src/platform/accounts/repository.js';
import { createApiKey } from '../../src/platform/api-keys/service.js';
import { deactivateUser, OPERATOR, updateUser } from '../../src/platform/users/service.js';
import { LATEST_API_VERSION } from '../../src/platform/versioning/versions.js';
import { getPaySchedule } from '../../src/resources/pay-schedule/service.js';
import { type ApiResponse, call, createTestAccount, createTestApp } from '../helpers/app.js';
import {
  addPortalUser,
  browserSignIn,
  externalRequests,
  launchBrowser,
  screenshotPath,
  skipWithoutChromium,
  watchPage,
} from '../helpers/portal.js';

test('Settings and Team in the browser; a manager sees Team but not Settings', {
  skip: skipWithoutChromium,
  timeout: 120_000,
}, async () => {
  const t = await createTestApp('sqlite');
  const browser = await launchBrowser();
  try {
    const account = await createTestAccount(t, { name: 'Acme Robotics' });
    const manager = await addPortalUser(t, account.account.id, 'manager');
    const employees: { id: string }[] = [];
    for (const [firstName, lastName] of [
      ['Maria', 'Lopez'],
      ['James', 'Okafor'],
      ['Aiko', 'Tanaka'],
    ] as const) {
      const created = await call<{ id: string }>(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName, lastName },
      });
      employees.push(created.body);
    }
    const [maria] = employees;
    assert.ok(maria);
    // Maria's week in Los Angeles (PDT), 08:00–16:30 with a 30-minute break, and a long Thursday.
    for (const [day, end] of [
      ['26', '23:30'],
      ['27', '23:30'],
      ['28', '23:30'],
      ['29', '26:00'],
      ['30', '23:30'],
    ] as const) {
      const [hours, minutes] = end.split(':').map(Number) as [number, number];
      const endAt = new Date(Date.UTC(2026, 9, Number(day), hours, minutes)).toISOString();
      const created: ApiResponse = await call(t, 'POST', '/v1/time-entries', {
        key: account.key,
        body: { employeeId: maria.id, start: `2026-10-${day}T15:00:00Z`, end: endAt, breakSeconds: 1800 },
      });
      assert.equal(created.status, 201, created.raw);
    }
    await call(t, 'POST', '/v1/punches', { key: account.key, body: { employeeId: maria.id, type: 'in' } });
    await updateAccount(t.db.db, account.account.id, {
      api_version: '2025-03-01',
      updated_at: t.clock.now().toISOString(),
    });
    const origin = await t.app.listen({ host: '127.0.0.1', port: 0 });

    const page = await browser.newPage();
    const seen = watchPage(page);
    await browserSignIn(page, origin, account.admin.email);

    // Settings: account name and a refused time zone.
    await page.goto(`${origin}/portal/settings`);
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByLabel('Account name').fill('Acme Robotics West');
    await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save account' }).click();
    await page.getByText('is not an IANA time zone').waitFor();
    await page.getByLabel('Time zone').fill('America/Los_Angeles');
    await page.getByRole('button', { name: 'Save account' }).click();
    await page.getByText('Account details saved.').waitFor();
    const row = await findAccount(t.db.db, account.account.id);
    assert.equal(row?.name, 'Acme Robotics West');
    assert.equal(row?.timezone, 'America/Los_Angeles');

    // API version: the dialog shows what changes; Cancel closes it, Upgrade applies.
    const upgrade = page.getByRole('button', { name: `Upgrade to ${LATEST_API_VERSION}` });
    await upgrade.first().click();
    const dialog = page.locator('dialog#upgrade-api-version');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByText('include=totalCount').first().waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await upgrade.first().click();
    await dialog.getByRole('button', { name: `Upgrade to ${LATEST_API_VERSION}` }).click();
    await page.getByText(`The account now uses API version ${LATEST_API_VERSION}.`).waitFor();
    assert.equal((await findAccount(t.db.db, account.account.id))?.api_version, LATEST_API_VERSION);

    // Pay schedule: a custom rule with a daily threshold, and rounding to the nearest quarter hour with a grace.
    await page.getByLabel('Pay frequency').selectOption('weekly');
    await page.getByLabel('Anchor date').fill('2026-11-02');
    await page.getByLabel('Overtime rule').selectOption('custom');
    await page.getByLabel('Daily overtime (1.5×) after').fill('9');
    await page.locator('#schedule-clockIn-mode').selectOption('nearest');
    await page.locator('#schedule-clockIn-minutes').selectOption('15');
    await page.locator('#schedule-clockOut-mode').selectOption('nearest');
    await page.locator('#schedule-clockOut-minutes').selectOption('15');
    await page.getByLabel('Grace before a shift starts (minutes)').fill('7');
    await page.getByRole('button', { name: 'Save pay schedule' }).click();
    await page.getByText('Pay schedule and overtime rule saved.').waitFor();
    const schedule = await getPaySchedule(t.app.context, account.account.id);
    assert.equal(schedule.frequency, 'weekly');
    assert.equal(schedule.overtimeRule.dailyOvertimeAfterHours, 9);
    assert.deepEqual(schedule.rounding.clockIn, { mode: 'nearest', minutes: 15 });
    assert.equal(schedule.rounding.shiftGrace.beforeStartMinutes, 7);
    await page.locator('section[aria-labelledby="pay-schedule-heading"]').screenshot({
      path: screenshotPath('settings-rounding.png'),
    });

    // Team → Users: a manager of one location, and an administrator deactivated with the key they own left alone.
    const owner = await addPortalUser(t, account.account.id, 'administrator');
    await createApiKey(t.app.context, account.account.id, {
      name: 'Payroll sync',
      scopes: ['*'],
      createdBy: owner.id,
    });
    const station = await call<{ id: string }>(t, 'POST', '/v1/locations', {
      key: account.key,
      body: { name: 'Union Station' },
    });
    await call(t, 'PATCH', `/v1/employees/${maria.id}`, {
      key: account.key,
      body: { locationIds: [station.body.id] },
    });
    await updateUser(
      t.app.context,
      account.account.id,
      manager.id,
      { name: 'Grace Manager', managedLocationIds: [station.body.id] },
      OPERATOR,
    );
    await updateUser(t.app.context, account.account.id, owner.id, { name: 'Olivia Owner' }, OPERATOR);
    await deactivateUser(t.app.context, account.account.id, owner.id, {}, OPERATOR);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByText('Not working').waitFor();
    await page.screenshot({ path: screenshotPath('users.png'), fullPage: true });

    // Team: htmx filters swap the results; a name opens the time card.
    await page.getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
    const rows = page.locator('#team-results tbody tr');
    assert.equal(await rows.count(), 3);
    await page.getByLabel('Search').fill('okaf');
    await page.getByText('1 employee matches.').waitFor();
    assert.equal(await rows.count(), 1);
    assert.match(page.url(), /search=okaf/);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Clock status').selectOption('true');
    await page.getByText('1 employee matches.').waitFor();
    await rows.first().getByRole('link', { name: 'Maria Lopez' }).click();
    await page.getByRole('heading', { level: 1, name: 'Maria Lopez' }).waitFor();
    await page.getByText('Time card for the current pay period').waitFor();
    await page.getByText('Clocked in').first().waitFor();

    // A manager: Team yes, Settings no.
    const managerContext = await browser.newContext();
    const managerPage = await managerContext.newPage();
    const managerSeen = watchPage(managerPage);
    await browserSignIn(managerPage, origin, manager.email);
    await managerPage.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
    assert.match(managerPage.url(), /\/portal\/team$/);
    assert.equal(await managerPage.getByRole('link', { name: 'Settings' }).count(), 0);
    const refused = await managerPage.goto(`${origin}/portal/settings`);
    assert.equal(refused?.status(), 403);
    await managerPage.getByRole('heading', { level: 1, name: 'Not available to you' }).waitFor();

    // The manager approves Maria's card, unapproves it through its dialog with a reason, and approves it again.
    // While Maria is on the clock her card cannot be approved: the page says why.
    await managerPage.goto(`${origin}/portal/team/${maria.id}`);
    await managerPage.getByRole('button', { name: 'Approve time card' }).click();
    await managerPage.getByText(/is still open \(on the clock since/).waitFor();
    await call(t, 'POST', '/v1/punches', { key: account.key, body: { employeeId: maria.id, type: 'out' } });
    await managerPage.goto(`${origin}/portal/team/${maria.id}`);
    await managerPage.getByRole('button', { name: 'Approve time card' }).click();
    await managerPage.getByText('The time card is approved').waitFor();
    await managerPage.getByRole('button', { name: 'Unapprove' }).click();
    const unapprove = managerPage.locator('dialog#unapprove-card');
    await unapprove.waitFor({ state: 'visible' });
    await unapprove.getByLabel('Reason (optional)').fill('Thursday’s overtime needs a second look.');
    await unapprove.getByRole('button', { name: 'Unapprove' }).click();
    await managerPage.getByText('The time card is unapproved').waitFor();
    await managerPage.getByText('Reason: Thursday’s overtime needs a second look.').waitFor();
    await managerPage.getByRole('button', { name: 'Approve time card' }).click();
    await managerPage.getByText('The time card is approved').waitFor();
    await managerPage
      .getByText(/by Grace Manager/)
      .first()
      .waitFor();
    const cards = await call<{ data: { approvedBy: string; unapprovalReason: string }[] }>(
      t,
      'GET',
      `/v1/time-cards?employeeId=${maria.id}`,
      { key: account.key },
    );
    assert.deepEqual(
      [cards.body.data[0]?.approvedBy, cards.body.data[0]?.unapprovalReason],
      [manager.id, 'Thursday’s overtime needs a second look.'],
    );
    await managerPage.screenshot({ path: screenshotPath('team-time-card.png'), fullPage: true });
    await managerContext.close();

    assert.deepEqual(seen.errors, []);
    assert.deepEqual(managerSeen.errors, []);
    assert.deepEqual(externalRequests(seen.requested, origin), []);
    assert.deepEqual(externalRequests(managerSeen.requested, origin), []);
  } finally {
    await browser.close();
    await t.close();
  }
});
