/** Portal Team (issue 6): employees with their clock status, filters, and each one's current time card. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { call, createTestAccount, type TestAccount, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { addPortalUser, portalRequest, signIn } from '../helpers/portal.js';
import { withTestApp } from '../helpers/security-suite.js';

interface Created {
  id: string;
}

async function create(t: TestApp, account: TestAccount, path: string, body: unknown): Promise<Created> {
  const response = await call<Created>(t, 'POST', path, { key: account.key, body });
  assert.ok(response.status === 200 || response.status === 201, response.raw);
  return response.body;
}

/** Three employees: one clocked in at a location with a position, one on a break, one inactive and out. */
async function team(t: TestApp, account: TestAccount) {
  const location = await create(t, account, '/v1/locations', { name: 'Union <Station>' });
  const position = await create(t, account, '/v1/positions', { code: 'BAR', name: 'Bartender' });
  const maria = await create(t, account, '/v1/employees', {
    firstName: 'Maria',
    lastName: 'Lopez',
    email: 'maria@example.com',
    locationIds: [location.id],
    positionId: position.id,
  });
  const james = await create(t, account, '/v1/employees', { firstName: 'James', lastName: 'Okafor' });
  const aiko = await create(t, account, '/v1/employees', {
    firstName: 'Aiko',
    lastName: 'Tanaka',
    active: false,
  });
  await create(t, account, '/v1/punches', { employeeId: maria.id, type: 'in' });
  await create(t, account, '/v1/punches', { employeeId: james.id, type: 'in' });
  await create(t, account, '/v1/punches', { employeeId: james.id, type: 'break_start' });
  return { maria, james, aiko };
}

/** The rows of the team table, each as its text without tags. */
function rowsOf(body: string): string[] {
  const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
  return [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    (row[1] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

for (const dialect of DIALECTS) {
  describe(`portal team (${dialect})`, () => {
    test('administrators and managers see the team with clock status, location, position and active', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { maria } = await team(t, account);
        const manager = await addPortalUser(t, account.account.id, 'manager');
        for (const email of [account.admin.email, manager.email]) {
          const session = await signIn(t, email);
          const page = await portalRequest(t, session, 'GET', '/portal/team');
          assert.equal(page.statusCode, 200);
          assert.equal(page.headers['cache-control'], 'no-store');
          assert.match(page.body, /<h1>Team<\/h1>/);
          assert.match(page.body, /<label for="team-search">/);
          assert.match(page.body, /<label for="team-clocked-in">/);
          const rows = rowsOf(page.body);
          assert.equal(rows.length, 3);
          const mariaRow = rows.find((row) => row.startsWith('Maria Lopez'));
          assert.equal(
            mariaRow,
            'Maria Lopez maria@example.com Clocked in Union &lt;Station> Bartender Active',
          );
          assert.ok(rows.some((row) => row.startsWith('James Okafor') && row.includes('On break')));
          assert.ok(rows.some((row) => row === 'Aiko Tanaka Clocked out — — Inactive'));
          assert.match(page.body, new RegExp(`href="/portal/team/${maria.id}"`));
          assert.match(page.body, /3 employees match\./);
        }
        // A manager's navigation has no admin-only pages.
        const managerPage = await portalRequest(t, await signIn(t, manager.email), 'GET', '/portal/team');
        assert.doesNotMatch(managerPage.body, /href="\/portal\/settings"/);
        assert.doesNotMatch(managerPage.body, /href="\/portal\/developer\/api-keys"/);
      });
    });

    test('employees get the 403 page for the team and for a time card', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { maria } = await team(t, account);
        const employee = await addPortalUser(t, account.account.id, 'employee');
        const session = await signIn(t, employee.email);
        for (const url of ['/portal/team', `/portal/team/${maria.id}`]) {
          const page = await portalRequest(t, session, 'GET', url);
          assert.equal(page.statusCode, 403, url);
          assert.match(page.body, /Only administrators and managers/);
          assert.doesNotMatch(page.body, /Maria/);
        }
      });
    });

    test('filters: search and clock status, as a GET form and as htmx fragments; paging by cursor', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        await team(t, account);
        const session = await signIn(t, account.admin.email);

        const search = await portalRequest(t, session, 'GET', '/portal/team?search=okaf');
        assert.deepEqual(
          rowsOf(search.body).map((row) => row.split(' ').slice(0, 2).join(' ')),
          ['James Okafor'],
        );
        assert.match(search.body, /id="team-search"[^>]*value="okaf"/);
        assert.match(search.body, /1 employee matches\./);

        const onTheClock = await portalRequest(t, session, 'GET', '/portal/team?clockedIn=true');
        const names = rowsOf(onTheClock.body).map((row) => row.split(' ')[0]);
        assert.deepEqual(names.sort(), ['James', 'Maria']);
        assert.match(onTheClock.body, /<option value="true" selected>/);

        const off = await portalRequest(t, session, 'GET', '/portal/team?clockedIn=false&search=');
        assert.deepEqual(
          rowsOf(off.body).map((row) => row.split(' ')[0]),
          ['Aiko'],
        );

        const none = await portalRequest(t, session, 'GET', '/portal/team?search=nobody');
        assert.match(none.body, /No employees match these filters\./);

        // htmx swaps only the results.
        const fragment = await t.app.inject({
          method: 'GET',
          url: '/portal/team?clockedIn=true',
          headers: { cookie: session.cookie, 'hx-request': 'true' },
        });
        assert.equal(fragment.statusCode, 200);
        assert.match(fragment.body, /^<div id="team-results">/);
        assert.doesNotMatch(fragment.body, /<html/);
        assert.equal(rowsOf(fragment.body).length, 2);

        // Newest first; the cursor of the first row shows the rows after it.
        const all = await portalRequest(t, session, 'GET', '/portal/team');
        const firstId = /href="\/portal\/team\/(emp_[^"]+)"/.exec(all.body)?.[1];
        assert.ok(firstId);
        const after = await portalRequest(t, session, 'GET', `/portal/team?startingAfter=${firstId}`);
        assert.equal(rowsOf(after.body).length, 2);
        assert.match(after.body, />First page</);
      });
    });

    test('the time card of the current pay period: days, totals, approval', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { james, aiko } = await team(t, account);
        const worker = await create(t, account, '/v1/employees', { firstName: 'Noor', lastName: 'Haddad' });
        // 2026-10-31 in New York: 8:00–19:30 with a 30-minute unpaid break = 11 hours worked.
        await create(t, account, '/v1/time-entries', {
          employeeId: worker.id,
          start: '2026-10-31T12:00:00Z',
          end: '2026-10-31T23:30:00Z',
          breakSeconds: 1800,
        });
        const session = await signIn(t, account.admin.email);
        const page = await portalRequest(t, session, 'GET', `/portal/team/${worker.id}`);
        assert.equal(page.statusCode, 200, page.body);
        assert.match(page.body, /<h1>Noor Haddad<\/h1>/);
        assert.match(page.body, /Time card for the current pay period/);
        assert.match(page.body, /badge warn">Not approved</);
        assert.match(page.body, /Clocked out/);
        const day = /<tr><td>Sat, Oct 31<\/td>((?:<td class="num">[^<]*<\/td>)+)<\/tr>/.exec(page.body);
        assert.ok(day, 'a row for Oct 31');
        assert.deepEqual(
          [...(day[1] ?? '').matchAll(/>([^<]+)</g)].map((m) => m[1]),
          ['11.00', '11.00', '0.00', '0.00', '0.00'],
        );
        assert.match(page.body, /<tfoot>.*Total.*11\.00/s);

        // Approval shows once the card is approved through the service's API.
        const cards = await call<{ data: { id: string }[] }>(
          t,
          'GET',
          `/v1/time-cards?employeeId=${worker.id}`,
          {
            key: account.key,
          },
        );
        const cardId = cards.body.data[0]?.id;
        assert.ok(cardId);
        await create(t, account, `/v1/time-cards/${cardId}/approve`, undefined);
        const approved = await portalRequest(t, session, 'GET', `/portal/team/${worker.id}`);
        assert.match(approved.body, /badge ok">Approved</);

        // Someone on a break, and an inactive employee with no time (no card this period).
        const onBreak = await portalRequest(t, session, 'GET', `/portal/team/${james.id}`);
        assert.equal(onBreak.statusCode, 200);
        assert.match(onBreak.body, /On break/);
        const inactive = await portalRequest(t, session, 'GET', `/portal/team/${aiko.id}`);
        assert.equal(inactive.statusCode, 200);
        assert.match(inactive.body, /has no time card in the current pay period/);
      });
    });

    test('the time card lists its entries: counted times, and the punched time where rounding moved it', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const worker = await create(t, account, '/v1/employees', { firstName: 'Lena', lastName: 'Berg' });
        const rounding = await call(t, 'PATCH', '/v1/pay-schedule', {
          key: account.key,
          body: {
            rounding: { clockIn: { mode: 'nearest', minutes: 15 }, clockOut: { mode: 'down', minutes: 5 } },
          },
        });
        assert.equal(rounding.status, 200, rounding.raw);
        // Friday Oct 30 in New York: punched 7:53 and 16:03:20, counted 8:00 and 16:00.
        for (const [type, at] of [
          ['in', '2026-10-30T11:53:00Z'],
          ['out', '2026-10-30T20:03:20Z'],
        ]) {
          await create(t, account, '/v1/punches', { employeeId: worker.id, type, at });
        }
        // Saturday: typed by a manager, nothing punched.
        await create(t, account, '/v1/time-entries', {
          employeeId: worker.id,
          start: '2026-10-31T13:00:00Z',
          end: '2026-10-31T17:00:00Z',
        });
        const session = await signIn(t, account.admin.email);
        const page = await portalRequest(t, session, 'GET', `/portal/team/${worker.id}`);
        assert.equal(page.statusCode, 200, page.body);
        const rows = rowsOf(page.body.slice(page.body.indexOf('Time entries:')));
        assert.deepEqual(rows, [
          'Fri, Oct 30 8:00 (punched 7:53) 16:00 (punched 16:03:20) 0.00 8.00',
          'Sat, Oct 31 9:00 13:00 0.00 4.00',
        ]);
        // The day's hours are the counted 8.
        const day = /<tr><td>Fri, Oct 30<\/td>((?:<td class="num">[^<]*<\/td>)+)<\/tr>/.exec(page.body);
        assert.equal([...(day?.[1] ?? '').matchAll(/>([^<]+)</g)][0]?.[1], '8.00');
      });
    });

    test('an unknown or another account’s employee is the 404 page, in HTML', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const other = await createTestAccount(t);
        const stranger = await create(t, other, '/v1/employees', { firstName: 'Zed', lastName: 'Other' });
        const session = await signIn(t, account.admin.email);
        for (const id of [stranger.id, 'emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H', 'nonsense']) {
          const page = await portalRequest(t, session, 'GET', `/portal/team/${id}`);
          assert.equal(page.statusCode, 404, id);
          assert.match(String(page.headers['content-type']), /text\/html/);
          assert.match(page.body, /not found/);
          assert.doesNotMatch(page.body, /Zed/);
        }
      });
    });
  });
}
