/**
 * Rows the clock tests need around punches and time entries. Locations, geofences, codes and pay periods are
 * inserted directly: those resources' own endpoints are not what these tests are about.
 */
import assert from 'node:assert/strict';
import { toDbBoolean } from '../../../src/db/columns.js';
import type { GeofenceMode } from '../../../src/db/tables.js';
import { COST_CODES } from '../../../src/resources/cost-codes/resource.js';
import { DEPARTMENT_CODES } from '../../../src/resources/department-codes/resource.js';
import { GEOFENCES } from '../../../src/resources/geofences/resource.js';
import { LOCATIONS } from '../../../src/resources/locations/resource.js';
import { PAY_PERIODS } from '../../../src/resources/pay-periods/resource.js';
import { POSITIONS } from '../../../src/resources/positions/resource.js';
import { newId } from '../../../src/shared/ids.js';
import { call, type TestAccount, type TestApp } from '../../helpers/app.js';

/** Type aliases rather than interfaces, so responses fit the helpers' `Record<string, unknown>`. */
export type Punch = {
  id: string;
  object: string;
  employeeId: string;
  type: string;
  at: string;
  countedAt: string;
  locationId: string | null;
  departmentCodeId: string | null;
  costCodeId: string | null;
  latitude: number | null;
  longitude: number | null;
  accuracyMeters: number | null;
  source: string;
  withinGeofence: boolean | null;
  distanceMeters: number | null;
  geofenceId: string | null;
  timeEntryId: string | null;
  createdAt: string;
  updatedAt: string;
};

export type TimeEntry = {
  id: string;
  object: string;
  employeeId: string;
  start: string;
  end: string | null;
  punchedStart: string | null;
  punchedEnd: string | null;
  breakSeconds: number;
  durationSeconds: number | null;
  status: string;
  source: string;
  locationId: string | null;
  departmentCodeId: string | null;
  costCodeId: string | null;
  positionId: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
};

export interface List<T> {
  object: string;
  data: T[];
  hasMore: boolean;
  url: string;
  totalCount?: number;
}

export async function createEmployee(t: TestApp, account: TestAccount, active = true): Promise<string> {
  const res = await call<{ id: string }>(t, 'POST', '/v1/employees', {
    key: account.key,
    body: { firstName: 'Clock', lastName: 'Tester', active },
  });
  assert.equal(res.status, 201, res.raw);
  return res.body.id;
}

function stamps(t: TestApp) {
  const now = t.clock.now().toISOString();
  return { created_at: now, updated_at: now };
}

export async function insertLocation(
  t: TestApp,
  account: TestAccount,
  geofenceMode: GeofenceMode = 'off',
): Promise<string> {
  const id = newId(LOCATIONS);
  await t.db.db
    .insertInto('locations')
    .values({
      id,
      account_id: account.account.id,
      name: `Site ${id.slice(-4)}`,
      address: null,
      timezone: 'America/Chicago',
      latitude: null,
      longitude: null,
      capacity: null,
      geofence_mode: geofenceMode,
      ...stamps(t),
    })
    .execute();
  return id;
}

export async function insertGeofence(
  t: TestApp,
  account: TestAccount,
  fence: {
    latitude: number;
    longitude: number;
    radiusMeters: number;
    locationId?: string;
    active?: boolean;
    employeeIds?: string[];
  },
): Promise<string> {
  const id = newId(GEOFENCES);
  await t.db.db
    .insertInto('geofences')
    .values({
      id,
      account_id: account.account.id,
      name: `Fence ${id.slice(-4)}`,
      latitude: fence.latitude,
      longitude: fence.longitude,
      radius_meters: fence.radiusMeters,
      active: toDbBoolean(fence.active ?? true),
      location_id: fence.locationId ?? null,
      ...stamps(t),
    })
    .execute();
  for (const employeeId of fence.employeeIds ?? []) {
    await t.db.db
      .insertInto('geofence_employees')
      .values({ account_id: account.account.id, geofence_id: id, employee_id: employeeId })
      .execute();
  }
  return id;
}

export async function insertCode(
  t: TestApp,
  account: TestAccount,
  table: 'department_codes' | 'cost_codes' | 'positions',
): Promise<string> {
  const kind = { department_codes: DEPARTMENT_CODES, cost_codes: COST_CODES, positions: POSITIONS } as const;
  const id = newId(kind[table]);
  await t.db.db
    .insertInto(table)
    .values({
      id,
      account_id: account.account.id,
      code: id.slice(-8),
      name: 'Code',
      description: null,
      active: 1,
      ...stamps(t),
    })
    .execute();
  return id;
}

/** A locked pay period over these local dates (YYYY-MM-DD, inclusive, in the account's zone). */
export async function lockPayPeriod(
  t: TestApp,
  account: TestAccount,
  startDate: string,
  endDate: string,
): Promise<void> {
  await t.db.db
    .insertInto('pay_periods')
    .values({
      id: newId(PAY_PERIODS),
      account_id: account.account.id,
      start_date: startDate,
      end_date: endDate,
      locked: 1,
      locked_at: t.clock.now().toISOString(),
      ...stamps(t),
    })
    .execute();
}

/** The employee's clock status as the API shows it (`clockStatus` on the employee object). */
export async function clockStatusOf(t: TestApp, account: TestAccount, employeeId: string): Promise<string> {
  const res = await call<{ clockStatus: string }>(t, 'GET', `/v1/employees/${employeeId}`, {
    key: account.key,
  });
  assert.equal(res.status, 200, res.raw);
  return res.body.clockStatus;
}

export async function entriesOf(t: TestApp, account: TestAccount, employeeId: string): Promise<TimeEntry[]> {
  const res = await call<List<TimeEntry>>(t, 'GET', `/v1/time-entries?employeeId=${employeeId}&limit=100`, {
    key: account.key,
  });
  assert.equal(res.status, 200, res.raw);
  return res.body.data;
}

export async function punchesOf(t: TestApp, account: TestAccount, employeeId: string): Promise<Punch[]> {
  const res = await call<List<Punch>>(t, 'GET', `/v1/punches?employeeId=${employeeId}&limit=100`, {
    key: account.key,
  });
  assert.equal(res.status, 200, res.raw);
  return res.body.data;
}
