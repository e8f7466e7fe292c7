import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, createTestAccount, createTestApp, type ErrorBody, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { describeListContract } from '../../helpers/list-suite.js';
import { assertApiError } from '../../helpers/security-suite.js';
import { createEmployee, type List } from '../code-catalogues/catalogue-suite.js';
import { insertPunch, insertShift, insertTimeEntry } from '../code-catalogues/referencing-rows.js';

type Location = {
  id: string;
  object: string;
  name: string;
  address: string | null;
  timezone: string;
  latitude: number | null;
  longitude: number | null;
  capacity: number | null;
  geofenceMode: string;
  createdAt: string;
  updatedAt: string;
};

describeEachDialect('locations', ({ t, account }) => {
  const create = (body: Record<string, unknown>, key = account.key) =>
    call<Location>(t, 'POST', '/v1/locations', { key, body });
  const fresh = async (body: Record<string, unknown> = {}) => {
    const res = await create({ name: 'Site', ...body });
    assert.equal(res.status, 201, res.raw);
    return res.body;
  };

  test("create returns the full object; without a timezone it takes the account's", async () => {
    const res = await create({ name: ' Main office ' });
    assert.equal(res.status, 201, res.raw);
    assert.match(res.body.id, /^loc_[0-9A-Z]{26}$/);
    assert.deepEqual(
      { ...res.body, id: undefined },
      {
        id: undefined,
        object: 'location',
        name: 'Main office',
        address: null,
        timezone: 'America/New_York',
        latitude: null,
        longitude: null,
        capacity: null,
        geofenceMode: 'off',
        createdAt: '2026-11-01T12:00:00.000Z',
        updatedAt: '2026-11-01T12:00:00.000Z',
      },
    );
    const full = await create({
      name: 'Yard',
      address: '1 Dock Rd',
      timezone: 'Europe/Berlin',
      latitude: 52.52,
      longitude: 13.405,
      capacity: 12,
      geofenceMode: 'block',
    });
    assert.equal(full.status, 201, full.raw);
    assert.equal(full.body.timezone, 'Europe/Berlin');
    assert.equal(full.body.latitude, 52.52);
    assert.equal(full.body.longitude, 13.405);
    assert.equal(full.body.capacity, 12);
    assert.equal(full.body.geofenceMode, 'block');
    const fetched = await call<Location>(t, 'GET', `/v1/locations/${full.body.id}`, { key: account.key });
    assert.deepEqual(fetched.body, full.body);
  });

  test('update changes only the fields sent, clears with null and moves updatedAt', async () => {
    const location = await fresh({ address: 'Somewhere', latitude: 1, longitude: 2, capacity: 5 });
    t.clock.advance(60_000);
    const res = await call<Location>(t, 'PATCH', `/v1/locations/${location.id}`, {
      key: account.key,
      body: {
        address: null,
        latitude: null,
        longitude: null,
        geofenceMode: 'warn',
        timezone: 'Asia/Tokyo',
      },
    });
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(
      { ...res.body },
      {
        ...location,
        address: null,
        latitude: null,
        longitude: null,
        geofenceMode: 'warn',
        timezone: 'Asia/Tokyo',
        updatedAt: t.clock.now().toISOString(),
      },
    );
    const moved = await call<Location>(t, 'PATCH', `/v1/locations/${location.id}`, {
      key: account.key,
      body: { latitude: -33.86, longitude: 151.21 },
    });
    assert.equal(moved.status, 200, moved.raw);
    assert.equal(moved.body.latitude, -33.86);
  });

  test('invalid time zones → 400 invalid_timezone naming timezone, on create and update', async () => {
    assertApiError(await create({ name: 'X', timezone: 'Mars/Olympus' }), 400, 'invalid_timezone', {
      param: 'timezone',
    });
    const location = await fresh();
    const res = await call(t, 'PATCH', `/v1/locations/${location.id}`, {
      key: account.key,
      body: { timezone: 'Nowhere/Land', name: 'Changed' },
    });
    assertApiError(res, 400, 'invalid_timezone', { param: 'timezone' });
    const still = await call<Location>(t, 'GET', `/v1/locations/${location.id}`, { key: account.key });
    assert.deepEqual(still.body, location);
  });

  test('coordinates: ranges are checked, and latitude and longitude come as a pair', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ latitude: 91, longitude: 0 }, 'latitude'],
      [{ latitude: 0, longitude: -181 }, 'longitude'],
      [{ latitude: 10 }, 'longitude'],
      [{ longitude: 10 }, 'latitude'],
      [{ latitude: 10, longitude: null }, 'longitude'],
      [{ latitude: '10', longitude: 10 }, 'latitude'],
      [{ capacity: 0 }, 'capacity'],
      [{ capacity: 1.5 }, 'capacity'],
      [{ geofenceMode: 'strict' }, 'geofenceMode'],
      [{ name: '   ' }, 'name'],
      [{ colour: 'red' }, 'colour'],
    ];
    for (const [body, param] of cases) {
      assertApiError(await create({ name: 'Bad', ...body }), 400, 'parameter_invalid', { param });
    }
    assertApiError(await create({}), 400, 'parameter_invalid', { param: 'name' });

    const located = await fresh({ latitude: 1, longitude: 2 });
    for (const [body, param] of [
      [{ latitude: null }, 'latitude'],
      [{ longitude: null }, 'longitude'],
    ] as const) {
      const res = await call(t, 'PATCH', `/v1/locations/${located.id}`, { key: account.key, body });
      assertApiError(res, 400, 'parameter_invalid', { param });
    }
    const bare = await fresh();
    const half = await call(t, 'PATCH', `/v1/locations/${bare.id}`, {
      key: account.key,
      body: { latitude: 5 },
    });
    assertApiError(half, 400, 'parameter_invalid', { param: 'longitude' });
    assertApiError(
      await call(t, 'PATCH', `/v1/locations/${bare.id}`, { key: account.key, body: {} }),
      400,
      'parameter_invalid',
    );
  });

  test('delete removes the location; afterwards every route answers 404', async () => {
    const location = await fresh();
    const res = await call(t, 'DELETE', `/v1/locations/${location.id}`, { key: account.key });
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(res.body, { id: location.id, object: 'location', deleted: true });
    for (const method of ['GET', 'DELETE', 'PATCH'] as const) {
      const again = await call(t, method, `/v1/locations/${location.id}`, {
        key: account.key,
        ...(method === 'PATCH' ? { body: { name: 'Back' } } : {}),
      });
      assertApiError(again, 404, 'resource_not_found', { param: 'id' });
      assert.equal((again.body as unknown as ErrorBody).error.message, `Location ${location.id} not found.`);
    }
  });

  const references: [string, (location: string) => Promise<void>][] = [
    [
      'an employee',
      async (id) => {
        await createEmployee(t, account, { locationIds: [id] });
      },
    ],
    [
      'a geofence',
      async (id) => {
        const res = await call(t, 'POST', '/v1/geofences', {
          key: account.key,
          body: { name: 'Fence', latitude: 1, longitude: 1, radiusMeters: 100, locationId: id },
        });
        assert.equal(res.status, 201, res.raw);
      },
    ],
    ['a punch', (id) => insertPunch(t, account.account.id, { location_id: id })],
    ['a time entry', (id) => insertTimeEntry(t, account.account.id, { location_id: id })],
    ['a shift', (id) => insertShift(t, account.account.id, { location_id: id })],
  ];
  for (const [label, refer] of references) {
    test(`a location used by ${label} cannot be deleted (409 in_use)`, async () => {
      const location = await fresh();
      await refer(location.id);
      const res = await call(t, 'DELETE', `/v1/locations/${location.id}`, { key: account.key });
      assertApiError(res, 409, 'in_use', { messageIncludes: location.id });
      assert.equal((await call(t, 'GET', `/v1/locations/${location.id}`, { key: account.key })).status, 200);
    });
  }

  test("another account's location is 404 on every route and stays untouched", async () => {
    const other = await createTestAccount(t);
    const theirs = await create({ name: 'Theirs' }, other.key);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await call(t, method, `/v1/locations/${theirs.body.id}`, {
        key: account.key,
        ...(method === 'PATCH' ? { body: { name: 'Hijacked' } } : {}),
      });
      assertApiError(res, 404, 'resource_not_found', { param: 'id' });
    }
    const still = await call<Location>(t, 'GET', `/v1/locations/${theirs.body.id}`, { key: other.key });
    assert.deepEqual(still.body, theirs.body);
  });

  test('search matches the name, case-insensitively', async () => {
    const other = await createTestAccount(t);
    for (const name of ['North Yard', 'South yard', 'Head office']) await create({ name }, other.key);
    const names = async (query: string) => {
      const res = await call<List<Location>>(t, 'GET', `/v1/locations?${query}`, { key: other.key });
      assert.equal(res.status, 200, res.raw);
      return res.body.data.map((location) => location.name);
    };
    assert.deepEqual(await names('search=YARD'), ['South yard', 'North Yard']);
    assert.deepEqual(await names('search=office'), ['Head office']);
    assert.deepEqual(await names('search=zzz'), []);
  });
});

for (const dialect of DIALECTS) {
  describe(`location plan cap (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    test('a trial account holds at most 5 locations (403 plan_limit_reached); deleting one frees a place', async () => {
      const trial = await createTestAccount(t, { plan: 'trial' });
      const ids: string[] = [];
      for (let index = 0; index < 5; index++) {
        const res = await call<Location>(t, 'POST', '/v1/locations', {
          key: trial.key,
          body: { name: `Site ${index}` },
        });
        assert.equal(res.status, 201, res.raw);
        ids.push(res.body.id);
      }
      const refused = await call(t, 'POST', '/v1/locations', { key: trial.key, body: { name: 'Sixth' } });
      assertApiError(refused, 403, 'plan_limit_reached', { messageIncludes: '5 locations' });
      const listed = await call<List<Location>>(t, 'GET', '/v1/locations?include=totalCount', {
        key: trial.key,
      });
      assert.equal(listed.body.totalCount, 5);

      assert.equal((await call(t, 'DELETE', `/v1/locations/${ids[0]}`, { key: trial.key })).status, 200);
      const again = await call(t, 'POST', '/v1/locations', { key: trial.key, body: { name: 'Sixth' } });
      assert.equal(again.status, 201, again.raw);

      const pro = await createTestAccount(t, { plan: 'pro' });
      for (let index = 0; index < 6; index++) {
        const res = await call(t, 'POST', '/v1/locations', { key: pro.key, body: { name: `Pro ${index}` } });
        assert.equal(res.status, 201, res.raw);
      }
    });
  });

  describeListContract(dialect, {
    path: '/v1/locations',
    create: async (t, account, index) => {
      const res = await call<Location>(t, 'POST', '/v1/locations', {
        key: account.key,
        body: { name: `Listed ${index}` },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'PATCH', `/v1/locations/${id}`, { key: account.key, body: { capacity: 3 } });
      assert.equal(res.status, 200, res.raw);
    },
  });
}
