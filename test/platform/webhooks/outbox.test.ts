import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { fromDbJson, toDbJson } from '../../../src/db/columns.js';
import type { Dialect } from '../../../src/db/database.js';
import {
  listApiKeys,
  revokeAllApiKeys,
  revokeApiKey,
  rollApiKey,
} from '../../../src/platform/api-keys/service.js';
import { WEBHOOK_ENDPOINTS } from '../../../src/platform/webhooks/endpoints/resource.js';
import { emitEvents } from '../../../src/platform/webhooks/outbox.js';
import { EMPLOYEES } from '../../../src/resources/employees/resource.js';
import { createEmployee } from '../../../src/resources/employees/service.js';
import { exampleId, newId } from '../../../src/shared/ids.js';
import {
  type ApiResponse,
  call,
  createTestAccount,
  createTestApp,
  createTestKey,
  type TestApp,
} from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';

type ApiObject = { id: string; object: string } & Record<string, unknown>;
interface List {
  data: ApiObject[];
}

/** An event as the outbox stored it, reduced to what a test compares. */
interface SeenEvent {
  type: string;
  object: unknown;
  previousAttributes?: Record<string, unknown>;
}

const SITE = { latitude: 41.8789, longitude: -87.6359 };
const AWAY = { latitude: 41.8889, longitude: -87.6359 };

function created(object: ApiObject, ...domain: string[]): SeenEvent[] {
  return [{ type: `${object.object}.created`, object }, ...domain.map((type) => ({ type, object }))];
}

/** `.updated` of `after`, naming as previous the values `before` had for `changed` (and updatedAt, which moves). */
function updated(before: ApiObject, after: ApiObject, changed: readonly string[]): SeenEvent {
  const previousAttributes: Record<string, unknown> = {};
  for (const name of [...changed, 'updatedAt']) previousAttributes[name] = before[name];
  return { type: `${after.object}.updated`, object: after, previousAttributes };
}

function deleted(object: ApiObject): SeenEvent {
  return { type: `${object.object}.deleted`, object };
}

function ok<T>(response: ApiResponse<T>, status = 200): T {
  assert.equal(response.status, status, JSON.stringify(response.body));
  return response.body;
}

/** The events of the account after `afterId`, oldest first (ids are time-ordered). */
async function eventsOf(t: TestApp, accountId: string, afterId = '') {
  return t.db.db
    .selectFrom('events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '>', afterId)
    .orderBy('id')
    .execute();
}

async function countRows(
  t: TestApp,
  table: 'events' | 'webhook_deliveries' | 'employees',
  accountId: string,
) {
  const rows = await t.db.db.selectFrom(table).select('id').where('account_id', '=', accountId).execute();
  return rows.length;
}

async function insertEndpoint(
  t: TestApp,
  accountId: string,
  enabledEvents: readonly string[],
  status: 'enabled' | 'disabled' = 'enabled',
): Promise<string> {
  const now = t.clock.now().toISOString();
  const id = newId(WEBHOOK_ENDPOINTS);
  await t.db.db
    .insertInto('webhook_endpoints')
    .values({
      id,
      account_id: accountId,
      url: 'https://hooks.example.com/punchclock',
      description: null,
      enabled_events: toDbJson(enabledEvents),
      api_version: null,
      status,
      disabled_reason: status === 'disabled' ? 'manual' : null,
      secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=',
      previous_secret: null,
      previous_secret_expires_at: null,
      failing_since: null,
      permissions: toDbJson({ scopes: ['*'], fieldRestrictions: null }),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Makes every insert into webhook_deliveries fail: a step of the change's transaction after its events. */
async function failDeliveryInserts(t: TestApp, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`create trigger fail_delivery before insert on webhook_deliveries
      begin select raise(abort, 'delivery refused by the test'); end`.execute(t.db.db);
    return;
  }
  await sql`create function fail_delivery() returns trigger language plpgsql as $$
    begin raise exception 'delivery refused by the test'; end $$`.execute(t.db.db);
  await sql`create trigger fail_delivery before insert on webhook_deliveries
    for each row execute function fail_delivery()`.execute(t.db.db);
}

describeEachDialect('outbox: every change emits its events', ({ t, account }) => {
  let seen = '';
  const state: Record<string, ApiObject> = {};

  before(async () => {
    const setup = await eventsOf(t, account.account.id);
    // The account's first key is itself an event of the security trail.
    assert.deepEqual(
      setup.map((event) => event.type),
      ['api_key.created'],
    );
    seen = setup.at(-1)?.id ?? '';
  });

  /** One successful call; every write happens a second after the last, so each update moves updatedAt. */
  const api = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
    if (method !== 'GET') t.clock.advance(1_000);
    const response = await call<ApiObject>(t, method, `/v1${url}`, { key: account.key, body });
    return ok(response, method === 'POST' && !url.includes('/', 1) ? 201 : 200);
  };
  const list = async (url: string) => ok(await call<List>(t, 'GET', `/v1${url}`, { key: account.key })).data;

  async function newEvents(): Promise<SeenEvent[]> {
    const rows = await eventsOf(t, account.account.id, seen);
    seen = rows.at(-1)?.id ?? seen;
    return rows.map((row) => {
      const data = fromDbJson<{ object: unknown; previousAttributes?: Record<string, unknown> }>(row.data);
      return data.previousAttributes
        ? { type: row.type, object: data.object, previousAttributes: data.previousAttributes }
        : { type: row.type, object: data.object };
    });
  }

  /** Each step changes something and returns the events it must have written, in order. */
  const steps: readonly { name: string; run: () => Promise<SeenEvent[]> }[] = [
    {
      name: 'location created',
      run: async () => {
        state.location = await api('POST', '/locations', { name: 'Depot', ...SITE, geofenceMode: 'warn' });
        return created(state.location);
      },
    },
    {
      name: 'location updated',
      run: async () => {
        const previous = state.location as ApiObject;
        state.location = await api('PATCH', `/locations/${previous.id}`, { name: 'Main depot' });
        return [updated(previous, state.location, ['name'])];
      },
    },
    {
      name: 'department code, position, cost code created',
      run: async () => {
        state.department = await api('POST', '/department-codes', { code: 'OPS', name: 'Operations' });
        state.position = await api('POST', '/positions', { code: 'DRV', name: 'Driver' });
        state.costCode = await api('POST', '/cost-codes', { code: 'C-1', name: 'Site one' });
        return [...created(state.department), ...created(state.position), ...created(state.costCode)];
      },
    },
    {
      name: 'employee created',
      run: async () => {
        state.employee = await api('POST', '/employees', { firstName: 'Maria', lastName: 'Lopez' });
        return created(state.employee);
      },
    },
    {
      name: 'group created with a member: the member is updated too',
      run: async () => {
        const employee = state.employee as ApiObject;
        state.group = await api('POST', '/groups', {
          code: 'NIGHT',
          name: 'Night crew',
          employeeIds: [employee.id],
        });
        state.employee = await api('GET', `/employees/${employee.id}`);
        return [...created(state.group), updated(employee, state.employee, ['groupIds'])];
      },
    },
    {
      name: 'employee leaves the group: the group is updated too',
      run: async () => {
        const employee = state.employee as ApiObject;
        const group = state.group as ApiObject;
        state.employee = await api('PATCH', `/employees/${employee.id}`, {
          groupIds: [],
          lastName: 'Ruiz',
        });
        state.group = await api('GET', `/groups/${group.id}`);
        return [
          updated(employee, state.employee, ['lastName', 'groupIds']),
          updated(group, state.group, ['employeeIds']),
        ];
      },
    },
    {
      name: 'code catalogue entries updated',
      run: async () => {
        const department = state.department as ApiObject;
        state.department = await api('PATCH', `/department-codes/${department.id}`, { active: false });
        return [updated(department, state.department, ['active'])];
      },
    },
    {
      name: 'geofence created and updated',
      run: async () => {
        const location = state.location as ApiObject;
        const fence = await api('POST', '/geofences', {
          name: 'Yard',
          ...SITE,
          radiusMeters: 150,
          locationId: location.id,
        });
        state.geofence = await api('PATCH', `/geofences/${fence.id}`, { radiusMeters: 200 });
        return [...created(fence), updated(fence, state.geofence, ['radiusMeters'])];
      },
    },
    {
      name: 'clock in outside the geofence: punch, domain events, time entry opened, employee on the clock',
      run: async () => {
        const employee = state.employee as ApiObject;
        const punch = await api('POST', '/punches', {
          employeeId: employee.id,
          type: 'in',
          locationId: (state.location as ApiObject).id,
          ...AWAY,
        });
        assert.equal(punch.withinGeofence, false);
        state.entry = await api('GET', `/time-entries/${punch.timeEntryId}`);
        state.employee = await api('GET', `/employees/${employee.id}`);
        return [
          ...created(punch, 'punch.clock_in', 'punch.outside_geofence'),
          ...created(state.entry),
          updated(employee, state.employee, ['clockStatus']),
        ];
      },
    },
    {
      name: 'break start: punch and employee only (the entry is unchanged)',
      run: async () => {
        const employee = state.employee as ApiObject;
        const punch = await api('POST', '/punches', { employeeId: employee.id, type: 'break_start' });
        state.employee = await api('GET', `/employees/${employee.id}`);
        return [...created(punch), updated(employee, state.employee, ['clockStatus'])];
      },
    },
    {
      name: 'break end: the entry counts the break',
      run: async () => {
        const employee = state.employee as ApiObject;
        const entry = state.entry as ApiObject;
        const punch = await api('POST', '/punches', { employeeId: employee.id, type: 'break_end' });
        state.entry = await api('GET', `/time-entries/${entry.id}`);
        state.employee = await api('GET', `/employees/${employee.id}`);
        return [
          ...created(punch),
          updated(entry, state.entry, ['breakSeconds']),
          updated(employee, state.employee, ['clockStatus']),
        ];
      },
    },
    {
      name: 'clock out: the entry closes',
      run: async () => {
        const employee = state.employee as ApiObject;
        const entry = state.entry as ApiObject;
        const punch = await api('POST', '/punches', { employeeId: employee.id, type: 'out' });
        state.entry = await api('GET', `/time-entries/${entry.id}`);
        state.employee = await api('GET', `/employees/${employee.id}`);
        return [
          ...created(punch, 'punch.clock_out'),
          // The raw time of the clock-out is recorded beside the counted `end` (rounding, issue 13).
          updated(entry, state.entry, ['end', 'punchedEnd', 'durationSeconds', 'status']),
          updated(employee, state.employee, ['clockStatus']),
        ];
      },
    },
    {
      name: 'time entry created closed: no clock change',
      run: async () => {
        state.closedEntry = await api('POST', '/time-entries', {
          employeeId: (state.employee as ApiObject).id,
          start: '2026-10-30T13:00:00.000Z',
          end: '2026-10-30T17:00:00.000Z',
        });
        return created(state.closedEntry);
      },
    },
    {
      name: 'time entry created open: the employee goes on the clock',
      run: async () => {
        const employee = state.employee as ApiObject;
        state.openEntry = await api('POST', '/time-entries', {
          employeeId: employee.id,
          start: t.clock.now().toISOString(),
        });
        state.employee = await api('GET', `/employees/${employee.id}`);
        return [...created(state.openEntry), updated(employee, state.employee, ['clockStatus'])];
      },
    },
    {
      name: 'time entry closed by an update: the employee goes off the clock',
      run: async () => {
        const employee = state.employee as ApiObject;
        const entry = state.openEntry as ApiObject;
        state.openEntry = await api('PATCH', `/time-entries/${entry.id}`, {
          end: t.clock.now().toISOString(),
        });
        state.employee = await api('GET', `/employees/${employee.id}`);
        return [
          updated(entry, state.openEntry, ['end', 'durationSeconds', 'status']),
          updated(employee, state.employee, ['clockStatus']),
        ];
      },
    },
    {
      name: 'time entry deleted',
      run: async () => {
        const entry = state.closedEntry as ApiObject;
        await api('DELETE', `/time-entries/${entry.id}`);
        return [deleted(entry)];
      },
    },
    {
      name: 'time off requested, approved, denied, canceled',
      run: async () => {
        const employeeId = (state.employee as ApiObject).id;
        const request = (startDate: string) =>
          api('POST', '/time-off', { employeeId, type: 'vacation', startDate, endDate: startDate });
        const expected: SeenEvent[] = [];
        for (const [date, verb, status] of [
          ['2026-12-01', 'approve', 'approved'],
          ['2026-12-02', 'deny', 'denied'],
          ['2026-12-03', 'cancel', 'canceled'],
        ] as const) {
          const requested = await request(date);
          const decided = await api('POST', `/time-off/${requested.id}/${verb}`);
          expected.push(
            ...created(requested, 'time_off.requested'),
            updated(requested, decided, ['status', 'decidedAt']),
            { type: `time_off.${status}`, object: decided },
          );
        }
        return expected;
      },
    },
    {
      name: 'shift created unpublished, then published',
      run: async () => {
        const draft = await api('POST', '/shifts', {
          employeeId: (state.employee as ApiObject).id,
          start: '2026-11-10T14:00:00.000Z',
          end: '2026-11-10T22:00:00.000Z',
        });
        state.shift = await api('PATCH', `/shifts/${draft.id}`, { published: true });
        return [
          ...created(draft),
          updated(draft, state.shift, ['published']),
          { type: 'shift.published', object: state.shift },
        ];
      },
    },
    {
      name: 'shift created published, and a shift deleted',
      run: async () => {
        const published = await api('POST', '/shifts', {
          start: '2026-11-11T14:00:00.000Z',
          end: '2026-11-11T22:00:00.000Z',
          published: true,
        });
        await api('DELETE', `/shifts/${published.id}`);
        return [...created(published, 'shift.published'), deleted(published)];
      },
    },
    {
      name: 'pay periods and time cards materialised on read: no event',
      run: async () => {
        state.period = (await list('/pay-periods?limit=100'))[0] as ApiObject;
        const employeeId = (state.employee as ApiObject).id;
        state.card = (await list(`/time-cards?employeeId=${employeeId}`))[0] as ApiObject;
        return [];
      },
    },
    {
      name: 'pay period locked (again: nothing), then unlocked',
      run: async () => {
        const period = state.period as ApiObject;
        const locked = await api('POST', `/pay-periods/${period.id}/lock`);
        assert.deepEqual(await api('POST', `/pay-periods/${period.id}/lock`), locked);
        state.period = await api('POST', `/pay-periods/${period.id}/unlock`);
        return [
          updated(period, locked, ['locked', 'lockedAt']),
          { type: 'pay_period.locked', object: locked },
          updated(locked, state.period, ['locked', 'lockedAt']),
        ];
      },
    },
    {
      name: 'time card approved (again: nothing), then unapproved with a reason',
      run: async () => {
        const card = state.card as ApiObject;
        const approved = await api('POST', `/time-cards/${card.id}/approve`);
        assert.deepEqual(await api('POST', `/time-cards/${card.id}/approve`), approved);
        const unapproved = await api('POST', `/time-cards/${card.id}/unapprove`, {
          reason: 'Tuesday ends 5 hours later',
        });
        assert.equal(unapproved.unapprovalReason, 'Tuesday ends 5 hours later');
        return [
          updated(card, approved, ['approved', 'approvedAt', 'approvedBy']),
          { type: 'time_card.approved', object: approved },
          updated(approved, unapproved, [
            'approved',
            'approvedAt',
            'approvedBy',
            'unapprovedAt',
            'unapprovedBy',
            'unapprovalReason',
          ]),
          { type: 'time_card.unapproved', object: unapproved },
        ];
      },
    },
    {
      name: 'pay schedule changed: the periods not over yet are deleted',
      run: async () => {
        const schedule = await api('GET', '/pay-schedule');
        const today = '2026-11-01';
        const open = (await list('/pay-periods?limit=100'))
          .filter((period) => String(period.endDate) >= today)
          .sort((a, b) => String(a.startDate).localeCompare(String(b.startDate)));
        assert.ok(open.length >= 2, 'the current and the next period exist');
        const changed = await api('PATCH', '/pay-schedule', { frequency: 'weekly' });
        return [updated(schedule, changed, ['frequency']), ...open.map(deleted)];
      },
    },
    {
      name: 'employee deleted: its group and geofence lose it',
      run: async () => {
        const group = await api('POST', '/groups', { code: 'DAY', name: 'Day crew' });
        const fence = await api('POST', '/geofences', { name: 'Gate', ...SITE, radiusMeters: 80 });
        const employee = await api('POST', '/employees', {
          firstName: 'Temp',
          lastName: 'Worker',
          groupIds: [group.id],
        });
        const withMember = await api('GET', `/groups/${group.id}`);
        const fenceWithMember = await api('PATCH', `/geofences/${fence.id}`, {
          employeeIds: [employee.id],
        });
        await api('DELETE', `/employees/${employee.id}`);
        const groupAfter = await api('GET', `/groups/${group.id}`);
        const fenceAfter = await api('GET', `/geofences/${fence.id}`);
        return [
          ...created(group),
          ...created(fence),
          ...created(employee),
          updated(group, withMember, ['employeeIds']),
          updated(fence, fenceWithMember, ['employeeIds']),
          deleted(employee),
          updated(withMember, groupAfter, ['employeeIds']),
          updated(fenceWithMember, fenceAfter, ['employeeIds']),
        ];
      },
    },
    {
      name: 'catalogue entries, geofence and location deleted',
      run: async () => {
        const location = await api('POST', '/locations', { name: 'Pop-up' });
        const fence = await api('POST', '/geofences', { name: 'Pop-up fence', ...SITE, radiusMeters: 60 });
        const position = await api('POST', '/positions', { code: 'TMP', name: 'Temporary' });
        await api('DELETE', `/geofences/${fence.id}`);
        await api('DELETE', `/positions/${position.id}`);
        await api('DELETE', `/locations/${location.id}`);
        return [
          ...created(location),
          ...created(fence),
          ...created(position),
          deleted(fence),
          deleted(position),
          deleted(location),
        ];
      },
    },
    {
      name: 'refused changes (409, 404) emit nothing',
      run: async () => {
        const refused = await call(t, 'POST', '/v1/punches', {
          key: account.key,
          body: { employeeId: (state.employee as ApiObject).id, type: 'out' },
        });
        assert.equal(refused.status, 409);
        const missing = await call(t, 'PATCH', '/v1/locations/loc_01JD2X6Y3Z4A5B6C7D8E9F0G1H', {
          key: account.key,
          body: { name: 'Nowhere' },
        });
        assert.equal(missing.status, 404);
        return [];
      },
    },
    {
      name: 'API keys (no HTTP API: the portal and CLI call the service): created, revoked, rolled, revoke-all',
      run: async () => {
        const ctx = t.app.context;
        const accountId = account.account.id;
        const adminId = account.admin.id;
        const first = await createTestKey(t, account, ['employees:read'], { name: 'First' });
        const second = await createTestKey(t, account, ['employees:read'], { name: 'Second' });
        // The list adds whether each key's owner lets it work; the events carry the key object alone.
        const keys = async () => (await listApiKeys(ctx, accountId)).map(({ ownerActive: _, ...key }) => key);
        const firstCreated = (await keys()).find((key) => key.id === first.id);
        const secondCreated = (await keys()).find((key) => key.id === second.id);
        const revoked = await revokeApiKey(ctx, accountId, first.id, adminId);
        await revokeApiKey(ctx, accountId, first.id, adminId);
        const rolled = await rollApiKey(ctx, accountId, second.id, { actor: adminId });
        const active = (await keys()).filter((key) => key.status === 'active');
        await revokeAllApiKeys(ctx, accountId, adminId);
        const revokedAll = (await keys())
          .filter((key) => active.some((was) => was.id === key.id))
          .sort((a, b) => a.id.localeCompare(b.id));
        assert.equal(revokedAll.length, 3, 'the full-access key, the rolled one and its replacement');
        const stored = JSON.stringify(await eventsOf(t, accountId, seen));
        for (const secret of [account.key, first.key, second.key, rolled.key]) {
          assert.equal(stored.includes(secret), false, 'events never carry a key');
        }
        return [
          { type: 'api_key.created', object: firstCreated },
          { type: 'api_key.created', object: secondCreated },
          { type: 'api_key.revoked', object: revoked },
          { type: 'api_key.rolled', object: rolled.previous },
          { type: 'api_key.created', object: rolled.object },
          ...revokedAll.map((object) => ({ type: 'api_key.revoked', object })),
        ];
      },
    },
  ];

  for (const step of steps) {
    test(step.name, async () => {
      const expected = await step.run();
      assert.deepEqual(await newEvents(), JSON.parse(JSON.stringify(expected)));
    });
  }
});

for (const dialect of DIALECTS) {
  describe(`outbox: transactions and deliveries (${dialect})`, () => {
    let t: TestApp;

    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    test('each event gets one pending delivery per enabled endpoint subscribed to it, in the same commit', async () => {
      const account = await createTestAccount(t);
      const other = await createTestAccount(t);
      const accountId = account.account.id;
      const everything = await insertEndpoint(t, accountId, ['*']);
      const onlyCreations = await insertEndpoint(t, accountId, ['employee.created']);
      await insertEndpoint(t, accountId, ['*'], 'disabled');
      await insertEndpoint(t, other.account.id, ['*']);
      const seen = (await eventsOf(t, accountId)).at(-1)?.id ?? '';

      t.clock.advance(5_000);
      const employee = ok(
        await call<ApiObject>(t, 'POST', '/v1/employees', {
          key: account.key,
          body: { firstName: 'Ada', lastName: 'King' },
        }),
        201,
      );
      ok(
        await call(t, 'PATCH', `/v1/employees/${employee.id}`, { key: account.key, body: { phone: '555' } }),
      );

      const events = await eventsOf(t, accountId, seen);
      assert.deepEqual(
        events.map((event) => event.type),
        ['employee.created', 'employee.updated'],
      );
      const deliveries = await t.db.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('id')
        .execute();
      const [createdEvent, updatedEvent] = events;
      assert.deepEqual(
        deliveries.map((delivery) => [delivery.event_id, delivery.endpoint_id]),
        [
          [createdEvent?.id, everything],
          [createdEvent?.id, onlyCreations],
          [updatedEvent?.id, everything],
        ],
      );
      for (const delivery of deliveries) {
        assert.equal(delivery.status, 'pending');
        assert.equal(delivery.attempt_count, 0);
        assert.equal(delivery.claimed_until, null);
        assert.equal(new Date(String(delivery.next_attempt_at)).toISOString(), t.clock.now().toISOString());
      }
      assert.equal(
        await countRows(t, 'webhook_deliveries', other.account.id),
        0,
        'no delivery crosses accounts',
      );
    });

    test('a change rolled back after its events were written leaves no event and no delivery', async () => {
      const account = await createTestAccount(t);
      const accountId = account.account.id;
      await insertEndpoint(t, accountId, ['*']);
      const eventsBefore = await countRows(t, 'events', accountId);

      // A later step of the same transaction fails: the caller's transaction, joined by the service, aborts.
      const ctx = t.app.context;
      await assert.rejects(
        ctx.database.db.transaction().execute(async (trx) => {
          const employee = await createEmployee(
            { ...ctx, database: { ...ctx.database, db: trx } },
            accountId,
            { firstName: 'Roll', lastName: 'Back' },
          );
          const written = await trx
            .selectFrom('events')
            .select('type')
            .where('account_id', '=', accountId)
            .execute();
          assert.ok(
            written.some((event) => event.type === 'employee.created'),
            'the event was written inside the transaction',
          );
          throw new Error(`abort after creating ${employee.id}`);
        }),
        /abort after creating emp_/,
      );
      assert.equal(await countRows(t, 'employees', accountId), 0);
      assert.equal(await countRows(t, 'events', accountId), eventsBefore);
      assert.equal(await countRows(t, 'webhook_deliveries', accountId), 0);

      // Through the API: the delivery insert, the last write of the change, fails after the event insert.
      await failDeliveryInserts(t, dialect);
      const response = await call(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName: 'Never', lastName: 'Stored' },
      });
      assert.equal(response.status, 500);
      assert.equal(await countRows(t, 'employees', accountId), 0);
      assert.equal(await countRows(t, 'events', accountId), eventsBefore);
      assert.equal(await countRows(t, 'webhook_deliveries', accountId), 0);
    });

    test('emitEvents outside a transaction throws and writes nothing', async () => {
      const account = await createTestAccount(t);
      const accountId = account.account.id;
      const eventsBefore = await countRows(t, 'events', accountId);
      const object = { id: exampleId(EMPLOYEES), object: 'employee' };
      await assert.rejects(
        emitEvents(t.db.db, t.app.context, accountId, [{ type: 'employee.created', object }]),
        /inside the transaction/,
      );
      await assert.rejects(emitEvents(t.db.db, t.app.context, accountId, []), /inside the transaction/);
      assert.equal(await countRows(t, 'events', accountId), eventsBefore);
    });
  });
}
