/** Portal Settings (issue 6): account, plan, API access, API version and pay schedule, through the real forms. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findAccount, updateAccount } from '../../src/platform/accounts/repository.js';
import { setApiAccess } from '../../src/platform/accounts/service.js';
import { LATEST_API_VERSION } from '../../src/platform/versioning/versions.js';
import { currentPayPeriodRow, setPayPeriodLocked } from '../../src/resources/pay-periods/service.js';
import { getPaySchedule } from '../../src/resources/pay-schedule/service.js';
import { call, createTestAccount, type TestAccount, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { addPortalUser, type PortalSignIn, portalRequest, signIn } from '../helpers/portal.js';
import { withTestApp } from '../helpers/security-suite.js';

const OLDEST_VERSION = '2025-03-01';

/** Pages are long (the time-zone list): a failure names the pattern and the page's main content only. */
function mainOf(body: string): string {
  return (body.split('<main id="main">')[1] ?? body)
    .replace(/<datalist[\s\S]*?<\/datalist>/, '')
    .slice(0, 3000);
}

function expectMatch(body: string, pattern: RegExp): void {
  assert.ok(pattern.test(body), `expected ${pattern} in: ${mainOf(body)}`);
}

function expectNoMatch(body: string, pattern: RegExp): void {
  assert.ok(!pattern.test(body), `did not expect ${pattern} in: ${mainOf(body)}`);
}

async function adminSession(
  t: TestApp,
  options: Parameters<typeof createTestAccount>[1] = {},
): Promise<{ account: TestAccount; session: PortalSignIn }> {
  const account = await createTestAccount(t, options);
  return { account, session: await signIn(t, account.admin.email) };
}

function schedulePost(
  t: TestApp,
  session: PortalSignIn,
  form: Partial<Record<string, string>>,
): ReturnType<typeof portalRequest> {
  const full = {
    frequency: 'biweekly',
    anchorDate: '2024-01-01',
    type: 'weekly40',
    dailyOvertimeAfterHours: '',
    dailyDoubleTimeAfterHours: '',
    weeklyOvertimeAfterHours: '',
    clockInMode: 'none',
    clockInMinutes: '1',
    clockOutMode: 'none',
    clockOutMinutes: '1',
    beforeStartMinutes: '0',
    afterEndMinutes: '0',
    ...form,
  };
  return portalRequest(
    t,
    session,
    'POST',
    '/portal/settings/pay-schedule',
    Object.fromEntries(Object.entries(full).map(([name, value]) => [name, value ?? ''])),
  );
}

for (const dialect of DIALECTS) {
  describe(`portal settings (${dialect})`, () => {
    test('the page shows the account, its plan limits, API access, version and pay schedule', async () => {
      await withTestApp(dialect, async (t) => {
        const { account, session } = await adminSession(t, {
          plan: 'trial',
          name: 'Acme "Best" <Bakery>',
        });
        const page = await portalRequest(t, session, 'GET', '/portal/settings');
        assert.equal(page.statusCode, 200);
        expectMatch(String(page.headers['content-type']), /text\/html/);
        assert.equal(page.headers['cache-control'], 'no-store');
        expectMatch(page.body, /<h1>Settings<\/h1>/);
        expectMatch(page.body, /class="subtitle"/);
        // User text is escaped, in attributes and in text.
        expectMatch(page.body, /value="Acme &#34;Best&#34; <Bakery>"/);
        expectMatch(page.body, /Acme &#34;Best&#34; &lt;Bakery>/);
        assert.ok(!page.body.includes('"Best"'));
        expectMatch(page.body, /value="America\/New_York"/);
        // The trial plan's limits.
        for (const figure of ['>60<', '>500<', '>25<', '>5<', '>2<', '>1<'])
          assert.ok(page.body.includes(figure), figure);
        expectMatch(page.body, /badge info">trial</);
        expectMatch(page.body, /API access <span class="badge ok">On<\/span>/);
        // createTestAccount created a key, which pinned the latest version: nothing to upgrade.
        expectMatch(page.body, new RegExp(`Pinned to <code>${LATEST_API_VERSION}</code>`));
        expectMatch(page.body, /badge ok">Latest</);
        expectNoMatch(page.body, /Upgrade to/);
        // The default pay schedule.
        expectMatch(page.body, /<option value="biweekly" selected>/);
        expectMatch(page.body, /value="2024-01-01"/);
        expectMatch(page.body, /<option value="weekly40" selected>/);
        for (const label of [
          'account-name',
          'account-timezone',
          'schedule-frequency',
          'schedule-anchor',
          'schedule-rule',
          'schedule-clockIn-mode',
          'schedule-clockIn-minutes',
          'schedule-clockOut-mode',
          'schedule-clockOut-minutes',
          'schedule-beforeStartMinutes',
          'schedule-afterEndMinutes',
        ]) {
          expectMatch(page.body, new RegExp(`<label for="${label}">`));
        }

        await setApiAccess(t.app.context, account.account.id, false);
        const off = await portalRequest(t, session, 'GET', '/portal/settings');
        expectMatch(off.body, /API access <span class="badge danger">Off<\/span>/);
        expectMatch(off.body, /Only the Punchclock operator can switch API access on/);
      });
    });

    test('managers and employees get the 403 page, for the page and its actions', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        for (const role of ['manager', 'employee'] as const) {
          const user = await addPortalUser(t, account.account.id, role);
          const session = await signIn(t, user.email);
          const page = await portalRequest(t, session, 'GET', '/portal/settings');
          assert.equal(page.statusCode, 403);
          expectMatch(page.body, /Only administrators/);
          // Managers do not see Settings in the navigation.
          expectNoMatch(page.body, /href="\/portal\/settings"/);
          const post = await portalRequest(t, session, 'POST', '/portal/settings/account', {
            name: 'Taken over',
            timezone: 'UTC',
          });
          assert.equal(post.statusCode, 403);
          const upgrade = await portalRequest(t, session, 'POST', '/portal/settings/api-version');
          assert.equal(upgrade.statusCode, 403);
        }
        assert.equal((await findAccount(t.db.db, account.account.id))?.name, account.account.name);
      });
    });

    test('account name and time zone save; an invalid zone or an empty name comes back as a message', async () => {
      await withTestApp(dialect, async (t) => {
        const { account, session } = await adminSession(t);
        const saved = await portalRequest(t, session, 'POST', '/portal/settings/account', {
          name: '  Northwind Kitchens ',
          timezone: 'Europe/Berlin',
        });
        assert.equal(saved.statusCode, 303);
        assert.equal(saved.headers.location, '/portal/settings?saved=account');
        const row = await findAccount(t.db.db, account.account.id);
        assert.equal(row?.name, 'Northwind Kitchens');
        assert.equal(row?.timezone, 'Europe/Berlin');
        const page = await portalRequest(t, session, 'GET', '/portal/settings?saved=account');
        expectMatch(page.body, /Account details saved\./);
        expectMatch(page.body, /value="Northwind Kitchens"/);

        const badZone = await portalRequest(t, session, 'POST', '/portal/settings/account', {
          name: 'Renamed',
          timezone: 'Mars/Olympus_Mons',
        });
        assert.equal(badZone.statusCode, 400);
        expectMatch(badZone.body, /role="alert"/);
        expectMatch(
          badZone.body,
          /&#34;Mars\/Olympus_Mons&#34; is not an IANA time zone|"Mars\/Olympus_Mons" is not an IANA time zone/,
        );
        // The form keeps what was typed and marks the field.
        expectMatch(badZone.body, /value="Mars\/Olympus_Mons"[^>]*aria-invalid="true"/);
        assert.equal((await findAccount(t.db.db, account.account.id))?.name, 'Northwind Kitchens');

        const noName = await portalRequest(t, session, 'POST', '/portal/settings/account', {
          name: '   ',
          timezone: 'UTC',
        });
        assert.equal(noName.statusCode, 400);
        expectMatch(noName.body, /The account name has 1 to 200 characters\./);
      });
    });

    test('upgrading the API version shows the changelog, pins the latest version and applies at once', async () => {
      await withTestApp(dialect, async (t) => {
        const { account, session } = await adminSession(t);
        await updateAccount(t.db.db, account.account.id, {
          api_version: OLDEST_VERSION,
          updated_at: t.clock.now().toISOString(),
        });
        t.app.context.keyCache.invalidateAccount(account.account.id);
        const before = await call(t, 'GET', '/v1/employees', { key: account.key });
        assert.equal(before.headers['x-api-version'], OLDEST_VERSION);

        const page = await portalRequest(t, session, 'GET', '/portal/settings');
        expectMatch(page.body, new RegExp(`Pinned to <code>${OLDEST_VERSION}</code>`));
        expectMatch(page.body, /Update available/);
        expectMatch(
          page.body,
          new RegExp(`data-open-dialog="upgrade-api-version"[^>]*>Upgrade to ${LATEST_API_VERSION}<`),
        );
        expectMatch(page.body, /<dialog id="upgrade-api-version"/);
        // What changes, from the version registry, and where the full changelog is.
        expectMatch(page.body, /<code>include=totalCount<\/code>/);
        expectMatch(page.body, /href="\/docs"/);

        const upgraded = await portalRequest(t, session, 'POST', '/portal/settings/api-version');
        assert.equal(upgraded.statusCode, 303);
        assert.equal(upgraded.headers.location, '/portal/settings?saved=api-version');
        assert.equal((await findAccount(t.db.db, account.account.id))?.api_version, LATEST_API_VERSION);
        // The key cache held the old pin: the next API request already uses the new one.
        const after = await call(t, 'GET', '/v1/employees', { key: account.key });
        assert.equal(after.headers['x-api-version'], LATEST_API_VERSION);

        const done = await portalRequest(t, session, 'GET', '/portal/settings?saved=api-version');
        expectMatch(done.body, new RegExp(`The account now uses API version ${LATEST_API_VERSION}\\.`));
        expectNoMatch(done.body, /<dialog id="upgrade-api-version"/);
      });
    });

    test('pay schedule and overtime rule save through the pay-schedule service', async () => {
      await withTestApp(dialect, async (t) => {
        const { account, session } = await adminSession(t);
        const saved = await schedulePost(t, session, {
          frequency: 'weekly',
          anchorDate: '2026-11-02',
          type: 'california',
          // Thresholds count only with the custom rule.
          dailyOvertimeAfterHours: '9',
        });
        assert.equal(saved.statusCode, 303, saved.body);
        assert.equal(saved.headers.location, '/portal/settings?saved=pay-schedule');
        let schedule = await getPaySchedule(t.app.context, account.account.id);
        assert.equal(schedule.frequency, 'weekly');
        assert.equal(schedule.anchorDate, '2026-11-02');
        assert.equal(schedule.overtimeRule.type, 'california');

        const custom = await schedulePost(t, session, {
          frequency: 'weekly',
          anchorDate: '2026-11-02',
          type: 'custom',
          dailyOvertimeAfterHours: '10',
          dailyDoubleTimeAfterHours: '12.5',
        });
        assert.equal(custom.statusCode, 303, custom.body);
        schedule = await getPaySchedule(t.app.context, account.account.id);
        assert.deepEqual(schedule.overtimeRule, {
          type: 'custom',
          dailyOvertimeAfterHours: 10,
          dailyDoubleTimeAfterHours: 12.5,
          weeklyOvertimeAfterHours: null,
        });
        const page = await portalRequest(t, session, 'GET', '/portal/settings?saved=pay-schedule');
        expectMatch(page.body, /Pay schedule and overtime rule saved\./);
        expectMatch(page.body, /<option value="custom" selected>/);
        expectMatch(page.body, /id="schedule-dailyDoubleTimeAfterHours"[^>]*value="12.5"/);
      });
    });

    test('the rounding rule saves with the pay schedule and shows as saved', async () => {
      await withTestApp(dialect, async (t) => {
        const { account, session } = await adminSession(t);
        const page = await portalRequest(t, session, 'GET', '/portal/settings');
        // The default: not rounded, no grace.
        expectMatch(page.body, /<select id="schedule-clockIn-mode"[^>]*><option value="none" selected>/);
        expectMatch(page.body, /id="schedule-beforeStartMinutes"[^>]*value="0"/);
        const saved = await schedulePost(t, session, {
          clockInMode: 'nearest',
          clockInMinutes: '15',
          clockOutMode: 'down',
          clockOutMinutes: '6',
          beforeStartMinutes: '7',
          afterEndMinutes: '',
        });
        assert.equal(saved.statusCode, 303, saved.body);
        assert.deepEqual((await getPaySchedule(t.app.context, account.account.id)).rounding, {
          clockIn: { mode: 'nearest', minutes: 15 },
          clockOut: { mode: 'down', minutes: 6 },
          shiftGrace: { beforeStartMinutes: 7, afterEndMinutes: 0 },
        });
        const after = await portalRequest(t, session, 'GET', '/portal/settings?saved=pay-schedule');
        expectMatch(after.body, /<option value="nearest" selected>To the nearest step<\/option>/);
        expectMatch(after.body, /<option value="15" selected>15 minutes<\/option>/);
        expectMatch(after.body, /<option value="6" selected>6 minutes<\/option>/);
        expectMatch(after.body, /id="schedule-beforeStartMinutes"[^>]*value="7"/);
        expectMatch(after.body, /punches and time entries already recorded keep their times/);

        // Refusals name the field, as the API's do, and change nothing.
        const cases: [Partial<Record<string, string>>, RegExp, string][] = [
          [{ beforeStartMinutes: '61' }, /beforeStartMinutes/, 'schedule-beforeStartMinutes'],
          [{ afterEndMinutes: 'ten' }, /afterEndMinutes/, 'schedule-afterEndMinutes'],
          [{ clockOutMinutes: '7' }, /minutes/, 'schedule-clockOut-minutes'],
          [{ clockInMode: 'sideways' }, /mode/, 'schedule-clockIn-mode'],
        ];
        for (const [form, message, id] of cases) {
          const response = await schedulePost(t, session, form);
          assert.equal(response.statusCode, 400, JSON.stringify(form));
          expectMatch(response.body, message);
          expectMatch(response.body, new RegExp(`id="${id}"[^>]*aria-invalid="true"`));
        }
        assert.equal(
          (await getPaySchedule(t.app.context, account.account.id)).rounding.clockIn.mode,
          'nearest',
        );
      });
    });

    test('pay schedule errors come back as messages with the status the API gives', async () => {
      await withTestApp(dialect, async (t) => {
        const { account, session } = await adminSession(t);
        const cases: [Partial<Record<string, string>>, RegExp, string][] = [
          [
            { frequency: 'semimonthly', anchorDate: '2026-11-03' },
            /anchorDate must be a 1st or a 16th/,
            'anchorDate',
          ],
          [{ anchorDate: 'next tuesday' }, /anchorDate/, 'anchorDate'],
          [{ frequency: 'fortnightly' }, /frequency/, 'frequency'],
          [
            { type: 'custom', dailyOvertimeAfterHours: '10', dailyDoubleTimeAfterHours: '8' },
            /dailyDoubleTimeAfterHours must be greater than dailyOvertimeAfterHours/,
            'overtimeRule.dailyDoubleTimeAfterHours',
          ],
          [
            { type: 'custom', weeklyOvertimeAfterHours: 'forty' },
            /weeklyOvertimeAfterHours/,
            'overtimeRule.weeklyOvertimeAfterHours',
          ],
          [
            { type: 'custom', dailyOvertimeAfterHours: '30' },
            /dailyOvertimeAfterHours/,
            'overtimeRule.dailyOvertimeAfterHours',
          ],
        ];
        for (const [form, message, param] of cases) {
          const response = await schedulePost(t, session, form);
          assert.equal(response.statusCode, 400, JSON.stringify(form));
          expectMatch(response.body, message);
          expectMatch(response.body, /class="alert error" role="alert"/);
          assert.ok(response.body.includes('aria-invalid="true"'), `${param} is marked`);
        }
        // Nothing changed.
        const schedule = await getPaySchedule(t.app.context, account.account.id);
        assert.equal(schedule.frequency, 'biweekly');

        // A locked current period refuses a new frequency: 409, the service's message.
        const period = await currentPayPeriodRow(t.app.context, account.account.id);
        await setPayPeriodLocked(t.app.context, account.account.id, period.id, true);
        const locked = await schedulePost(t, session, { frequency: 'weekly', anchorDate: '2026-11-02' });
        assert.equal(locked.statusCode, 409);
        expectMatch(locked.body, /locked/);
        assert.equal((await getPaySchedule(t.app.context, account.account.id)).frequency, 'biweekly');
      });
    });

    test('every settings action needs the CSRF token', async () => {
      await withTestApp(dialect, async (t) => {
        const { account, session } = await adminSession(t);
        for (const url of [
          '/portal/settings/account',
          '/portal/settings/api-version',
          '/portal/settings/pay-schedule',
        ]) {
          const response = await portalRequest(
            t,
            session,
            'POST',
            url,
            {
              name: 'Hijacked',
              timezone: 'UTC',
              frequency: 'weekly',
              anchorDate: '2026-11-02',
              type: 'none',
            },
            { csrf: false },
          );
          assert.equal(response.statusCode, 403, url);
          expectMatch(response.body, /CSRF token/);
        }
        const row = await findAccount(t.db.db, account.account.id);
        assert.equal(row?.name, account.account.name);
        assert.equal((await getPaySchedule(t.app.context, account.account.id)).frequency, 'biweekly');
      });
    });
  });
}
