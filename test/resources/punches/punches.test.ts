import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { distanceMeters } from '../../../src/shared/geo.js';
import { localDateOf } from '../../../src/shared/local-time.js';
import { call, createTestAccount } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { describeListContract } from '../../helpers/list-suite.js';
import { assertApiError } from '../../helpers/security-suite.js';
import {
  clockStatusOf,
  createEmployee,
  entriesOf,
  insertCode,
  insertGeofence,
  insertLocation,
  type List,
  lockPayPeriod,
  type Punch,
  punchesOf,
  type TimeEntry,
} from '../time-entries/fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The Willis Tower, and a point about 1.1 km north of it. */
const SITE = { latitude: 41.8789, longitude: -87.6359 };
const AWAY = { latitude: 41.8889, longitude: -87.6359 };

describeEachDialect('punches', ({ t, account }) => {
  const punch = (body: Record<string, unknown>, key = account.key) =>
    call<Punch>(t, 'POST', '/v1/punches', { key, body });
  const punchOk = async (body: Record<string, unknown>) => {
    const res = await punch(body);
    assert.equal(res.status, 201, res.raw);
    return res.body;
  };

  test('in → break_start → break_end → out makes one closed entry with the break subtracted', async () => {
    const employeeId = await createEmployee(t, account);
    const start = t.clock.now().toISOString();
    const clockIn = await punch({ employeeId, type: 'in' });
    assert.equal(clockIn.status, 201, clockIn.raw);
    assert.match(clockIn.body.id, /^pun_[0-9A-Z]{26}$/);
    assert.match(String(clockIn.body.timeEntryId), /^ten_[0-9A-Z]{26}$/);
    assert.deepEqual(
      { ...clockIn.body, id: undefined, timeEntryId: undefined },
      {
        id: undefined,
        object: 'punch',
        employeeId,
        type: 'in',
        at: start,
        countedAt: start,
        locationId: null,
        departmentCodeId: null,
        costCodeId: null,
        latitude: null,
        longitude: null,
        accuracyMeters: null,
        source: 'api',
        withinGeofence: null,
        distanceMeters: null,
        geofenceId: null,
        timeEntryId: undefined,
        createdAt: start,
        updatedAt: start,
      },
    );
    assert.equal(await clockStatusOf(t, account, employeeId), 'in');
    const [open] = await entriesOf(t, account, employeeId);
    assert.equal(open?.id, clockIn.body.timeEntryId);
    assert.deepEqual(
      {
        status: open?.status,
        source: open?.source,
        start: open?.start,
        end: open?.end,
        punchedStart: open?.punchedStart,
        punchedEnd: open?.punchedEnd,
      },
      { status: 'open', source: 'punch', start, end: null, punchedStart: start, punchedEnd: null },
    );
    assert.equal(open?.durationSeconds, null);

    t.clock.advance(4 * HOUR);
    const breakStart = await punchOk({ employeeId, type: 'break_start', source: 'kiosk' });
    assert.equal(breakStart.source, 'kiosk');
    assert.equal(await clockStatusOf(t, account, employeeId), 'on_break');
    t.clock.advance(30 * MINUTE);
    await punchOk({ employeeId, type: 'break_end' });
    assert.equal(await clockStatusOf(t, account, employeeId), 'in');
    t.clock.advance(4 * HOUR);
    const end = t.clock.now().toISOString();
    const clockOut = await punchOk({ employeeId, type: 'out' });
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
    // The employee object shows the clock status, so incremental sync must see it change.
    const employee = await call(t, 'GET', `/v1/employees/${employeeId}`, { key: account.key });
    assert.equal(employee.body.updatedAt, end);

    const punches = await punchesOf(t, account, employeeId);
    assert.deepEqual(
      punches.map((p) => p.type),
      ['out', 'break_end', 'break_start', 'in'],
    );
    assert.ok(punches.every((p) => p.timeEntryId === clockIn.body.timeEntryId));
    const entry = await call<TimeEntry>(t, 'GET', `/v1/time-entries/${clockOut.timeEntryId}`, {
      key: account.key,
    });
    assert.equal(entry.status, 200, entry.raw);
    assert.deepEqual(
      {
        start: entry.body.start,
        end: entry.body.end,
        punchedStart: entry.body.punchedStart,
        punchedEnd: entry.body.punchedEnd,
        breakSeconds: entry.body.breakSeconds,
        durationSeconds: entry.body.durationSeconds,
        status: entry.body.status,
        updatedAt: entry.body.updatedAt,
      },
      {
        start,
        end,
        punchedStart: start,
        punchedEnd: end,
        breakSeconds: 1800,
        durationSeconds: 8 * 3600,
        status: 'closed',
        updatedAt: end,
      },
    );

    const fetched = await call<Punch>(t, 'GET', `/v1/punches/${clockIn.body.id}`, { key: account.key });
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, clockIn.body);
  });

  test('clocking out during a break ends the break at the punch', async () => {
    const employeeId = await createEmployee(t, account);
    await punchOk({ employeeId, type: 'in' });
    t.clock.advance(2 * HOUR);
    await punchOk({ employeeId, type: 'break_start' });
    t.clock.advance(20 * MINUTE);
    const out = await punchOk({ employeeId, type: 'out' });
    const [entry] = await entriesOf(t, account, employeeId);
    assert.equal(entry?.id, out.timeEntryId);
    assert.equal(entry?.breakSeconds, 20 * 60);
    assert.equal(entry?.durationSeconds, 2 * 3600);
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
  });

  test('each punch that does not fit the clock state → 409 with its code, and nothing is stored', async () => {
    const employeeId = await createEmployee(t, account);
    const refuse = async (type: string, code: Parameters<typeof assertApiError>[2]) => {
      const before = (await punchesOf(t, account, employeeId)).length;
      const status = await clockStatusOf(t, account, employeeId);
      t.clock.advance(MINUTE);
      assertApiError(await punch({ employeeId, type }), 409, code, { messageIncludes: employeeId });
      assert.equal((await punchesOf(t, account, employeeId)).length, before);
      assert.equal(await clockStatusOf(t, account, employeeId), status);
    };
    await refuse('out', 'not_clocked_in');
    await refuse('break_start', 'not_clocked_in');
    await refuse('break_end', 'not_on_break');
    await punchOk({ employeeId, type: 'in' });
    await refuse('in', 'already_clocked_in');
    await refuse('break_end', 'not_on_break');
    t.clock.advance(MINUTE);
    await punchOk({ employeeId, type: 'break_start' });
    await refuse('break_start', 'already_on_break');
    await refuse('in', 'already_clocked_in');
    assert.equal((await entriesOf(t, account, employeeId)).length, 1);
  });

  test('an inactive employee cannot punch → 409 employee_inactive', async () => {
    const employeeId = await createEmployee(t, account, false);
    assertApiError(await punch({ employeeId, type: 'in' }), 409, 'employee_inactive');
    assert.deepEqual(await punchesOf(t, account, employeeId), []);
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
  });

  test('`at`: defaults to now, may be a little ahead, never far ahead nor before the latest punch', async () => {
    const employeeId = await createEmployee(t, account);
    const now = t.clock.now().getTime();
    assertApiError(
      await punch({ employeeId, type: 'in', at: new Date(now + 61_000).toISOString() }),
      400,
      'parameter_invalid',
      { param: 'at', messageIncludes: 'future' },
    );
    assertApiError(await punch({ employeeId, type: 'in', at: 'tomorrow' }), 400, 'parameter_invalid', {
      param: 'at',
    });
    // Offsets are accepted and stored in UTC.
    const backdated = await punchOk({ employeeId, type: 'in', at: '2026-11-01T05:00:00-05:00' });
    assert.equal(backdated.at, '2026-11-01T10:00:00.000Z');
    const ahead = await punchOk({
      employeeId,
      type: 'break_start',
      at: new Date(now + 59_000).toISOString(),
    });
    assert.equal(ahead.at, new Date(now + 59_000).toISOString());
    t.clock.advance(HOUR);
    const early = await punch({ employeeId, type: 'break_end', at: new Date(now).toISOString() });
    assertApiError(early, 400, 'parameter_invalid', { param: 'at', messageIncludes: ahead.id });
    assert.equal(await clockStatusOf(t, account, employeeId), 'on_break');
    await punchOk({ employeeId, type: 'break_end', at: new Date(now + 59_000).toISOString() });
    const [entry] = await entriesOf(t, account, employeeId);
    assert.equal(entry?.breakSeconds, 0);
  });

  test('bad or unknown references → 400/404 naming the parameter; nothing is stored', async () => {
    const employeeId = await createEmployee(t, account);
    const other = await createTestAccount(t);
    const theirEmployee = await createEmployee(t, other);
    const theirLocation = await insertLocation(t, other);
    const missing = 'emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H';
    const cases: [Record<string, unknown>, number, string][] = [
      [{ employeeId: missing, type: 'in' }, 404, 'employeeId'],
      [{ employeeId: theirEmployee, type: 'in' }, 404, 'employeeId'],
      [{ employeeId, type: 'in', locationId: theirLocation }, 404, 'locationId'],
      [
        { employeeId, type: 'in', departmentCodeId: 'dep_01JD2X6Y3Z4A5B6C7D8E9F0G1H' },
        404,
        'departmentCodeId',
      ],
      [{ employeeId, type: 'in', costCodeId: 'cst_01JD2X6Y3Z4A5B6C7D8E9F0G1H' }, 404, 'costCodeId'],
      [{ employeeId, type: 'lunch' }, 400, 'type'],
      [{ type: 'in' }, 400, 'employeeId'],
      [{ employeeId, type: 'in', latitude: 41.9 }, 400, 'longitude'],
      [{ employeeId, type: 'in', longitude: -87.6 }, 400, 'latitude'],
      [{ employeeId, type: 'in', latitude: 91, longitude: 0 }, 400, 'latitude'],
      [{ employeeId, type: 'in', latitude: 0, longitude: -181 }, 400, 'longitude'],
      [{ employeeId, type: 'in', accuracyMeters: -1 }, 400, 'accuracyMeters'],
      [{ employeeId, type: 'in', source: 'watch' }, 400, 'source'],
      [{ employeeId, type: 'in', note: 'x' }, 400, 'note'],
    ];
    for (const [body, status, param] of cases) {
      const code = status === 404 ? 'resource_not_found' : 'parameter_invalid';
      assertApiError(await punch(body), status, code, { param });
    }
    assert.deepEqual(await punchesOf(t, account, employeeId), []);
    assert.equal(await clockStatusOf(t, other, theirEmployee), 'out');

    const departmentCodeId = await insertCode(t, account, 'department_codes');
    const costCodeId = await insertCode(t, account, 'cost_codes');
    const locationId = await insertLocation(t, account);
    const withCodes = await punchOk({ employeeId, type: 'in', departmentCodeId, costCodeId, locationId });
    const [entry] = await entriesOf(t, account, employeeId);
    assert.deepEqual(
      [entry?.departmentCodeId, entry?.costCodeId, entry?.locationId],
      [departmentCodeId, costCodeId, locationId],
    );
    assert.deepEqual(
      [withCodes.departmentCodeId, withCodes.costCodeId, withCodes.locationId],
      [departmentCodeId, costCodeId, locationId],
    );
  });

  test('geofence mode warn: the verdict and the distance are recorded', async () => {
    const locationId = await insertLocation(t, account, 'warn');
    const fenceId = await insertGeofence(t, account, { ...SITE, radiusMeters: 150, locationId });
    const employeeId = await createEmployee(t, account);
    const outside = await punchOk({ employeeId, type: 'in', locationId, ...AWAY, accuracyMeters: 8 });
    assert.equal(outside.withinGeofence, false);
    assert.equal(outside.distanceMeters, Math.round(distanceMeters(AWAY, SITE) * 10) / 10);
    assert.ok((outside.distanceMeters ?? 0) > 1000 && (outside.distanceMeters ?? 0) < 1200);
    assert.equal(outside.geofenceId, fenceId);
    assert.deepEqual(
      [outside.latitude, outside.longitude, outside.accuracyMeters],
      [AWAY.latitude, AWAY.longitude, 8],
    );

    t.clock.advance(HOUR);
    const near = { latitude: SITE.latitude + 0.0005, longitude: SITE.longitude };
    const inside = await punchOk({ employeeId, type: 'out', locationId, ...near });
    assert.equal(inside.withinGeofence, true);
    assert.ok(
      (inside.distanceMeters ?? 0) > 50 && (inside.distanceMeters ?? 0) < 60,
      String(inside.distanceMeters),
    );

    // Without coordinates a warn location records no verdict.
    t.clock.advance(HOUR);
    const blind = await punchOk({ employeeId, type: 'in', locationId });
    assert.deepEqual([blind.withinGeofence, blind.distanceMeters, blind.geofenceId], [null, null, null]);
  });

  test('no applicable geofence, or mode off → no verdict; inactive fences do not count', async () => {
    const employeeId = await createEmployee(t, account);
    const bare = await insertLocation(t, account, 'block');
    await insertGeofence(t, account, { ...SITE, radiusMeters: 100, locationId: bare, active: false });
    const first = await punchOk({ employeeId, type: 'in', locationId: bare, ...AWAY });
    assert.deepEqual([first.withinGeofence, first.distanceMeters], [null, null]);

    const off = await insertLocation(t, account, 'off');
    await insertGeofence(t, account, { ...SITE, radiusMeters: 100, locationId: off });
    t.clock.advance(HOUR);
    const second = await punchOk({ employeeId, type: 'out', locationId: off, ...AWAY });
    assert.deepEqual([second.withinGeofence, second.distanceMeters], [null, null]);
  });

  test('geofence mode block: outside → 403 and nothing stored; no position → 400; inside → recorded', async () => {
    const locationId = await insertLocation(t, account, 'block');
    await insertGeofence(t, account, { ...SITE, radiusMeters: 200, locationId });
    const employeeId = await createEmployee(t, account);

    const refused = await punch({ employeeId, type: 'in', locationId, ...AWAY });
    const error = assertApiError(refused, 403, 'outside_geofence', { messageIncludes: locationId });
    assert.ok(error.message.includes(`${Math.round(distanceMeters(AWAY, SITE) * 10) / 10} m`), error.message);
    assertApiError(await punch({ employeeId, type: 'in', locationId }), 400, 'parameter_invalid', {
      param: 'latitude',
    });
    assert.deepEqual(await punchesOf(t, account, employeeId), []);
    assert.deepEqual(await entriesOf(t, account, employeeId), []);
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');

    const inside = await punchOk({ employeeId, type: 'in', locationId, ...SITE });
    assert.deepEqual([inside.withinGeofence, inside.distanceMeters], [true, 0]);
  });

  test('a geofence assigned to the employee applies at any geofenced location, and the nearest one decides the distance', async () => {
    const locationId = await insertLocation(t, account, 'block');
    const employeeId = await createEmployee(t, account);
    const someoneElse = await createEmployee(t, account);
    const personal = await insertGeofence(t, account, {
      ...AWAY,
      radiusMeters: 100,
      employeeIds: [employeeId],
    });
    await insertGeofence(t, account, { ...SITE, radiusMeters: 50, locationId });

    const atHome = await punchOk({ employeeId, type: 'in', locationId, ...AWAY });
    assert.deepEqual([atHome.withinGeofence, atHome.geofenceId, atHome.distanceMeters], [true, personal, 0]);
    // The other employee has only the location's fence, and AWAY is outside it.
    assertApiError(
      await punch({ employeeId: someoneElse, type: 'in', locationId, ...AWAY }),
      403,
      'outside_geofence',
    );
  });

  test('a punch inside a locked pay period → 409 pay_period_locked, nothing stored', async () => {
    const employeeId = await createEmployee(t, account);
    const now = t.clock.now().getTime();
    const lockedAt = new Date(now - 2 * 24 * HOUR).toISOString();
    // Pay periods are cut in the account's zone (America/New_York in tests).
    const lockedDate = localDateOf(lockedAt, 'America/New_York');
    await lockPayPeriod(t, account, lockedDate, lockedDate);
    const refused = await punch({ employeeId, type: 'in', at: lockedAt });
    assertApiError(refused, 409, 'pay_period_locked', { messageIncludes: lockedDate });
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
    assert.deepEqual(await punchesOf(t, account, employeeId), []);
    assert.deepEqual(await entriesOf(t, account, employeeId), []);
    // A day later is another local date, outside the locked period.
    await punchOk({ employeeId, type: 'in', at: new Date(now - 24 * HOUR).toISOString() });
  });

  test('clocking in inside an existing entry → 409 time_entry_overlap', async () => {
    const employeeId = await createEmployee(t, account);
    const now = t.clock.now().getTime();
    const manual = await call<TimeEntry>(t, 'POST', '/v1/time-entries', {
      key: account.key,
      body: {
        employeeId,
        start: new Date(now - 2 * HOUR).toISOString(),
        end: new Date(now + HOUR).toISOString(),
      },
    });
    assert.equal(manual.status, 201, manual.raw);
    assertApiError(await punch({ employeeId, type: 'in' }), 409, 'time_entry_overlap', {
      messageIncludes: manual.body.id,
    });
    // An open entry runs to +∞, so a clock-in before a later entry overlaps it too.
    assertApiError(
      await punch({ employeeId, type: 'in', at: new Date(now - 3 * HOUR).toISOString() }),
      409,
      'time_entry_overlap',
    );
    assert.equal(await clockStatusOf(t, account, employeeId), 'out');
    t.clock.advance(HOUR);
    await punchOk({ employeeId, type: 'in' });
  });

  test('two simultaneous clock-ins open exactly one entry', async () => {
    for (let round = 0; round < 3; round++) {
      const employeeId = await createEmployee(t, account);
      const results = await Promise.all([
        punch({ employeeId, type: 'in' }),
        punch({ employeeId, type: 'in' }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [201, 409], results.map((r) => r.raw).join('\n'));
      const refused = results.find((r) => r.status === 409);
      assert.ok(refused);
      assertApiError(refused, 409, 'already_clocked_in');
      const entries = await entriesOf(t, account, employeeId);
      assert.equal(entries.length, 1);
      assert.equal(entries[0]?.status, 'open');
      assert.equal((await punchesOf(t, account, employeeId)).length, 1);
    }
  });

  test("another account's punch → 404, word for word as a missing one", async () => {
    const other = await createTestAccount(t);
    const theirEmployee = await createEmployee(t, other);
    const theirs = await call<Punch>(t, 'POST', '/v1/punches', {
      key: other.key,
      body: { employeeId: theirEmployee, type: 'in' },
    });
    assert.equal(theirs.status, 201);
    const res = await call(t, 'GET', `/v1/punches/${theirs.body.id}`, { key: account.key });
    assertApiError(res, 404, 'resource_not_found', { param: 'id', messageIncludes: theirs.body.id });
    const bad = await call(t, 'GET', '/v1/punches/emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H', { key: account.key });
    assertApiError(bad, 400, 'parameter_invalid', { param: 'id' });
    for (const method of ['PATCH', 'DELETE'] as const) {
      const res2 = await call(t, method, `/v1/punches/${theirs.body.id}`, { key: account.key });
      assert.equal(res2.status, 404, `${method}: punches are immutable`);
    }
  });
});

describeEachDialect('punch filters', ({ t, account }) => {
  const ids: Record<string, string> = {};
  let alice: string;
  let bob: string;
  let siteA: string;

  before(async () => {
    alice = await createEmployee(t, account);
    bob = await createEmployee(t, account);
    siteA = await insertLocation(t, account);
    const script: [string, string, string, string | undefined][] = [
      ['aliceIn', alice, 'in', siteA],
      ['bobIn', bob, 'in', undefined],
      ['aliceOut', alice, 'out', siteA],
      ['bobOut', bob, 'out', undefined],
    ];
    for (const [name, employeeId, type, locationId] of script) {
      t.clock.advance(HOUR);
      const res = await call<Punch>(t, 'POST', '/v1/punches', {
        key: account.key,
        body: { employeeId, type, ...(locationId ? { locationId } : {}) },
      });
      assert.equal(res.status, 201, res.raw);
      ids[name] = res.body.id;
    }
  });

  const names = async (query: string) => {
    const res = await call<List<Punch>>(t, 'GET', `/v1/punches?${query}`, { key: account.key });
    assert.equal(res.status, 200, res.raw);
    return res.body.data.map((p) => Object.keys(ids).find((name) => ids[name] === p.id));
  };

  test('employeeId, locationId, and from (inclusive) / to (exclusive) on the punch time', async () => {
    assert.deepEqual(await names(`employeeId=${alice}`), ['aliceOut', 'aliceIn']);
    assert.deepEqual(await names(`locationId=${siteA}`), ['aliceOut', 'aliceIn']);
    // The punches were made at 13:00, 14:00, 15:00 and 16:00 UTC.
    assert.deepEqual(await names('from=2026-11-01T14:00:00Z&to=2026-11-01T16:00:00Z'), ['aliceOut', 'bobIn']);
    assert.deepEqual(await names('from=2026-11-01T10:00:00-05:00'), ['bobOut', 'aliceOut']);
    assert.deepEqual(await names(`to=2026-11-01T14:00:00Z&employeeId=${bob}`), []);
    assert.deepEqual(await names(`employeeId=${bob}&include=totalCount`), ['bobOut', 'bobIn']);
  });

  test('bad filters → 400 naming the parameter', async () => {
    for (const [query, param] of [
      ['from=yesterday', 'from'],
      ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'to'],
      ['employeeId=nobody', 'employeeId'],
      ['colour=blue', 'colour'],
    ] as const) {
      const res = await call(t, 'GET', `/v1/punches?${query}`, { key: account.key });
      assertApiError(res, 400, 'parameter_invalid', { param });
    }
  });
});

for (const dialect of DIALECTS) {
  describeListContract(dialect, {
    path: '/v1/punches',
    create: async (t, account) => {
      const employeeId = await createEmployee(t, account);
      const res = await call<Punch>(t, 'POST', '/v1/punches', {
        key: account.key,
        body: { employeeId, type: 'in' },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    },
  });
}
