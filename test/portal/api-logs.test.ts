import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { revokeApiKey } from '../../src/platform/api-keys/service.js';
import { REFUSAL_BURST } from '../../src/platform/request-log/refusal-burst.js';
import { call, createTestAccount, createTestKey, type TestAccount, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { addPortalUser, type PortalSignIn, portalRequest, signIn } from '../helpers/portal.js';
import { withTestApp } from '../helpers/security-suite.js';

const PAGE = '/portal/developer/api-logs';
/** A well-formed id of no employee: a 404 attributed to the key (an unknown route is answered before any key). */
const MISSING_EMPLOYEE = '/v1/employees/emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H';

/** Makes a /v1 request and returns its request id (the id the log row carries). */
async function requestId(t: TestApp, method: 'GET' | 'POST', url: string, key?: string): Promise<string> {
  const response = await call(t, method, url, {
    ...(key ? { key } : {}),
    ...(method === 'POST' ? { body: { firstName: 'Ada', lastName: 'Lovelace' } } : {}),
  });
  const id = response.headers['x-request-id'];
  assert.equal(typeof id, 'string');
  return id as string;
}

/** The request ids of the table rows, top to bottom. */
function rowIds(html: string): string[] {
  return [...html.matchAll(/<td><code>(req_[^<]+)<\/code><\/td>/g)].map((match) => match[1] as string);
}

/** The chart's summary ("12 requests: 10 2xx, 0 3xx, 2 4xx, 0 5xx."). */
function chartSummary(html: string): string | undefined {
  return /<desc id="requests-chart-desc">([^<]*)<\/desc>/.exec(html)?.[1];
}

async function adminSession(t: TestApp): Promise<[TestAccount, PortalSignIn]> {
  const account = await createTestAccount(t);
  return [account, await signIn(t, account.admin.email)];
}

/** A key that was valid and is now revoked: its refusals (401) are still attributed to it in the log. */
async function revokedKey(
  t: TestApp,
  account: TestAccount,
  name: string,
): Promise<{ key: string; id: string }> {
  const key = await createTestKey(t, account, ['employees:read'], { name });
  await revokeApiKey(t.app.context, account.account.id, key.id, account.admin.id);
  return key;
}

for (const dialect of DIALECTS) {
  describe(`portal: API logs page (${dialect})`, () => {
    test('lists the requests newest first with time in the account zone, key, method, path, status, duration, id', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        const reader = await createTestKey(t, account, ['employees:read'], { name: 'Reporting <script>' });
        const ok = await requestId(t, 'GET', '/v1/employees', account.key);
        t.clock.advance(1000);
        const missing = await requestId(t, 'GET', MISSING_EMPLOYEE, account.key);
        t.clock.advance(1000);
        const refused = await requestId(t, 'POST', '/v1/employees', reader.key);
        await t.app.context.requestLog.flush();

        const page = await portalRequest(t, session, 'GET', PAGE);
        assert.equal(page.statusCode, 200);
        const html = page.body;
        assert.match(html, /<h1>API logs<\/h1>/);
        assert.deepEqual(rowIds(html), [refused, missing, ok]);
        // 12:00 UTC on 2026-11-01 is 7:00 AM in New York (EST: daylight saving time ended that night).
        assert.match(html, /Nov 1, 7:00:00\s?AM/);
        assert.match(html, /Nov 1, 7:00:02\s?AM/);
        assert.ok(html.includes('Reporting &lt;script>'), 'key names are escaped');
        assert.ok(!html.includes('Reporting <script>'));
        assert.match(html, /<span class="badge ok">200<\/span>/);
        assert.match(html, /<span class="badge warn">404<\/span>/);
        assert.match(html, /<span class="badge warn">403<\/span>\s*<div class="hint">missing_scope<\/div>/);
        assert.match(html, /<code>POST<\/code>/);
        assert.ok(html.includes(`<code>${MISSING_EMPLOYEE}</code>`));
        assert.match(html, /\d+ ms<\/td>/);
        assert.ok(!html.includes(account.key) && !html.includes(reader.key), 'no full key on the page');
        assert.equal(chartSummary(html), '3 requests: 1 2xx, 0 3xx, 2 4xx, 0 5xx.');
        assert.match(html, /<svg class="chart"[^>]*role="img"/);
      });
    });

    test('filters by status class, exact status, key, path and time range; a bad filter is a 400 with a message', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const reader = await createTestKey(t, account, ['employees:read'], { name: 'Reader' });
        const list = await requestId(t, 'GET', '/v1/employees', account.key);
        const locations = await requestId(t, 'GET', '/v1/locations', account.key);
        const missing = await requestId(t, 'GET', MISSING_EMPLOYEE, reader.key);
        const refused = await requestId(t, 'POST', '/v1/employees', reader.key);
        t.clock.advance(2 * 3_600_000); // 9:00 AM New York
        const later = await requestId(t, 'GET', '/v1/employees', reader.key);
        await t.app.context.requestLog.flush();
        // Signed in now: two idle hours end a session.
        const session = await signIn(t, account.admin.email);
        const rows = async (query: string) => {
          const response = await portalRequest(t, session, 'GET', `${PAGE}?${query}`);
          assert.equal(response.statusCode, 200, response.body);
          return rowIds(response.body);
        };

        assert.deepEqual(await rows('status=4xx'), [refused, missing]);
        assert.deepEqual(await rows('status=2xx'), [later, locations, list]);
        assert.deepEqual(await rows('status=404'), [missing]);
        assert.deepEqual(await rows(`key=${reader.id}`), [later, refused, missing]);
        assert.deepEqual(await rows(`key=${account.keyId}&status=2xx`), [locations, list]);
        assert.deepEqual(await rows('path=EMPLOYEES%2Femp_'), [missing]);
        assert.deepEqual(await rows('path=locations'), [locations]);
        // Local times: the first four at 7:00 AM, the last at 9:00 AM; "to" includes its whole minute.
        assert.deepEqual(await rows('from=2026-11-01T08:00'), [later]);
        assert.deepEqual(await rows('to=2026-11-01T07:00'), [refused, missing, locations, list]);
        assert.deepEqual(await rows('from=2026-11-01T06:00&to=2026-11-01T08:59&status=4xx'), [
          refused,
          missing,
        ]);

        // The form shows the filters applied.
        const filtered = await portalRequest(t, session, 'GET', `${PAGE}?status=4xx&path=employees`);
        assert.match(filtered.body, /<option value="4xx" selected>/);
        assert.match(filtered.body, /id="filter-path" name="path" type="text" value="employees"/);

        const bad = await portalRequest(t, session, 'GET', `${PAGE}?status=teapot&from=yesterday`);
        assert.equal(bad.statusCode, 400);
        assert.match(bad.body, /&#34;teapot&#34; is not a status|"teapot" is not a status/);
        assert.match(bad.body, /&#34;From&#34; is not a date and time|"From" is not a date and time/);
        const backwards = await portalRequest(
          t,
          session,
          'GET',
          `${PAGE}?from=2026-11-01T09:00&to=2026-11-01T08:00`,
        );
        assert.equal(backwards.statusCode, 400);
        assert.match(backwards.body, /must be before/);
      });
    });

    test('htmx filter requests get the results fragment; the address bar URL still renders the whole page', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        const ok = await requestId(t, 'GET', '/v1/employees', account.key);
        await requestId(t, 'GET', MISSING_EMPLOYEE, account.key);
        await t.app.context.requestLog.flush();
        const fragment = await t.app.inject({
          method: 'GET',
          url: `${PAGE}?status=2xx`,
          headers: { cookie: session.cookie, 'hx-request': 'true', 'hx-target': 'api-log-results' },
        });
        assert.equal(fragment.statusCode, 200);
        assert.ok(!fragment.body.includes('<html'), 'a fragment, not a page');
        assert.match(fragment.body, /<form class="filters panel"/);
        assert.deepEqual(rowIds(fragment.body), [ok]);
        // A history restore (or any other htmx request) gets the whole page.
        const restore = await t.app.inject({
          method: 'GET',
          url: `${PAGE}?status=2xx`,
          headers: { cookie: session.cookie, 'hx-request': 'true', 'hx-history-restore-request': 'true' },
        });
        assert.match(restore.body, /<html/);
        // An unreadable filter through htmx: a 200 fragment (htmx swaps only 2xx) carrying the message.
        const bad = await t.app.inject({
          method: 'GET',
          url: `${PAGE}?status=bad`,
          headers: { cookie: session.cookie, 'hx-request': 'true', 'hx-target': 'api-log-results' },
        });
        assert.equal(bad.statusCode, 200);
        assert.match(bad.body, /role="alert"/);
      });
    });

    test('pages through the log with Older and Newer links', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        const ids: string[] = [];
        for (let i = 0; i < 55; i++) {
          ids.push(await requestId(t, 'GET', '/v1/employees', account.key));
          t.clock.advance(10);
        }
        await t.app.context.requestLog.flush();
        const newestFirst = [...ids].reverse();
        const first = await portalRequest(t, session, 'GET', `${PAGE}?status=2xx`);
        assert.deepEqual(rowIds(first.body), newestFirst.slice(0, 50));
        const older = /<a class="button secondary small" href="([^"]+)"[^>]*>Older →<\/a>/.exec(
          first.body,
        )?.[1];
        assert.ok(older, 'an Older link');
        assert.match(older, /status=2xx/, 'the filters stay');
        assert.match(first.body, /aria-disabled="true">← Newer/);
        const second = await portalRequest(t, session, 'GET', older.replaceAll('&amp;', '&'));
        assert.deepEqual(rowIds(second.body), newestFirst.slice(50));
        const newer = /<a class="button secondary small" href="([^"]+)"[^>]*>← Newer<\/a>/.exec(
          second.body,
        )?.[1];
        assert.ok(newer, 'a Newer link');
        assert.match(second.body, /aria-disabled="true">Older →/);
        const back = await portalRequest(t, session, 'GET', newer.replaceAll('&amp;', '&'));
        assert.deepEqual(rowIds(back.body), newestFirst.slice(0, 50));
      });
    });

    test('the chart counts requests per hour by status class over the last 24 hours or 7 days', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        t.clock.advance(-3 * 24 * 3_600_000); // three days ago
        await requestId(t, 'GET', '/v1/employees', account.key);
        await requestId(t, 'GET', MISSING_EMPLOYEE, account.key);
        t.clock.advance(3 * 24 * 3_600_000 - 2 * 3_600_000); // two hours ago
        await requestId(t, 'GET', '/v1/employees', account.key);
        t.clock.advance(2 * 3_600_000);
        await requestId(t, 'GET', '/v1/employees', account.key);
        await requestId(t, 'GET', MISSING_EMPLOYEE, account.key);
        await t.app.context.requestLog.flush();

        const day = await portalRequest(t, session, 'GET', PAGE);
        assert.equal(chartSummary(day.body), '3 requests: 2 2xx, 0 3xx, 1 4xx, 0 5xx.');
        assert.equal((day.body.match(/<g><title>/g) ?? []).length, 24, 'one bar per hour');
        assert.match(day.body, /<title>Nov 1, 2026, 7:00\s?AM: 1 × 2xx, 1 × 4xx<\/title>/);
        assert.match(day.body, /<title>Nov 1, 2026, 5:00\s?AM: 1 × 2xx<\/title>/);
        assert.match(day.body, /aria-current="true"[^>]*>Last 24 hours/);

        const week = await portalRequest(t, session, 'GET', `${PAGE}?range=7d`);
        assert.equal(chartSummary(week.body), '5 requests: 3 2xx, 0 3xx, 2 4xx, 0 5xx.');
        assert.equal((week.body.match(/<g><title>/g) ?? []).length, 168);
        assert.match(week.body, /aria-current="true"[^>]*>Last 7 days/);
        assert.match(week.body, /<input type="hidden" name="range" value="7d"/, 'filtering keeps the range');
        // The legend names each class with its total.
        assert.match(week.body, /<span>4xx · 2<\/span>/);
      });
    });

    test(`a key refused ${REFUSAL_BURST.threshold} times within the hour is flagged as possibly compromised`, async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        const leaked = await revokedKey(t, account, 'Leaked key');
        const quiet = await revokedKey(t, account, 'Quiet key');
        for (let i = 0; i < REFUSAL_BURST.threshold; i++) {
          assert.equal((await call(t, 'GET', '/v1/employees', { key: leaked.key })).status, 401);
        }
        for (let i = 0; i < REFUSAL_BURST.threshold - 1; i++) {
          await call(t, 'GET', '/v1/employees', { key: quiet.key });
        }
        await t.app.context.requestLog.flush();

        const page = await portalRequest(t, session, 'GET', PAGE);
        assert.match(page.body, /A key may be compromised/);
        assert.match(
          page.body,
          /Leaked key \(pc_live_[0-9a-f]{4}…[0-9a-f]{4}\) was refused 10 times \(401\/403\)/,
        );
        assert.ok(
          !/Quiet key \(pc_live_[0-9a-f]{4}…[0-9a-f]{4}\) was refused/.test(page.body),
          'below the threshold',
        );
        assert.match(page.body, /href="\/portal\/developer\/api-keys"/);
        assert.equal((page.body.match(/<tr class="highlight">/g) ?? []).length, REFUSAL_BURST.threshold);
        assert.match(page.body, /Leaked key \(pc_live_[^)]+\) · revoked · may be compromised/);

        // An hour later the burst is over.
        t.clock.advance(REFUSAL_BURST.windowMs + 1000);
        const later = await portalRequest(t, session, 'GET', PAGE);
        assert.ok(!later.body.includes('may be compromised'));
        assert.ok(!later.body.includes('<tr class="highlight">'));
      });
    });

    test('only administrators see the page; signed-out visitors are sent to sign in', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const manager = await addPortalUser(t, account.account.id, 'manager');
        const refused = await portalRequest(t, await signIn(t, manager.email), 'GET', PAGE);
        assert.equal(refused.statusCode, 403);
        assert.match(refused.body, /Only administrators/);
        const anonymous = await t.app.inject({ method: 'GET', url: PAGE });
        assert.equal(anonymous.statusCode, 303);
        assert.equal(anonymous.headers.location, '/portal/login');
      });
    });

    test("another account's requests never show", async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t);
        const other = await createTestAccount(t);
        const mine = await requestId(t, 'GET', '/v1/employees', account.key);
        await requestId(t, 'GET', '/v1/employees', other.key);
        await t.app.context.requestLog.flush();
        const page = await portalRequest(t, session, 'GET', `${PAGE}?key=${other.keyId}`);
        assert.deepEqual(rowIds(page.body), []);
        assert.match(page.body, /No requests match these filters/);
        assert.deepEqual(rowIds((await portalRequest(t, session, 'GET', PAGE)).body), [mine]);
      });
    });
  });
}
