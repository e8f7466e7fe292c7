/**
 * The portal foundation (issue 6): sign-in and sign-out, session cookies and expiry, CSRF, failed sign-ins limited,
 * error pages in HTML, security headers, landing pages by role, assets served by this server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DEFAULT_RATE_LIMIT_POLICY } from '../../src/platform/rate-limit/limiter.js';
import { updateUser } from '../../src/platform/users/repository.js';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../../src/portal/session/service.js';
import { createTestAccount, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { addPortalUser, portalRequest, signIn, TEST_PASSWORD } from '../helpers/portal.js';
import { withTestApp } from '../helpers/security-suite.js';

const GENERIC_FAILURE = 'That email and password do not match an active user.';
const MINUTE = 60_000;

interface SignInForm {
  readonly token: string;
  readonly cookie: string;
  readonly response: LightMyRequestResponse;
}

async function signInForm(t: TestApp): Promise<SignInForm> {
  const response = await t.app.inject({ method: 'GET', url: '/portal/login' });
  const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
  const cookie = response.cookies.find((c) => c.name === 'pc_sign_in')?.value;
  assert.ok(token && cookie);
  return { token, cookie, response };
}

/** Posts the sign-in form as a browser would: with the form's token and cookie unless told otherwise. */
async function postSignIn(
  t: TestApp,
  email: string,
  password: string,
  options: { token?: string | null; ip?: string } = {},
): Promise<LightMyRequestResponse> {
  const form = await signInForm(t);
  const token = options.token === undefined ? form.token : options.token;
  return t.app.inject({
    method: 'POST',
    url: '/portal/login',
    remoteAddress: options.ip ?? '127.0.0.1',
    headers: { cookie: `pc_sign_in=${form.cookie}` },
    payload: { email, password, ...(token === null ? {} : { _csrf: token }) },
  });
}

function sessionCookie(response: LightMyRequestResponse) {
  return response.cookies.find((c) => c.name === 'pc_session');
}

function assertSecurityHeaders(response: LightMyRequestResponse, what: string): void {
  const csp = String(response.headers['content-security-policy'] ?? '');
  assert.match(csp, /default-src 'self'/, what);
  assert.match(csp, /script-src 'self'/, what);
  assert.match(csp, /frame-ancestors 'none'/, what);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, what);
  assert.equal(response.headers['x-frame-options'], 'DENY', what);
  assert.equal(response.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(response.headers['access-control-allow-origin'], undefined, what);
}

for (const dialect of DIALECTS) {
  describe(`portal sign-in and sessions (${dialect})`, () => {
    test('the sign-in page renders with labelled fields and a form token', async () => {
      await withTestApp(dialect, async (t) => {
        const { response } = await signInForm(t);
        assert.equal(response.statusCode, 200);
        assert.match(String(response.headers['content-type']), /text\/html/);
        assert.equal(response.headers['cache-control'], 'no-store');
        assert.match(response.body, /<h1>Sign in<\/h1>/);
        assert.match(response.body, /<label for="email">Email<\/label>/);
        assert.match(response.body, /<label for="password">Password<\/label>/);
        assert.match(response.body, /<button type="submit">Sign in<\/button>/);
        const formCookie = response.cookies.find((c) => c.name === 'pc_sign_in');
        assert.equal(formCookie?.httpOnly, true);
        assert.equal(formCookie?.sameSite, 'Lax');
        assert.equal(formCookie?.path, '/portal/login');
        assertSecurityHeaders(response, 'sign-in page');
      });
    });

    test('good credentials: 303 and an HttpOnly, SameSite=Lax session cookie for /portal', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const response = await postSignIn(t, account.admin.email, TEST_PASSWORD);
        assert.equal(response.statusCode, 303);
        assert.equal(response.headers.location, '/portal');
        const cookie = sessionCookie(response);
        assert.ok(cookie?.value);
        assert.equal(cookie.httpOnly, true);
        assert.equal(cookie.sameSite, 'Lax');
        assert.equal(cookie.path, '/portal');
        // Served over http (the default public URL): a Secure cookie would never come back.
        assert.notEqual(cookie.secure, true);
        // The email is matched whatever its case.
        const upper = await postSignIn(t, account.admin.email.toUpperCase(), TEST_PASSWORD);
        assert.equal(upper.statusCode, 303);
      });
    });

    test('the session cookie is Secure when PUNCHCLOCK_PUBLIC_URL is https', async () => {
      await withTestApp(
        dialect,
        async (t) => {
          const account = await createTestAccount(t);
          const response = await postSignIn(t, account.admin.email, TEST_PASSWORD);
          assert.equal(response.statusCode, 303);
          assert.equal(sessionCookie(response)?.secure, true);
        },
        { env: { PUNCHCLOCK_PUBLIC_URL: 'https://punchclock.example.com' } },
      );
    });

    test('a wrong password, an unknown email and an inactive user get the same generic 401', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const inactive = await addPortalUser(t, account.account.id, 'manager');
        await updateUser(t.db.db, account.account.id, inactive.id, {
          active: 0,
          updated_at: t.clock.now().toISOString(),
        });
        const attempts: [string, string][] = [
          [account.admin.email, 'not the password'],
          ['nobody@test.punchclock.test', TEST_PASSWORD],
          [inactive.email, TEST_PASSWORD],
          [account.admin.email, ''],
        ];
        const bodies: string[] = [];
        for (const [email, password] of attempts) {
          const response = await postSignIn(t, email, password);
          assert.equal(response.statusCode, 401, email);
          assert.equal(sessionCookie(response), undefined);
          assert.ok(response.body.includes(GENERIC_FAILURE), email);
          // Only the form token and the echoed email differ between the answers.
          bodies.push(
            response.body
              .replace(/name="_csrf" value="[^"]+"/, '')
              .replace(/name="email" type="email" autocomplete="username" required value="[^"]*"/, ''),
          );
        }
        assert.equal(new Set(bodies).size, 1);
      });
    });

    test('the sign-in form’s token is required', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        for (const token of [null, 'forged-token']) {
          const response = await postSignIn(t, account.admin.email, TEST_PASSWORD, { token });
          assert.equal(response.statusCode, 403, String(token));
          assert.match(String(response.headers['content-type']), /text\/html/);
          assert.match(response.body, /sign-in form expired or did not come from this site/);
          assert.equal(sessionCookie(response), undefined);
        }
        // Without the form's cookie, its token alone does not do either.
        const form = await signInForm(t);
        const noCookie = await t.app.inject({
          method: 'POST',
          url: '/portal/login',
          payload: { email: account.admin.email, password: TEST_PASSWORD, _csrf: form.token },
        });
        assert.equal(noCookie.statusCode, 403);
      });
    });

    test('failed sign-ins are limited per email (429 with Retry-After), even for the right password', async () => {
      await withTestApp(
        dialect,
        async (t) => {
          const account = await createTestAccount(t);
          const other = await addPortalUser(t, account.account.id, 'manager');
          for (let attempt = 1; attempt <= 3; attempt++) {
            const response = await postSignIn(t, account.admin.email, 'wrong password', {
              ip: `10.0.0.${attempt}`,
            });
            assert.equal(response.statusCode, 401, `attempt ${attempt}`);
          }
          const limited = await postSignIn(t, account.admin.email, TEST_PASSWORD, { ip: '10.0.0.9' });
          assert.equal(limited.statusCode, 429);
          assert.ok(Number(limited.headers['retry-after']) > 0);
          assert.match(limited.body, /Too many failed sign-ins/);
          assert.equal(sessionCookie(limited), undefined);
          // Another email is not affected…
          assert.equal((await postSignIn(t, other.email, TEST_PASSWORD, { ip: '10.0.0.9' })).statusCode, 303);
          // …and the failures age out: the sliding window still weighs the previous 15 minutes, so two windows on.
          t.clock.advance(31 * MINUTE);
          assert.equal((await postSignIn(t, account.admin.email, TEST_PASSWORD)).statusCode, 303);
        },
        {
          rateLimitPolicy: {
            ...DEFAULT_RATE_LIMIT_POLICY,
            signInFailuresPerEmail: 3,
            signInFailuresPerIp: 100,
          },
        },
      );
    });

    test('failed sign-ins are limited per address too', async () => {
      await withTestApp(
        dialect,
        async (t) => {
          const account = await createTestAccount(t);
          for (let attempt = 1; attempt <= 2; attempt++) {
            const response = await postSignIn(t, `guess${attempt}@test.punchclock.test`, 'x', {
              ip: '10.1.1.1',
            });
            assert.equal(response.statusCode, 401);
          }
          const limited = await postSignIn(t, account.admin.email, TEST_PASSWORD, { ip: '10.1.1.1' });
          assert.equal(limited.statusCode, 429);
          assert.equal(
            (await postSignIn(t, account.admin.email, TEST_PASSWORD, { ip: '10.1.1.2' })).statusCode,
            303,
          );
        },
        {
          rateLimitPolicy: {
            ...DEFAULT_RATE_LIMIT_POLICY,
            signInFailuresPerEmail: 100,
            signInFailuresPerIp: 2,
          },
        },
      );
    });

    test('a session ends after the idle limit', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const session = await signIn(t, account.admin.email);
        t.clock.advance(SESSION_IDLE_MS - MINUTE);
        assert.equal((await portalRequest(t, session, 'GET', '/portal/team')).statusCode, 200);
        // That request extended it: another almost-idle-limit later it still lives.
        t.clock.advance(SESSION_IDLE_MS - MINUTE);
        assert.equal((await portalRequest(t, session, 'GET', '/portal/team')).statusCode, 200);
        t.clock.advance(SESSION_IDLE_MS + MINUTE);
        const expired = await portalRequest(t, session, 'GET', '/portal/team');
        assert.equal(expired.statusCode, 303);
        assert.equal(expired.headers.location, '/portal/login');
        // htmx is told where to go instead of swapping a redirect into the page.
        const htmx = await t.app.inject({
          method: 'GET',
          url: '/portal/team',
          headers: { cookie: session.cookie, 'hx-request': 'true' },
        });
        assert.equal(htmx.statusCode, 401);
        assert.equal(htmx.headers['hx-redirect'], '/portal/login');
      });
    });

    test('a session ends after the absolute limit, however active', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const session = await signIn(t, account.admin.email);
        let elapsed = 0;
        while (elapsed + 60 * MINUTE < SESSION_MAX_MS) {
          t.clock.advance(60 * MINUTE);
          elapsed += 60 * MINUTE;
          assert.equal(
            (await portalRequest(t, session, 'GET', '/portal/team')).statusCode,
            200,
            `${elapsed}`,
          );
        }
        t.clock.advance(SESSION_MAX_MS - elapsed + MINUTE);
        const expired = await portalRequest(t, session, 'GET', '/portal/team');
        assert.equal(expired.statusCode, 303);
        assert.equal(expired.headers.location, '/portal/login');
      });
    });

    test('signing out needs the CSRF token and ends the session', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const session = await signIn(t, account.admin.email);
        const forged = await portalRequest(t, session, 'POST', '/portal/logout', {}, { csrf: false });
        assert.equal(forged.statusCode, 403);
        assert.equal((await portalRequest(t, session, 'GET', '/portal/team')).statusCode, 200);

        const out = await portalRequest(t, session, 'POST', '/portal/logout');
        assert.equal(out.statusCode, 303);
        assert.equal(out.headers.location, '/portal/login');
        const cleared = sessionCookie(out);
        assert.equal(cleared?.value, '');
        const after = await portalRequest(t, session, 'GET', '/portal/team');
        assert.equal(after.statusCode, 303);
        assert.equal(after.headers.location, '/portal/login');
      });
    });

    test('a state-changing request without the right CSRF token gets the 403 page', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const session = await signIn(t, account.admin.email);
        const missing = await portalRequest(
          t,
          session,
          'POST',
          '/portal/settings/account',
          { name: 'Forged', timezone: 'UTC' },
          { csrf: false },
        );
        assert.equal(missing.statusCode, 403);
        assert.match(String(missing.headers['content-type']), /text\/html/);
        assert.match(missing.body, /CSRF token is missing or wrong/);
        const wrong = await t.app.inject({
          method: 'POST',
          url: '/portal/settings/account',
          headers: {
            cookie: session.cookie,
            'x-csrf-token': 'not-the-token',
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: 'name=Forged&timezone=UTC',
        });
        assert.equal(wrong.statusCode, 403);
        // The token as htmx sends it, in the header, is accepted.
        const right = await t.app.inject({
          method: 'POST',
          url: '/portal/settings/account',
          headers: {
            cookie: session.cookie,
            'x-csrf-token': session.csrf,
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: 'name=Renamed&timezone=UTC',
        });
        assert.equal(right.statusCode, 303);
      });
    });

    test('an unknown portal path is the 404 page in HTML', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const session = await signIn(t, account.admin.email);
        const signedIn = await portalRequest(t, session, 'GET', '/portal/no-such-page?x=1');
        assert.equal(signedIn.statusCode, 404);
        assert.match(String(signedIn.headers['content-type']), /text\/html/);
        assert.match(signedIn.body, /There is no portal page at \/portal\/no-such-page\./);
        assertSecurityHeaders(signedIn, '404');
        // Signed out, every path but the public ones asks for sign-in first: nothing reveals which pages exist.
        const anonymous = await t.app.inject({ method: 'GET', url: '/portal/no-such-page' });
        assert.equal(anonymous.statusCode, 303);
        assert.equal(anonymous.headers.location, '/portal/login');
      });
    });

    test('every portal response carries the security headers; pages are not cached', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const session = await signIn(t, account.admin.email);
        const responses: [string, LightMyRequestResponse][] = [
          ['sign-in', await t.app.inject({ method: 'GET', url: '/portal/login' })],
          ['redirect to sign-in', await t.app.inject({ method: 'GET', url: '/portal/team' })],
          ['team', await portalRequest(t, session, 'GET', '/portal/team')],
          ['settings', await portalRequest(t, session, 'GET', '/portal/settings')],
          ['landing', await portalRequest(t, session, 'GET', '/portal')],
          ['asset', await t.app.inject({ method: 'GET', url: '/portal/assets/portal.css' })],
          ['403', await portalRequest(t, session, 'POST', '/portal/logout', {}, { csrf: false })],
        ];
        for (const [what, response] of responses) assertSecurityHeaders(response, what);
        for (const [what, response] of responses.filter(([, r]) => r.statusCode === 200)) {
          if (what === 'asset') continue;
          assert.equal(response.headers['cache-control'], 'no-store', what);
        }
        // Pages load scripts only from this server, never inline.
        const page = responses[2]?.[1].body ?? '';
        assert.doesNotMatch(page, /<script>|<script(?![^>]*src="\/portal\/assets\/)/);
        assert.doesNotMatch(page, /\son[a-z]+="/);
        assert.doesNotMatch(page, /\sstyle="/);
      });
    });

    test('administrators land on the API keys page, managers on the team', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const manager = await addPortalUser(t, account.account.id, 'manager');
        const admin = await portalRequest(t, await signIn(t, account.admin.email), 'GET', '/portal');
        assert.equal(admin.statusCode, 303);
        assert.equal(admin.headers.location, '/portal/developer/api-keys');
        const managed = await portalRequest(t, await signIn(t, manager.email), 'GET', '/portal');
        assert.equal(managed.statusCode, 303);
        assert.equal(managed.headers.location, '/portal/team');
        // Signed in, the sign-in page sends people on.
        const again = await portalRequest(t, await signIn(t, manager.email), 'GET', '/portal/login');
        assert.equal(again.statusCode, 303);
        assert.equal(again.headers.location, '/portal');
      });
    });

    test('htmx, the stylesheet and the script are served by this server', async () => {
      await withTestApp(dialect, async (t) => {
        const assets: [string, RegExp, RegExp][] = [
          ['htmx.min.js', /text\/javascript/, /htmx/],
          ['portal.css', /text\/css/, /\.panel/],
          ['portal.js', /text\/javascript/, /data-open-dialog/],
        ];
        for (const [name, type, content] of assets) {
          const response = await t.app.inject({ method: 'GET', url: `/portal/assets/${name}` });
          assert.equal(response.statusCode, 200, name);
          assert.match(String(response.headers['content-type']), type, name);
          assert.match(response.body, content, name);
        }
        const missing = await t.app.inject({ method: 'GET', url: '/portal/assets/jquery.js' });
        assert.equal(missing.statusCode, 404);
        const page = await t.app.inject({ method: 'GET', url: '/portal/login' });
        for (const name of ['htmx.min.js', 'portal.css', 'portal.js']) {
          assert.ok(page.body.includes(`/portal/assets/${name}`), name);
        }
        assert.doesNotMatch(page.body, /(src|href)="(https?:)?\/\//);
      });
    });
  });
}
