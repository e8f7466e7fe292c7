/**
 * Issue 13 in a real browser, on two server processes sharing PostgreSQL and Redis (started as `npm start` starts
 * them): an administrator invites a manager on process A; the manager sets a password through the link, sees the
 * team, approves a card and is refused the keys page; the administrator deactivates a key owner and the key answers
 * 401 on process B within a second, then reassigns the owner's keys and the key works on B again within a second.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createAccountWithAdmin } from '../../src/platform/accounts/service.js';
import { createApiKey } from '../../src/platform/api-keys/service.js';
import { inviteUser, OPERATOR } from '../../src/platform/users/service.js';
import { systemClock } from '../../src/shared/clock.js';
import { serviceContext } from '../helpers/app.js';
import {
  browserSignIn,
  externalRequests,
  launchBrowser,
  skipWithoutChromium,
  TEST_PASSWORD,
  watchPage,
} from '../helpers/portal.js';
import {
  buildServer,
  type ServerProcess,
  serverProcessEnv,
  startServerProcess,
  stopServerProcess,
} from '../helpers/server-process.js';
import { apiRequest, createSharedSchema, type SharedSchema } from '../helpers/shared-schema.js';

const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const skip =
  skipWithoutChromium || ((!databaseUrl || !redisUrl) && 'needs TEST_DATABASE_URL and TEST_REDIS_URL');

/** How long a change of a key owner's standing may take to reach another process (the bound). */
const PROPAGATION_MS = 1_000;

let schema: SharedSchema | undefined;
const servers: ServerProcess[] = [];
const seeded = { adminEmail: '', ownerId: '', ownerKey: '', fullKey: '', employeeName: 'Maria Lopez' };

/** Polls `GET /v1/api-key` on `origin` until `accept` holds; resolves with the milliseconds it took (or fails). */
async function until(
  origin: string,
  key: string,
  accept: (answer: { status: number; code: unknown }) => boolean,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    const answer = await apiRequest<{ error?: { code?: unknown } }>(origin, key, 'GET', '/v1/api-key');
    const code = answer.body.error?.code;
    if (accept({ status: answer.status, code })) return performance.now() - started;
    if (performance.now() - started > 5 * PROPAGATION_MS) {
      assert.fail(`no change after ${5 * PROPAGATION_MS} ms: ${answer.status} ${String(code)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

before(async () => {
  if (skip) return;
  buildServer();
  schema = await createSharedSchema(databaseUrl as string);
  const database = schema.database;
  const ctx = { ...serviceContext(database, systemClock), config: loadConfig({}) };
  const { account, admin } = await createAccountWithAdmin(ctx, {
    name: 'Acme Robotics',
    plan: 'pro',
    adminEmail: `admin-${schema.name}@test.punchclock.test`,
    adminPassword: TEST_PASSWORD,
  });
  seeded.adminEmail = admin.email;
  seeded.fullKey = (
    await createApiKey(ctx, account.id, { name: 'Setup', scopes: ['*'], createdBy: admin.id })
  ).key;
  // A second administrator who owns the key an integration runs on.
  const owner = await inviteUser(
    ctx,
    account.id,
    {
      email: `owner-${schema.name}@test.punchclock.test`,
      name: 'Olivia Owner',
      role: 'administrator',
      credential: { kind: 'password', password: TEST_PASSWORD },
    },
    OPERATOR,
  );
  seeded.ownerId = owner.user.id;
  seeded.ownerKey = (
    await createApiKey(ctx, account.id, { name: 'Payroll sync', scopes: ['*'], createdBy: owner.user.id })
  ).key;

  const env = serverProcessEnv({ DATABASE_URL: schema.url, REDIS_URL: redisUrl });
  servers.push(await startServerProcess(env));
  servers.push(await startServerProcess(env));
});

after(async () => {
  if (skip) return;
  await Promise.all(servers.map((server) => stopServerProcess(server)));
  await schema?.drop();
});

test('invite a manager who approves a card; a key owner deactivated and reassigned, seen on a second process', {
  skip,
  timeout: 180_000,
}, async (t) => {
  const [a, b] = servers;
  assert.ok(a && b);
  const location = await apiRequest(a.url, seeded.fullKey, 'POST', '/v1/locations', {
    name: 'Union Station',
  });
  const employee = await apiRequest(a.url, seeded.fullKey, 'POST', '/v1/employees', {
    firstName: 'Maria',
    lastName: 'Lopez',
    locationIds: [location.body.id],
  });
  assert.equal(employee.status, 201);
  await apiRequest(a.url, seeded.fullKey, 'POST', '/v1/employees', {
    firstName: 'James',
    lastName: 'Okafor',
  });
  const clockIn = await apiRequest(a.url, seeded.fullKey, 'POST', '/v1/punches', {
    employeeId: employee.body.id,
    type: 'in',
    at: new Date(Date.now() - 3 * 3600_000).toISOString(),
  });
  assert.equal(clockIn.status, 201, JSON.stringify(clockIn.body));
  await apiRequest(a.url, seeded.fullKey, 'POST', '/v1/punches', {
    employeeId: employee.body.id,
    type: 'out',
  });

  const browser = await launchBrowser();
  try {
    // The administrator invites a manager of Union Station on process A.
    const adminPage = await browser.newPage();
    const adminSeen = watchPage(adminPage);
    await browserSignIn(adminPage, a.url, seeded.adminEmail);
    await adminPage.getByRole('link', { name: 'Users' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await adminPage.getByRole('button', { name: '+ Invite user' }).click();
    const invite = adminPage.locator('dialog#invite-user');
    await invite.getByLabel('Name').fill('Grace Manager');
    await invite.getByLabel('Email').fill(`grace-${schema?.name}@test.punchclock.test`);
    await invite.getByLabel('Role').selectOption('manager');
    await invite.getByLabel('Union Station').check();
    await invite.getByRole('button', { name: 'Invite user' }).click();
    const revealed = adminPage.locator('dialog#user-revealed');
    await revealed.waitFor({ state: 'visible' });
    const link = (await revealed.locator('#revealed-secret').textContent())?.trim() ?? '';
    assert.match(link, /\/portal\/set-password\?token=/);
    await revealed.getByRole('button', { name: 'Done' }).click();

    // The manager opens the link (on the server that made it), chooses a password and is signed in.
    const managerContext = await browser.newContext();
    const managerPage = await managerContext.newPage();
    const managerSeen = watchPage(managerPage);
    const invitation = new URL(link);
    await managerPage.goto(`${a.url}${invitation.pathname}${invitation.search}`);
    await managerPage.getByRole('heading', { name: 'Welcome to Punchclock' }).waitFor();
    await managerPage.getByLabel('New password').fill('grace picks this one');
    await managerPage.getByLabel('Repeat it').fill('grace picks this one');
    await managerPage.getByRole('button', { name: 'Set password and sign in' }).click();
    await managerPage.getByRole('heading', { level: 1, name: 'Team' }).waitFor();

    // She sees the team of her location and approves Maria's card.
    await managerPage.getByRole('link', { name: seeded.employeeName }).click();
    await managerPage.getByRole('heading', { level: 1, name: seeded.employeeName }).waitFor();
    await managerPage.getByRole('button', { name: 'Approve' }).click();
    await managerPage.getByText('Approved', { exact: true }).first().waitFor();
    const cards = await apiRequest(
      b.url,
      seeded.fullKey,
      'GET',
      `/v1/time-cards?employeeId=${employee.body.id}`,
    );
    const [card] = cards.body.data as { approved: boolean; approvedBy: string | null }[];
    assert.equal(card?.approved, true);
    assert.match(card?.approvedBy ?? '', /^usr_/);

    // Keys are not hers to see.
    const refused = await managerPage.goto(`${a.url}/portal/developer/api-keys`);
    assert.equal(refused?.status(), 403);
    assert.equal(await managerPage.getByRole('link', { name: 'API keys' }).count(), 0);

    // The owner's key works on process B (and B has it cached) before the change.
    assert.equal((await apiRequest(b.url, seeded.ownerKey, 'GET', '/v1/api-key')).status, 200);

    // The administrator deactivates the owner on A, leaving the keys: on B the key stops within a second.
    await adminPage.goto(`${a.url}/portal/team/users`);
    await adminPage.getByRole('button', { name: 'Deactivate Olivia Owner' }).click();
    const deactivate = adminPage.locator(`dialog#deactivate-${seeded.ownerId}`);
    await deactivate.getByLabel('Leave them (they stop working until reassigned)').check();
    await deactivate.getByRole('button', { name: 'Deactivate' }).click();
    await adminPage.getByText('The user was deactivated').waitFor();
    const stopped = await until(
      b.url,
      seeded.ownerKey,
      (answer) => answer.status === 401 && answer.code === 'api_key_owner_inactive',
    );
    t.diagnostic(`deactivation reached process B in ${stopped.toFixed(0)} ms`);
    assert.ok(stopped <= PROPAGATION_MS, `the key stopped on B after ${stopped.toFixed(0)} ms`);

    // The keys page says why.
    await adminPage.goto(`${a.url}/portal/developer/api-keys`);
    await adminPage.getByText('Owner inactive').first().waitFor();

    // Reassigned to the first administrator: the key works on B again within a second.
    await adminPage.goto(`${a.url}/portal/team/users`);
    await adminPage.getByRole('button', { name: 'Keys Olivia Owner' }).click();
    const keys = adminPage.locator(`dialog#keys-${seeded.ownerId}`);
    await keys.getByLabel('Reassign them to').check();
    await keys.getByRole('button', { name: 'Apply' }).click();
    await adminPage.getByText('Their API keys were reassigned or revoked.').waitFor();
    const restored = await until(b.url, seeded.ownerKey, (answer) => answer.status === 200);
    t.diagnostic(`reassignment reached process B in ${restored.toFixed(0)} ms`);
    assert.ok(restored <= PROPAGATION_MS, `the key worked again on B after ${restored.toFixed(0)} ms`);

    await managerContext.close();
    assert.deepEqual(adminSeen.errors, []);
    assert.deepEqual(managerSeen.errors, []);
    assert.deepEqual(externalRequests(adminSeen.requested, a.url), []);
    assert.deepEqual(externalRequests(managerSeen.requested, a.url), []);
  } finally {
    await browser.close();
  }
});
