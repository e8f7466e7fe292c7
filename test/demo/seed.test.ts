import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DemoCredentials, demoBanner, seedDemoIfEmpty } from '../../src/demo/seed.js';
import { currentPayPeriodRow } from '../../src/resources/pay-periods/service.js';
import { computePayPeriodCards } from '../../src/resources/time-cards/service.js';
import { call, createTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';

interface List<T> {
  data: T[];
  hasMore: boolean;
  totalCount?: number;
}
type Json = Record<string, unknown>;

/** Wednesday 4 November 2026, 10:00 in New York: the week before was Wed 28 Oct – Tue 3 Nov. */
const NOW = '2026-11-04T15:00:00.000Z';
const HOUR = 3600;

for (const dialect of DIALECTS) {
  describe(`demo seed (${dialect})`, () => {
    let t: TestApp;
    let demo: DemoCredentials;

    before(async () => {
      t = await createTestApp(dialect);
      t.clock.set(NOW);
      const seeded = await seedDemoIfEmpty(t.app.context);
      assert.ok(seeded, 'an empty database gets the demo');
      demo = seeded;
    });
    after(() => t.close());

    const list = async <T = Json>(path: string): Promise<List<T>> => {
      const separator = path.includes('?') ? '&' : '?';
      const res = await call<List<T>>(t, 'GET', `${path}${separator}limit=100&include=totalCount`, {
        key: demo.apiKey,
      });
      assert.equal(res.status, 200, `${path}: ${res.raw}`);
      return res.body;
    };

    test('seeds only an empty database, and prints the account and the key', async () => {
      assert.equal(await seedDemoIfEmpty(t.app.context), null);
      assert.match(demo.accountId, /^acct_/);
      assert.match(demo.apiKey, /^pc_live_[0-9a-f]{40}$/);
      const banner = demoBanner(demo, 'http://127.0.0.1:3000');
      assert.ok(banner.includes(demo.accountId));
      assert.ok(banner.includes(demo.apiKey));
      assert.ok(banner.includes(demo.adminPassword));
    });

    test('three locations with coordinates; the geofenced one warns', async () => {
      const locations = await list<Json>('/v1/locations');
      assert.equal(locations.totalCount, 3);
      for (const location of locations.data) {
        assert.equal(typeof location.latitude, 'number');
        assert.equal(typeof location.longitude, 'number');
      }
      const warned = locations.data.filter((location) => location.geofenceMode === 'warn');
      assert.equal(warned.length, 1);
      const fences = await list<Json>('/v1/geofences');
      assert.equal(fences.totalCount, 1);
      assert.equal(fences.data[0]?.locationId, warned[0]?.id);
    });

    test('department codes, positions, cost codes and a group with members', async () => {
      assert.equal((await list('/v1/department-codes')).totalCount, 2);
      assert.equal((await list('/v1/positions')).totalCount, 4);
      assert.equal((await list('/v1/cost-codes')).totalCount, 2);
      const groups = await list<{ employeeIds: string[] }>('/v1/groups');
      assert.equal(groups.totalCount, 1);
      assert.equal(groups.data[0]?.employeeIds.length, 3);
    });

    test('twelve employees, each at a location in a position and a department; two on the clock', async () => {
      const employees = await list<{
        email: string;
        locationIds: string[];
        positionId: string | null;
        departmentCodeId: string | null;
      }>('/v1/employees');
      assert.equal(employees.totalCount, 12);
      for (const employee of employees.data) {
        assert.equal(employee.locationIds.length, 1);
        assert.ok(employee.positionId);
        assert.ok(employee.departmentCodeId);
        assert.match(employee.email, /^[a-z]+\.[a-z]+@demo\.punchclock\.test$/);
      }
      assert.equal((await list('/v1/employees?clockedIn=true')).totalCount, 2);
    });

    test('a week of punches and the time entries they made; one punch flagged outside the fence', async () => {
      // Ten people, five workdays, four punches each, and today's two clock-ins.
      assert.equal((await list('/v1/punches')).totalCount, 10 * 5 * 4 + 2);
      const all: { withinGeofence: boolean | null; at: string }[] = [];
      let cursor = '';
      for (;;) {
        const res = await call<List<{ id: string; withinGeofence: boolean | null; at: string }>>(
          t,
          'GET',
          `/v1/punches?limit=100${cursor}`,
          { key: demo.apiKey },
        );
        all.push(...res.body.data);
        if (!res.body.hasMore) break;
        cursor = `&startingAfter=${res.body.data.at(-1)?.id}`;
      }
      assert.equal(all.filter((p) => p.withinGeofence === false).length, 1);
      assert.ok(all.every((p) => p.at <= NOW && p.at >= '2026-10-28'));

      assert.equal((await list('/v1/time-entries?status=closed')).totalCount, 10 * 5);
      assert.equal((await list('/v1/time-entries?status=open')).totalCount, 2);
    });

    test('time cards of the weekly period: 8 h a workday after the unpaid break', async () => {
      const ctx = t.app.context;
      const period = await currentPayPeriodRow(ctx, demo.accountId);
      assert.deepEqual([period.start_date, period.end_date], ['2026-11-02', '2026-11-08']);
      const cards = await computePayPeriodCards(ctx, demo.accountId, period);
      assert.equal(cards.length, 12);
      // Monday and Tuesday worked by everyone; the two on the clock now add their open time today.
      const worked = cards.map((card) => card.workedSeconds).sort((a, b) => a - b);
      assert.deepEqual(worked.slice(0, 2), [0, 0]);
      assert.deepEqual(worked.slice(2, 10), Array(8).fill(16 * HOUR));
      assert.deepEqual(worked.slice(10), [16 * HOUR + 2.25 * HOUR, 16 * HOUR + 3 * HOUR]);
    });

    test('shifts: this week published, next week drafts, and one open shift', async () => {
      const thisWeek = await list<{ published: boolean }>(
        '/v1/shifts?from=2026-11-02T05:00:00Z&to=2026-11-09T05:00:00Z',
      );
      assert.equal(thisWeek.totalCount, 50);
      assert.ok(thisWeek.data.every((shift) => shift.published));
      const nextWeek = await list<{ published: boolean; employeeId: string | null }>(
        '/v1/shifts?from=2026-11-09T05:00:00Z&to=2026-11-16T05:00:00Z',
      );
      assert.equal(nextWeek.totalCount, 51);
      assert.equal(nextWeek.data.filter((shift) => shift.published).length, 1);
      const open = await list<{ published: boolean }>('/v1/shifts?open=true');
      assert.equal(open.totalCount, 1);
      assert.equal(open.data[0]?.published, true);
    });

    test('a pending time-off request and a weekly pay schedule with weekly40 overtime', async () => {
      const requests = await list<{ status: string }>('/v1/time-off');
      assert.equal(requests.totalCount, 1);
      assert.equal(requests.data[0]?.status, 'requested');
      const schedule = await call<{ frequency: string; overtimeRule: { type: string } }>(
        t,
        'GET',
        '/v1/pay-schedule',
        { key: demo.apiKey },
      );
      assert.equal(schedule.status, 200, schedule.raw);
      assert.equal(schedule.body.frequency, 'weekly');
      assert.equal(schedule.body.overtimeRule.type, 'weekly40');
    });
  });
}

describe('demo seed on a weekend night', () => {
  test('people clocked in late on Sunday are still on the clock, after a full week of work', async () => {
    const t = await createTestApp('sqlite');
    try {
      // Sunday 1 November 2026, 01:30 in New York: the night the clocks go back.
      t.clock.set('2026-11-01T05:30:00.000Z');
      const demo = await seedDemoIfEmpty(t.app.context);
      assert.ok(demo);
      const res = await call<List<unknown>>(t, 'GET', '/v1/employees?clockedIn=true&include=totalCount', {
        key: demo.apiKey,
      });
      assert.equal(res.body.totalCount, 2);
      const punches = await call<List<unknown>>(t, 'GET', '/v1/punches?include=totalCount', {
        key: demo.apiKey,
      });
      assert.equal(punches.body.totalCount, 10 * 5 * 4 + 2);
    } finally {
      await t.close();
    }
  });
});
