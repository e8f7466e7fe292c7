/**
 * Portal test helpers: signing in through the real sign-in form (app.inject), requests with the session cookie and
 * CSRF token, and a real browser (playwright-core driving Debian's Chromium) for the browser tests.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HTTPMethods, LightMyRequestResponse } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { hashPassword } from '../../src/platform/accounts/passwords.js';
import { insertUser } from '../../src/platform/users/repository.js';
import { USERS } from '../../src/platform/users/resource.js';
import { newId } from '../../src/shared/ids.js';
import type { TestApp } from './app.js';

export const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** For `test(..., { skip: skipWithoutChromium })`: browser tests run wherever Chromium is installed (CI installs it). */
export const skipWithoutChromium: string | false = existsSync(CHROMIUM)
  ? false
  : `needs Chromium at ${CHROMIUM} (apt-get install chromium)`;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
}

/** The test passwords of createTestAccount's administrators. */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface PortalSignIn {
  /** The Cookie header value carrying the session. */
  readonly cookie: string;
  /** The session's CSRF token, as the pages embed it. */
  readonly csrf: string;
}

/** Signs in through the sign-in form, as a browser would; fails the test if sign-in fails. */
export async function signIn(t: TestApp, email: string, password = TEST_PASSWORD): Promise<PortalSignIn> {
  const form = await t.app.inject({ method: 'GET', url: '/portal/login' });
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  const formCookie = form.cookies.find((c) => c.name === 'pc_sign_in')?.value;
  assert.ok(token && formCookie, 'the sign-in form carries its token');
  const response = await t.app.inject({
    method: 'POST',
    url: '/portal/login',
    headers: { cookie: `pc_sign_in=${formCookie}` },
    payload: { email, password, _csrf: token },
  });
  assert.equal(response.statusCode, 303, response.body);
  const session = response.cookies.find((c) => c.name === 'pc_session')?.value;
  assert.ok(session, 'a session cookie');
  const cookie = `pc_session=${session}`;
  const page = await t.app.inject({ method: 'GET', url: '/portal/team', headers: { cookie } });
  const csrf = /"X-CSRF-Token":"([^"]+)"|X-CSRF-Token&#34;:&#34;([^&]+)&#34;/.exec(page.body);
  const csrfToken = csrf?.[1] ?? csrf?.[2];
  assert.ok(csrfToken, 'pages embed the CSRF token');
  return { cookie, csrf: csrfToken };
}

/** A portal request with the session; state-changing ones send the CSRF token as a form field. */
export function portalRequest(
  t: TestApp,
  session: PortalSignIn,
  method: HTTPMethods,
  url: string,
  form?: Record<string, string | string[]>,
  options: { csrf?: boolean } = {},
): Promise<LightMyRequestResponse> {
  const withCsrf = options.csrf ?? true;
  const payload =
    method === 'GET'
      ? undefined
      : new URLSearchParams(flatten({ ...(withCsrf ? { _csrf: session.csrf } : {}), ...form }));
  return t.app.inject({
    method,
    url,
    headers: {
      cookie: session.cookie,
      ...(payload ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(payload ? { payload: payload.toString() } : {}),
  });
}

function flatten(form: Record<string, string | string[]>): [string, string][] {
  return Object.entries(form).flatMap(([name, value]) =>
    Array.isArray(value) ? value.map((v): [string, string] => [name, v]) : [[name, value]],
  );
}

/** Signs in through the browser's sign-in page. */
export async function browserSignIn(
  page: Page,
  origin: string,
  email: string,
  password = TEST_PASSWORD,
): Promise<void> {
  await page.goto(`${origin}/portal/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
}

/**
 * What a browser page requested and every script error it raised, to assert on at the end (no page errors, no
 * external requests). A page answered with a form's message or a refusal (400, 403, 404, 409), which the browser
 * logs, is a test's point, not a script error.
 */
export function watchPage(page: Page): { requested: string[]; errors: string[] } {
  const seen = { requested: [] as string[], errors: [] as string[] };
  page.on('request', (request) => seen.requested.push(request.url()));
  page.on('pageerror', (error) => seen.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource.*\b4(00|03|04|09)\b/.test(message.text())) {
      seen.errors.push(message.text());
    }
  });
  return seen;
}

/** Requests a page made to anything but the test server (the portal must need no other host). */
export function externalRequests(requested: readonly string[], origin: string): string[] {
  return requested.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url));
}

/** A user of the account who can sign in to the portal with TEST_PASSWORD (e.g. a manager, to be refused pages). */
export async function addPortalUser(
  t: TestApp,
  accountId: string,
  role: 'administrator' | 'manager' | 'employee',
): Promise<{ id: string; email: string }> {
  const now = t.clock.now().toISOString();
  const id = newId(USERS);
  const email = `${role}.${id.toLowerCase()}@test.punchclock.test`;
  await insertUser(t.db.db, {
    id,
    account_id: accountId,
    email,
    name: `Test ${role}`,
    password_hash: await hashPassword(TEST_PASSWORD),
    role,
    active: 1,
    created_at: now,
    updated_at: now,
  });
  return { id, email };
}

/**
 * Where a browser test writes its screenshot: docs/screenshots/ when refreshing them (`npm run screenshots`), else a
 * temporary folder — so `npm test` still takes every screenshot but leaves the committed ones untouched.
 */
export function screenshotPath(name: string): string {
  const folder = process.env.PUNCHCLOCK_UPDATE_SCREENSHOTS
    ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
    : join(tmpdir(), 'punchclock-screenshots');
  mkdirSync(folder, { recursive: true });
  return join(folder, name);
}
