import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { call, createTestAccount, type TestAccount } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { describeListContract } from '../../helpers/list-suite.js';
import { assertApiError } from '../../helpers/security-suite.js';
import { createEmployee, type List } from '../code-catalogues/catalogue-suite.js';
import { insertPunch } from '../code-catalogues/referencing-rows.js';

type Geofence = {
  id: string;
  object: string;
  name: string;
  latitude: number;
  longitude: number;
  radiusMeters: number;
  active: boolean;
  locationId: string | null;
  employeeIds: string[];
  createdAt: string;
  updatedAt: string;
};

const CENTER = { latitude: 41.8868, longitude: -87.6598 };

describeEachDialect('geofences', ({ t, account }) => {
  let other: TestAccount;

  before(async () => {
    other = await createTestAccount(t);
  });

  const create = (body: Record<string, unknown>, key = account.key) =>
    call<Geofence>(t, 'POST', '/v1/geofences', {
      key,
      body: { name: 'Yard', ...CENTER, radiusMeters: 150, ...body },
    });
  const fresh = async (body: Record<string, unknown> = {}) => {
    const res = await create(body);
    assert.equal(res.status, 201, res.raw);
    return res.body;
  };
  const createLocation = async (key = account.key) => {
    const res = await call<{ id: string }>(t, 'POST', '/v1/locations', { key, body: { name: 'Site' } });
    assert.equal(res.status, 201, res.raw);
    return res.body.id;
  };

  test('create returns the full object with defaults; retrieve returns the same', async () => {
    const res = await create({ name: ' Yard ' });
    assert.equal(res.status, 201, res.raw);
    assert.match(res.body.id, /^geo_[0-9A-Z]{26}$/);
    assert.deepEqual(
      { ...res.body, id: undefined },
      {
        id: undefined,
        object: 'geofence',
        name: 'Yard',
        ...CENTER,
        radiusMeters: 150,
        active: true,
        locationId: null,
        employeeIds: [],
        createdAt: '2026-11-01T12:00:00.000Z',
        updatedAt: '2026-11-01T12:00:00.000Z',
      },
    );
    const fetched = await call<Geofence>(t, 'GET', `/v1/geofences/${res.body.id}`, { key: account.key });
    assert.deepEqual(fetched.body, res.body);
  });

  test('location and employees round-trip; employeeIds is replaced as a set, locationId cleared with null', async () => {
    const locationId = await createLocation();
    const [a, b, c] = [
      await createEmployee(t, account),
      await createEmployee(t, account),
      await createEmployee(t, account),
    ];
    const geofence = await fresh({ locationId, employeeIds: [b.id, a.id] });
    assert.equal(geofence.locationId, locationId);
    assert.deepEqual(geofence.employeeIds, [a.id, b.id]);

    t.clock.advance(60_000);
    const res = await call<Geofence>(t, 'PATCH', `/v1/geofences/${geofence.id}`, {
      key: account.key,
      body: { employeeIds: [c.id], radiusMeters: 5000, active: false, locationId: null },
    });
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(res.body, {
      ...geofence,
      employeeIds: [c.id],
      radiusMeters: 5000,
      active: false,
      locationId: null,
      updatedAt: t.clock.now().toISOString(),
    });
    const kept = await call<Geofence>(t, 'PATCH', `/v1/geofences/${geofence.id}`, {
      key: account.key,
      body: { name: 'Renamed' },
    });
    assert.deepEqual(kept.body.employeeIds, [c.id]);

    // Deleting an assigned employee takes them off the geofence.
    t.clock.advance(60_000);
    assert.equal((await call(t, 'DELETE', `/v1/employees/${c.id}`, { key: account.key })).status, 200);
    const after = await call<Geofence>(t, 'GET', `/v1/geofences/${geofence.id}`, { key: account.key });
    assert.deepEqual(after.body.employeeIds, []);
    assert.equal(after.body.updatedAt, t.clock.now().toISOString());
  });

  test('bad input is refused with the parameter named', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ radiusMeters: 49 }, 'radiusMeters'],
      [{ radiusMeters: 5001 }, 'radiusMeters'],
      [{ radiusMeters: 100.5 }, 'radiusMeters'],
      [{ latitude: 90.5 }, 'latitude'],
      [{ longitude: 180.5 }, 'longitude'],
      [{ latitude: null }, 'latitude'],
      [{ locationId: 'loc_nope' }, 'locationId'],
      [{ active: 1 }, 'active'],
      [{ shape: 'square' }, 'shape'],
    ];
    for (const [body, param] of cases) {
      assertApiError(await create(body), 400, 'parameter_invalid', { param });
    }
    const missing = await call(t, 'POST', '/v1/geofences', {
      key: account.key,
      body: { name: 'No center', radiusMeters: 100 },
    });
    assertApiError(missing, 400, 'parameter_invalid', { param: 'latitude' });
    const geofence = await fresh();
    assertApiError(
      await call(t, 'PATCH', `/v1/geofences/${geofence.id}`, {
        key: account.key,
        body: { radiusMeters: 10 },
      }),
      400,
      'parameter_invalid',
      { param: 'radiusMeters' },
    );
  });

  test("another account's location or employees → 404 naming the field, and nothing is stored", async () => {
    const theirLocation = await createLocation(other.key);
    const theirEmployee = await createEmployee(t, other);
    const mine = await createEmployee(t, account);
    const count = async () =>
      (await call<List<Geofence>>(t, 'GET', '/v1/geofences?include=totalCount', { key: account.key })).body
        .totalCount;
    const before = await count();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ locationId: theirLocation }, 'locationId', `Location ${theirLocation} not found.`],
      [
        { locationId: 'loc_01JD2X6Y3Z4A5B6C7D8E9F0G1H' },
        'locationId',
        'Location loc_01JD2X6Y3Z4A5B6C7D8E9F0G1H not found.',
      ],
      [
        { employeeIds: [mine.id, theirEmployee.id] },
        'employeeIds',
        `Employee ${theirEmployee.id} not found.`,
      ],
    ];
    for (const [body, param, message] of cases) {
      const error = assertApiError(await create(body), 404, 'resource_not_found', { param });
      assert.equal(error.message, message);
    }
    assert.equal(await count(), before);
    const geofence = await fresh({ employeeIds: [mine.id] });
    for (const [body, param] of cases) {
      const res = await call(t, 'PATCH', `/v1/geofences/${geofence.id}`, {
        key: account.key,
        body: { ...body, name: 'Should not stick' },
      });
      assertApiError(res, 404, 'resource_not_found', { param });
    }
    const still = await call<Geofence>(t, 'GET', `/v1/geofences/${geofence.id}`, { key: account.key });
    assert.deepEqual(still.body, geofence);
  });

  test('delete removes the geofence; one that judged a punch is in use (409)', async () => {
    const employee = await createEmployee(t, account);
    const geofence = await fresh({ employeeIds: [employee.id] });
    const res = await call(t, 'DELETE', `/v1/geofences/${geofence.id}`, { key: account.key });
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(res.body, { id: geofence.id, object: 'geofence', deleted: true });
    for (const method of ['GET', 'DELETE'] as const) {
      assertApiError(
        await call(t, method, `/v1/geofences/${geofence.id}`, { key: account.key }),
        404,
        'resource_not_found',
        { param: 'id' },
      );
    }
    // Its assignments went with it: the employee can now be deleted without leaving a dangling link.
    const links = await t.db.db
      .selectFrom('geofence_employees')
      .selectAll()
      .where('geofence_id', '=', geofence.id)
      .execute();
    assert.deepEqual(links, []);

    const used = await fresh();
    await insertPunch(t, account.account.id, { geofence_id: used.id });
    assertApiError(await call(t, 'DELETE', `/v1/geofences/${used.id}`, { key: account.key }), 409, 'in_use', {
      messageIncludes: 'deactivate',
    });
  });

  test("another account's geofence is 404 on every route and stays untouched", async () => {
    const theirs = await create({ name: 'Theirs' }, other.key);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await call(t, method, `/v1/geofences/${theirs.body.id}`, {
        key: account.key,
        ...(method === 'PATCH' ? { body: { name: 'Hijacked' } } : {}),
      });
      assertApiError(res, 404, 'resource_not_found', { param: 'id' });
    }
    const still = await call<Geofence>(t, 'GET', `/v1/geofences/${theirs.body.id}`, { key: other.key });
    assert.deepEqual(still.body, theirs.body);
  });

  test('filters: locationId and active', async () => {
    const third = await createTestAccount(t);
    const site = await createLocation(third.key);
    const make = async (body: Record<string, unknown>) => (await create(body, third.key)).body.id;
    const atSite = await make({ name: 'At site', locationId: site });
    const inactive = await make({ name: 'Inactive at site', locationId: site, active: false });
    const loose = await make({ name: 'Loose' });
    const ids = async (query: string) => {
      const res = await call<List<Geofence>>(t, 'GET', `/v1/geofences?${query}`, { key: third.key });
      assert.equal(res.status, 200, res.raw);
      return res.body.data.map((geofence) => geofence.id);
    };
    assert.deepEqual(await ids(`locationId=${site}`), [inactive, atSite]);
    assert.deepEqual(await ids(`locationId=${site}&active=true`), [atSite]);
    assert.deepEqual(await ids('active=true'), [loose, atSite]);
    assert.deepEqual(await ids('active=false'), [inactive]);
    assertApiError(
      await call(t, 'GET', '/v1/geofences?locationId=nope', { key: third.key }),
      400,
      'parameter_invalid',
      { param: 'locationId' },
    );
  });
});

for (const dialect of DIALECTS) {
  describeListContract(dialect, {
    path: '/v1/geofences',
    create: async (t, account, index) => {
      const res = await call<Geofence>(t, 'POST', '/v1/geofences', {
        key: account.key,
        body: { name: `Listed ${index}`, ...CENTER, radiusMeters: 100 + index },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'PATCH', `/v1/geofences/${id}`, {
        key: account.key,
        body: { active: false },
      });
      assert.equal(res.status, 200, res.raw);
    },
  });
}
