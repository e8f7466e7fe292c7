/**
 * Rows of other resources that point at an object, inserted straight into the test database: the in_use rules of
 * catalogues, locations and employees are tested without going through the resources that normally write them.
 */

import { EMPLOYEES } from '../../../src/resources/employees/resource.js';
import { PUNCHES } from '../../../src/resources/punches/resource.js';
import { SHIFTS } from '../../../src/resources/shifts/resource.js';
import { TIME_ENTRIES } from '../../../src/resources/time-entries/resource.js';
import { TIME_OFF } from '../../../src/resources/time-off/resource.js';
import { newId } from '../../../src/shared/ids.js';
import type { TestApp } from '../../helpers/app.js';

function stamps(t: TestApp) {
  const now = t.clock.now().toISOString();
  return { created_at: now, updated_at: now };
}

export async function insertPunch(
  t: TestApp,
  accountId: string,
  ids: {
    employee_id?: string;
    location_id?: string;
    department_code_id?: string;
    cost_code_id?: string;
    geofence_id?: string;
  },
): Promise<void> {
  await t.db.db
    .insertInto('punches')
    .values({
      id: newId(PUNCHES),
      account_id: accountId,
      employee_id: ids.employee_id ?? newId(EMPLOYEES),
      type: 'in',
      punched_at: t.clock.now().toISOString(),
      counted_at: t.clock.now().toISOString(),
      location_id: ids.location_id ?? null,
      department_code_id: ids.department_code_id ?? null,
      cost_code_id: ids.cost_code_id ?? null,
      latitude: null,
      longitude: null,
      accuracy_meters: null,
      source: 'api',
      within_geofence: null,
      distance_meters: null,
      geofence_id: ids.geofence_id ?? null,
      time_entry_id: null,
      ...stamps(t),
    })
    .execute();
}

export async function insertTimeEntry(
  t: TestApp,
  accountId: string,
  ids: {
    employee_id?: string;
    location_id?: string;
    department_code_id?: string;
    cost_code_id?: string;
    position_id?: string;
  },
): Promise<void> {
  await t.db.db
    .insertInto('time_entries')
    .values({
      id: newId(TIME_ENTRIES),
      account_id: accountId,
      employee_id: ids.employee_id ?? newId(EMPLOYEES),
      start_at: '2026-10-30T14:00:00.000Z',
      end_at: '2026-10-30T22:00:00.000Z',
      break_seconds: 0,
      location_id: ids.location_id ?? null,
      department_code_id: ids.department_code_id ?? null,
      cost_code_id: ids.cost_code_id ?? null,
      position_id: ids.position_id ?? null,
      status: 'closed',
      source: 'manual',
      notes: null,
      ...stamps(t),
    })
    .execute();
}

export async function insertShift(
  t: TestApp,
  accountId: string,
  ids: { employee_id?: string; location_id?: string; position_id?: string },
): Promise<void> {
  await t.db.db
    .insertInto('shifts')
    .values({
      id: newId(SHIFTS),
      account_id: accountId,
      employee_id: ids.employee_id ?? null,
      location_id: ids.location_id ?? null,
      position_id: ids.position_id ?? null,
      start_at: '2026-11-02T14:00:00.000Z',
      end_at: '2026-11-02T22:00:00.000Z',
      break_minutes: 30,
      published: 0,
      notes: null,
      ...stamps(t),
    })
    .execute();
}

export async function insertTimeOffRequest(t: TestApp, accountId: string, employeeId: string): Promise<void> {
  await t.db.db
    .insertInto('time_off_requests')
    .values({
      id: newId(TIME_OFF),
      account_id: accountId,
      employee_id: employeeId,
      type: 'vacation',
      start_date: '2026-12-21',
      end_date: '2026-12-22',
      hours_per_day: 8,
      note: null,
      status: 'requested',
      decided_at: null,
      ...stamps(t),
    })
    .execute();
}
