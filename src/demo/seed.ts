import { countAccounts } from '../platform/accounts/repository.js';
import { createAccountWithAdmin } from '../platform/accounts/service.js';
import { createApiKey } from '../platform/api-keys/service.js';
import type { ServiceContext } from '../platform/context.js';
import type { CodeCatalogue } from '../resources/code-catalogues/definition.js';
import { createEntry } from '../resources/code-catalogues/service.js';
import { COST_CODES } from '../resources/cost-codes/resource.js';
import { DEPARTMENT_CODES } from '../resources/department-codes/resource.js';
import { createEmployee } from '../resources/employees/service.js';
import { createGeofence } from '../resources/geofences/service.js';
import { GROUPS } from '../resources/groups/resource.js';
import { createLocation } from '../resources/locations/service.js';
import { addDays, weekdayOf } from '../resources/pay-periods/calendar.js';
import { updatePaySchedule } from '../resources/pay-schedule/service.js';
import { POSITIONS } from '../resources/positions/resource.js';
import type { CreatePunchInput } from '../resources/punches/schema.js';
import { recordPunch } from '../resources/punches/service.js';
import { createShift } from '../resources/shifts/service.js';
import { requestTimeOff } from '../resources/time-off/service.js';
import { localDateOf, localDayStartMs } from '../shared/local-time.js';

export interface DemoCredentials {
  accountId: string;
  adminEmail: string;
  adminPassword: string;
  apiKey: string;
}

const TIME_ZONE = 'America/New_York';
const MINUTE_MS = 60_000;

type LocationKey = 'union' | 'brooklyn' | 'jersey';
type PositionKey = 'BAR' | 'CASH' | 'ROAST' | 'LEAD';
type DepartmentKey = 'FOH' | 'BOH';

/** Union Square has a geofence in `warn` mode: punches there carry coordinates and a verdict. */
const LOCATIONS: readonly {
  key: LocationKey;
  name: string;
  address: string;
  latitude: number;
  longitude: number;
  geofenceMode: 'off' | 'warn';
}[] = [
  {
    key: 'union',
    name: 'Union Square café',
    address: '860 Broadway, New York, NY 10003',
    latitude: 40.7375,
    longitude: -73.9903,
    geofenceMode: 'warn',
  },
  {
    key: 'brooklyn',
    name: 'Brooklyn roastery',
    address: '145 Kent Ave, Brooklyn, NY 11249',
    latitude: 40.7191,
    longitude: -73.9629,
    geofenceMode: 'off',
  },
  {
    key: 'jersey',
    name: 'Jersey City kiosk',
    address: '30 Hudson St, Jersey City, NJ 07302',
    latitude: 40.7163,
    longitude: -74.0335,
    geofenceMode: 'off',
  },
];

const CATALOGUE_ENTRIES: readonly { catalogue: CodeCatalogue; code: string; name: string }[] = [
  { catalogue: DEPARTMENT_CODES, code: 'FOH', name: 'Front of house' },
  { catalogue: DEPARTMENT_CODES, code: 'BOH', name: 'Back of house' },
  { catalogue: POSITIONS, code: 'BAR', name: 'Barista' },
  { catalogue: POSITIONS, code: 'CASH', name: 'Cashier' },
  { catalogue: POSITIONS, code: 'ROAST', name: 'Roaster' },
  { catalogue: POSITIONS, code: 'LEAD', name: 'Shift lead' },
  { catalogue: COST_CODES, code: 'CATER', name: 'Catering orders' },
  { catalogue: COST_CODES, code: 'TRAIN', name: 'Training' },
];

interface DemoEmployee {
  firstName: string;
  lastName: string;
  role?: 'manager';
  payRate?: number;
  location: LocationKey;
  position: PositionKey;
  department: DepartmentKey;
  /** Minutes after 7:00 local when this person's workday starts. */
  startOffset: number;
}

/** The first ten work the past week and hold shifts; the last two joined this week and have not punched yet. */
const DEMO_EMPLOYEES: readonly DemoEmployee[] = [
  {
    firstName: 'Maria',
    lastName: 'Lopez',
    role: 'manager',
    location: 'union',
    position: 'LEAD',
    department: 'FOH',
    startOffset: 0,
  },
  {
    firstName: 'James',
    lastName: 'Okafor',
    location: 'union',
    position: 'BAR',
    department: 'FOH',
    startOffset: 30,
  },
  {
    firstName: 'Aiko',
    lastName: 'Tanaka',
    location: 'union',
    position: 'CASH',
    department: 'FOH',
    startOffset: 60,
  },
  {
    firstName: 'Lukas',
    lastName: 'Schmidt',
    location: 'brooklyn',
    position: 'ROAST',
    department: 'BOH',
    startOffset: 0,
  },
  {
    firstName: 'Priya',
    lastName: 'Nair',
    payRate: 27.5,
    location: 'brooklyn',
    position: 'ROAST',
    department: 'BOH',
    startOffset: 30,
  },
  {
    firstName: 'Diego',
    lastName: 'Fernández',
    location: 'brooklyn',
    position: 'LEAD',
    department: 'BOH',
    startOffset: 60,
  },
  {
    firstName: 'Chloé',
    lastName: 'Martin',
    location: 'jersey',
    position: 'BAR',
    department: 'FOH',
    startOffset: 0,
  },
  {
    firstName: 'Samuel',
    lastName: 'Adeyemi',
    location: 'jersey',
    position: 'CASH',
    department: 'FOH',
    startOffset: 90,
  },
  {
    firstName: 'Hana',
    lastName: 'Kim',
    location: 'union',
    position: 'BAR',
    department: 'FOH',
    startOffset: 120,
  },
  {
    firstName: 'Omar',
    lastName: 'Haddad',
    location: 'union',
    position: 'CASH',
    department: 'FOH',
    startOffset: 90,
  },
  {
    firstName: 'Elena',
    lastName: 'Petrova',
    location: 'jersey',
    position: 'BAR',
    department: 'FOH',
    startOffset: 60,
  },
  {
    firstName: 'Tom',
    lastName: 'Brennan',
    location: 'brooklyn',
    position: 'CASH',
    department: 'FOH',
    startOffset: 30,
  },
];
const WORKERS = 10;
/** The first two of them are on the clock now. */
const ON_THE_CLOCK = 2;

/** A workday: clock in, a 30-minute unpaid break after four hours, clock out after eight and a half. */
const WORKDAY = { breakAfter: 240, breakMinutes: 30, length: 510 } as const;

/** ~400 m south of the Union Square fence: the one punch the demo records outside it (warn mode keeps it). */
const OUTSIDE_UNION = { latitude: 40.7339, longitude: -73.9903 };

interface Workplace {
  accountId: string;
  locations: Record<LocationKey, { id: string; latitude: number; longitude: number; geofenced: boolean }>;
  codes: Record<string, string>;
  employees: { id: string; spec: DemoEmployee }[];
}

/** `minutes` after local midnight of `date`: exact on every weekday (US clock changes happen on Sundays). */
function localInstant(date: string, minutes: number): Date {
  return new Date(localDayStartMs(date, TIME_ZONE) + minutes * MINUTE_MS);
}

function isWeekday(date: string): boolean {
  const day = weekdayOf(date);
  return day !== 0 && day !== 6;
}

/** `chloé.martin@…` would be a valid address, but plain ASCII is what people type into a login form. */
function demoEmail(person: Pick<DemoEmployee, 'firstName' | 'lastName'>): string {
  const local = `${person.firstName}.${person.lastName}`
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
  return `${local}@demo.punchclock.test`;
}

/** Monday of the week of `date` (weeks start on Monday, like the demo's weekly pay periods). */
function mondayOf(date: string): string {
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}

async function seedWorkplace(ctx: ServiceContext, accountId: string): Promise<Workplace> {
  const locations = {} as Workplace['locations'];
  for (const spec of LOCATIONS) {
    const { key, ...input } = spec;
    const location = await createLocation(ctx, accountId, { ...input, timezone: TIME_ZONE });
    locations[key] = {
      id: location.id,
      latitude: spec.latitude,
      longitude: spec.longitude,
      geofenced: spec.geofenceMode !== 'off',
    };
  }
  const codes: Record<string, string> = {};
  for (const { catalogue, code, name } of CATALOGUE_ENTRIES) {
    codes[code] = (await createEntry(ctx, catalogue, accountId, { code, name })).id;
  }
  const employees: Workplace['employees'] = [];
  for (const [index, spec] of DEMO_EMPLOYEES.entries()) {
    const employee = await createEmployee(ctx, accountId, {
      firstName: spec.firstName,
      lastName: spec.lastName,
      ...(spec.role ? { role: spec.role } : {}),
      ...(spec.payRate ? { payRate: spec.payRate } : {}),
      email: demoEmail(spec),
      employeeRef: `DEMO-${String(index + 1).padStart(3, '0')}`,
      locationIds: [locations[spec.location].id],
      positionId: codes[spec.position] ?? null,
      departmentCodeId: codes[spec.department] ?? null,
    });
    employees.push({ id: employee.id, spec });
  }
  const union = locations.union;
  await createGeofence(ctx, accountId, {
    name: 'Union Square storefront',
    latitude: union.latitude,
    longitude: union.longitude,
    radiusMeters: 150,
    locationId: union.id,
  });
  await createEntry(ctx, GROUPS, accountId, {
    code: 'OPEN',
    name: 'Opening crew',
    description: 'Unlocks the stores before 8:00.',
    employeeIds: employees.filter(({ spec }) => spec.startOffset === 0).map(({ id }) => id),
  });
  return { accountId, locations, codes, employees };
}

async function punch(
  ctx: ServiceContext,
  place: Workplace,
  worker: Workplace['employees'][number],
  type: CreatePunchInput['type'],
  at: Date,
  coordinates?: { latitude: number; longitude: number },
): Promise<void> {
  const location = place.locations[worker.spec.location];
  const where = location.geofenced ? (coordinates ?? location) : undefined;
  await recordPunch(ctx, place.accountId, {
    employeeId: worker.id,
    type,
    at: at.toISOString(),
    locationId: location.id,
    departmentCodeId: place.codes[worker.spec.department],
    source: location.geofenced ? 'kiosk' : 'portal',
    ...(where ? { latitude: where.latitude, longitude: where.longitude, accuracyMeters: 12 } : {}),
  });
}

/**
 * Every weekday of the seven days before today: in, break, back, out, through the punch service so time entries and
 * clock status follow. Then two people clock in for today, relative to now so they are on the clock whenever the
 * demo starts.
 */
async function seedPunches(ctx: ServiceContext, place: Workplace, today: string, now: Date): Promise<void> {
  const workdays = [7, 6, 5, 4, 3, 2, 1].map((back) => addDays(today, -back)).filter(isWeekday);
  for (const [index, worker] of place.employees.slice(0, WORKERS).entries()) {
    for (const [day, date] of workdays.entries()) {
      const start = 7 * 60 + worker.spec.startOffset;
      // James forgot to step inside the fence once: warn mode records the punch and flags it.
      const outside = index === 1 && day === 0 ? OUTSIDE_UNION : undefined;
      await punch(ctx, place, worker, 'in', localInstant(date, start), outside);
      await punch(ctx, place, worker, 'break_start', localInstant(date, start + WORKDAY.breakAfter));
      await punch(
        ctx,
        place,
        worker,
        'break_end',
        localInstant(date, start + WORKDAY.breakAfter + WORKDAY.breakMinutes),
      );
      await punch(ctx, place, worker, 'out', localInstant(date, start + WORKDAY.length));
    }
  }
  for (const [index, worker] of place.employees.slice(0, ON_THE_CLOCK).entries()) {
    await punch(ctx, place, worker, 'in', new Date(now.getTime() - (180 - 45 * index) * MINUTE_MS));
  }
}

/**
 * This week's shifts are published; next week's are drafts a manager is still arranging, plus one open Saturday
 * shift anyone may pick up.
 */
async function seedShifts(ctx: ServiceContext, place: Workplace, today: string): Promise<void> {
  const monday = mondayOf(today);
  for (const week of [0, 1]) {
    for (const weekday of [0, 1, 2, 3, 4]) {
      const date = addDays(monday, week * 7 + weekday);
      for (const worker of place.employees.slice(0, WORKERS)) {
        const start = 7 * 60 + worker.spec.startOffset;
        await createShift(ctx, place.accountId, {
          employeeId: worker.id,
          locationId: place.locations[worker.spec.location].id,
          positionId: place.codes[worker.spec.position],
          start: localInstant(date, start).toISOString(),
          end: localInstant(date, start + WORKDAY.length).toISOString(),
          breakMinutes: WORKDAY.breakMinutes,
          published: week === 0,
        });
      }
    }
  }
  const saturday = addDays(monday, 12);
  await createShift(ctx, place.accountId, {
    locationId: place.locations.union.id,
    positionId: place.codes.BAR,
    start: localInstant(saturday, 9 * 60).toISOString(),
    end: localInstant(saturday, 15 * 60).toISOString(),
    breakMinutes: 30,
    published: true,
    notes: 'Weekend cover: first to claim it works it.',
  });
}

/** The account's whole working week: places, codes, people, a week of punches, two weeks of shifts, time off. */
async function seedWorkforce(ctx: ServiceContext, accountId: string): Promise<void> {
  const now = ctx.clock.now();
  const today = localDateOf(now, TIME_ZONE);
  // First, before any time exists: a schedule change re-cuts the periods that are not over yet.
  await updatePaySchedule(ctx, accountId, {
    frequency: 'weekly',
    anchorDate: '2024-01-01',
    overtimeRule: { type: 'weekly40' },
  });
  const place = await seedWorkplace(ctx, accountId);
  await seedPunches(ctx, place, today, now);
  await seedShifts(ctx, place, today);
  const priya = place.employees[4];
  if (priya) {
    const leaveStart = addDays(mondayOf(today), 14);
    await requestTimeOff(ctx, accountId, {
      employeeId: priya.id,
      type: 'vacation',
      startDate: leaveStart,
      endDate: addDays(leaveStart, 2),
      hoursPerDay: 8,
      note: 'Cousin’s wedding in Kochi.',
    });
  }
}

/**
 * On the first start with an empty database, creates "Demo Co" with an administrator, a realistic week of
 * workforce data and one full-access key, and returns the credentials to print once. Returns null when the
 * database already has data.
 */
export async function seedDemoIfEmpty(ctx: ServiceContext): Promise<DemoCredentials | null> {
  if ((await countAccounts(ctx.database.db)) > 0) return null;
  const { account, admin } = await createAccountWithAdmin(ctx, {
    name: 'Demo Co',
    plan: 'pro',
    timezone: TIME_ZONE,
    apiAccess: true,
    adminEmail: 'admin@demo.punchclock.test',
    adminName: 'Demo Admin',
  });
  await seedWorkforce(ctx, account.id);
  const { key } = await createApiKey(ctx, account.id, {
    name: 'Demo full access',
    scopes: ['*'],
    createdBy: admin.id,
  });
  return { accountId: account.id, adminEmail: admin.email, adminPassword: admin.password, apiKey: key };
}

export function demoBanner(credentials: DemoCredentials, publicUrl: string): string {
  return [
    '',
    '  Punchclock demo account "Demo Co" created (shown once; store these now):',
    '',
    `    Account:   ${credentials.accountId}`,
    `    Portal:    ${publicUrl}/portal  (sign in as below)`,
    `    Admin:     ${credentials.adminEmail}`,
    `    Password:  ${credentials.adminPassword}`,
    `    API key:   ${credentials.apiKey}  (full access)`,
    `    Docs:      ${publicUrl}/docs`,
    '',
    `    curl -H "Authorization: Bearer ${credentials.apiKey}" ${publicUrl}/v1/employees`,
    '',
  ].join('\n');
}
