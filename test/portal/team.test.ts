/** Portal Team (issue 6): employees with their clock status, filters, and each one's current time card. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OPERATOR, updateUser } from '../../src/platform/users/service.js';
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
    test('a manager given locations or groups sees, opens and approves only the employees linked to them', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const station = await create(t, account, '/v1/locations', { name: 'Union Station' });
        const depot = await create(t, account, '/v1/locations', { name: 'North Depot' });
        const nights = await create(t, account, '/v1/groups', { code: 'NIGHT', name: 'Night shift' });
        const atStation = await create(t, account, '/v1/employees', {
          firstName: 'Maria',
          lastName: 'Lopez',
          locationIds: [station.id],
        });
        const onNights = await create(t, account, '/v1/employees', {
          firstName: 'Aiko',
          lastName: 'Tanaka',
          locationIds: [depot.id],
          groupIds: [nights.id],
        });
        const elsewhere = await create(t, account, '/v1/employees', {
          firstName: 'James',
          lastName: 'Okafor',
          locationIds: [depot.id],
        });
        const manager = await addPortalUser(t, account.account.id, 'manager');
        await updateUser(
          t.app.context,
          account.account.id,
          manager.id,
          { managedLocationIds: [station.id], managedGroupIds: [nights.id] },
          OPERATOR,
        );
        const session = await signIn(t, manager.email);
        const names = rowsOf((await portalRequest(t, session, 'GET', '/portal/team')).body).map((row) =>
          row.split(' ').slice(0, 2).join(' '),
        );
        assert.deepEqual(names.sort(), ['Aiko Tanaka', 'Maria Lopez']);
        assert.equal(
          (await portalRequest(t, session, 'GET', `/portal/team/${atStation.id}`)).statusCode,
          200,
        );
        assert.equal((await portalRequest(t, session, 'GET', `/portal/team/${onNights.id}`)).statusCode, 200);
        const outside = await portalRequest(t, session, 'GET', `/portal/team/${elsewhere.id}`);
        assert.equal(outside.statusCode, 404);

        // Approving the card of someone outside is refused as if they were not there, and changes nothing.
        const cards = await call<{ data: { id: string; approved: boolean }[] }>(
          t,
          'GET',
          `/v1/time-cards?employeeId=${elsewhere.id}`,
          { key: account.key },
        );
        const [card] = cards.body.data;
        assert.ok(card);
        const refused = await portalRequest(
          t,
          session,
          'POST',
          `/portal/team/${elsewhere.id}/cards/${card.id}/approve`,
        );
        assert.equal(refused.statusCode, 404);
        const after = await call<{ approved: boolean }>(t, 'GET', `/v1/time-cards/${card.id}`, {
          key: account.key,
        });
        assert.equal(after.body.approved, false);

        // The administrator, and a manager given neither locations nor groups, see the whole team.
        for (const email of [
          account.admin.email,
          (await addPortalUser(t, account.account.id, 'manager')).email,
        ]) {
          const whole = await signIn(t, email);
          assert.equal(rowsOf((await portalRequest(t, whole, 'GET', '/portal/team')).body).length, 3);
          assert.equal(
            (await portalRequest(t, whole, 'GET', `/portal/team/${elsewhere.id}`)).statusCode,
            200,
          );
        }
      });
    });

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
            'Maria Lopez maria@example.com Clocked in Union &lt;Station> Bartender Active Not approved',
          );
          assert.ok(rows.some((row) => row.startsWith('James Okafor') && row.includes('On break')));
          assert.ok(rows.some((row) => row === 'Aiko Tanaka Clocked out — — Inactive —'));
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

    test('managers and administrators approve and unapprove a card from its page; who, when and why show', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const worker = await create(t, account, '/v1/employees', { firstName: 'Noor', lastName: 'Haddad' });
        const entry = await create(t, account, '/v1/time-entries', {
          employeeId: worker.id,
          start: '2026-10-31T12:00:00Z',
          end: '2026-10-31T20:00:00Z',
        });
        const manager = await addPortalUser(t, account.account.id, 'manager');
        const managerSession = await signIn(t, manager.email);
        const cardUrl = `/portal/team/${worker.id}`;

        const page = await portalRequest(t, managerSession, 'GET', cardUrl);
        assert.equal(page.statusCode, 200, page.body);
        const cardId = /action="\/portal\/team\/emp_[^/]+\/cards\/(tcd_[^/]+)\/approve"/.exec(page.body)?.[1];
        assert.ok(cardId, 'the page offers to approve the card');
        assert.match(page.body, /<dd>Not approved\.<\/dd>/);
        const actions = `${cardUrl}/cards/${cardId}`;

        // Approve as the manager: back to the card, which says by whom and when (in the account's zone).
        const approved = await portalRequest(t, managerSession, 'POST', `${actions}/approve`);
        assert.equal(approved.statusCode, 303, approved.body);
        const card = await call<{ payPeriodId: string; approvedBy: string; approvedAt: string }>(
          t,
          'GET',
          `/v1/time-cards/${cardId}`,
          { key: account.key },
        );
        assert.equal(card.body.approvedBy, manager.id, 'a portal approval records the user');
        assert.equal(card.body.approvedAt, t.clock.now().toISOString());
        assert.equal(
          approved.headers.location,
          `${cardUrl}?payPeriodId=${card.body.payPeriodId}&done=approved`,
        );
        const shown = await portalRequest(t, managerSession, 'GET', String(approved.headers.location));
        assert.match(shown.body, /The time card is approved/);
        assert.match(shown.body, /badge ok">Approved</);
        assert.match(shown.body, /<dt>Approved<\/dt><dd>Nov 1, 2026, 7:00\s?AM by Test manager<\/dd>/);
        assert.doesNotMatch(shown.body, /cards\/tcd_[^/]+\/approve/);
        assert.match(shown.body, new RegExp(`action="${actions}/unapprove"`));
        // The list shows it too, and the API's changes to the card's time are refused.
        assert.ok(
          rowsOf((await portalRequest(t, managerSession, 'GET', '/portal/team')).body).some(
            (row) => row.startsWith('Noor Haddad') && row.endsWith('Active Approved'),
          ),
        );
        const frozen = await call<{ error: { code: string } }>(t, 'PATCH', `/v1/time-entries/${entry.id}`, {
          key: account.key,
          body: { end: '2026-10-31T21:00:00Z' },
        });
        assert.equal(frozen.status, 409);
        assert.equal(frozen.body.error.code, 'time_card_approved');

        // Without the form's CSRF token nothing happens; a blank reason is refused on the page, as typed.
        const forged = await portalRequest(
          t,
          managerSession,
          'POST',
          `${actions}/unapprove`,
          {},
          { csrf: false },
        );
        assert.equal(forged.statusCode, 403);
        const blank = await portalRequest(t, managerSession, 'POST', `${actions}/unapprove`, {
          reason: '   ',
        });
        assert.equal(blank.statusCode, 400);
        assert.match(blank.body, /role="alert"><span>The field &#34;reason&#34; must not be blank\./);
        assert.match(blank.body, /data-open-on-load/);
        assert.match(blank.body, /<textarea id="unapprove-reason"[^>]*> {3}<\/textarea>/);
        assert.equal(
          (await call<{ approved: boolean }>(t, 'GET', `/v1/time-cards/${cardId}`, { key: account.key })).body
            .approved,
          true,
        );

        // An administrator unapproves with a reason: shown with who and when, kept on the card, in the events feed.
        t.clock.advance(3_600_000);
        const adminSession = await signIn(t, account.admin.email);
        const unapproved = await portalRequest(t, adminSession, 'POST', `${actions}/unapprove`, {
          reason: ' Clock-out <missed> ',
        });
        assert.equal(unapproved.statusCode, 303, unapproved.body);
        assert.equal(
          unapproved.headers.location,
          `${cardUrl}?payPeriodId=${card.body.payPeriodId}&done=unapproved`,
        );
        const reopened = await portalRequest(t, adminSession, 'GET', String(unapproved.headers.location));
        assert.match(reopened.body, /The time card is unapproved/);
        assert.match(reopened.body, /Nov 1, 2026, 8:00\s?AM by Administrator/);
        assert.match(reopened.body, /Reason: <span>Clock-out &lt;missed><\/span>/);
        assert.match(reopened.body, new RegExp(`action="${actions}/approve"`));
        const events = await call<{ data: { data: { object: Record<string, unknown> } }[] }>(
          t,
          'GET',
          '/v1/events?type=time_card.unapproved',
          { key: account.key },
        );
        assert.deepEqual(
          [events.body.data[0]?.data.object.unapprovedBy, events.body.data[0]?.data.object.unapprovalReason],
          [account.admin.id, 'Clock-out <missed>'],
        );

        // An approval through the API names the key.
        await create(t, account, `/v1/time-cards/${cardId}/approve`, undefined);
        const byKey = await portalRequest(t, adminSession, 'GET', cardUrl);
        assert.match(byKey.body, /by API key “Full access”/);

        // A locked period refuses the unapproval on the page (409), not with a 500.
        await create(t, account, `/v1/pay-periods/${card.body.payPeriodId}/lock`, undefined);
        const locked = await portalRequest(t, adminSession, 'POST', `${actions}/unapprove`, {
          reason: 'late',
        });
        assert.equal(locked.statusCode, 409);
        assert.match(locked.body, /is locked; unlock it/);
        assert.match(locked.body, /<h1>Noor Haddad<\/h1>/);
      });
    });

    test('approval actions: only the card of the employee in the address, only for managers and administrators', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { maria, james } = await team(t, account);
        const cards = await call<{ data: { id: string }[] }>(
          t,
          'GET',
          `/v1/time-cards?employeeId=${maria.id}`,
          {
            key: account.key,
          },
        );
        const cardId = cards.body.data[0]?.id;
        assert.ok(cardId);
        const admin = await signIn(t, account.admin.email);
        for (const url of [
          `/portal/team/${james.id}/cards/${cardId}/approve`,
          `/portal/team/${maria.id}/cards/tcd_01JD2X6Y3Z4A5B6C7D8E9F0G1H/approve`,
          `/portal/team/${maria.id}/cards/nonsense/unapprove`,
        ]) {
          const refused = await portalRequest(t, admin, 'POST', url);
          assert.equal(refused.statusCode, 404, url);
          assert.match(String(refused.headers['content-type']), /text\/html/);
        }
        const employee = await signIn(t, (await addPortalUser(t, account.account.id, 'employee')).email);
        const forbidden = await portalRequest(
          t,
          employee,
          'POST',
          `/portal/team/${maria.id}/cards/${cardId}/approve`,
        );
        assert.equal(forbidden.statusCode, 403);
        const card = await call<{ approved: boolean }>(t, 'GET', `/v1/time-cards/${cardId}`, {
          key: account.key,
        });
        assert.equal(card.body.approved, false);
      });
    });

    test('the card page steps through pay periods; an unknown period is the 404 page', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { maria } = await team(t, account);
        const session = await signIn(t, account.admin.email);
        const current = await portalRequest(t, session, 'GET', `/portal/team/${maria.id}`);
        // The default schedule: every two weeks from Monday 2024-01-01; today is 1 Nov 2026.
        assert.match(current.body, /Time card for the current pay period, Mon, Oct 19 – Sun, Nov 1\./);
        const previous =
          /href="(\/portal\/team\/emp_[^"?]+\?payPeriodId=ppd_[^"]+)">← Mon, Oct 5 – Sun, Oct 18</.exec(
            current.body,
          )?.[1];
        assert.ok(previous, current.body);
        const earlier = await portalRequest(t, session, 'GET', previous);
        assert.equal(earlier.statusCode, 200);
        assert.match(earlier.body, /Time card for the pay period, Mon, Oct 5 – Sun, Oct 18\./);
        assert.match(earlier.body, new RegExp(`href="/portal/team/${maria.id}">Mon, Oct 19 – Sun, Nov 1 →<`));
        const unknown = await portalRequest(
          t,
          session,
          'GET',
          `/portal/team/${maria.id}?payPeriodId=ppd_01JD2X6Y3Z4A5B6C7D8E9F0G1H`,
        );
        assert.equal(unknown.statusCode, 404);
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
