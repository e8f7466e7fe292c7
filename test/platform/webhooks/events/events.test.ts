import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type EventPayloadObject, emitEvents } from '../../../../src/platform/webhooks/outbox.js';
import { EMPLOYEES } from '../../../../src/resources/employees/resource.js';
import { TIME_OFF } from '../../../../src/resources/time-off/resource.js';
import { newId } from '../../../../src/shared/ids.js';
import { call, createTestAccount, createTestKey, type TestAccount } from '../../../helpers/app.js';
import { describeEachDialect } from '../../../helpers/each-dialect.js';
import { assertApiError } from '../../../helpers/security-suite.js';

type Event = {
  id: string;
  object: string;
  type: string;
  createdAt: string;
  apiVersion: string;
  data: { object: Record<string, unknown>; previousAttributes?: Record<string, unknown> };
};
type List<T> = { object: string; data: T[]; hasMore: boolean; url: string; totalCount?: number };

const MINUTE = 60_000;

describeEachDialect('events feed', ({ t, account }) => {
  let other: TestAccount;
  /** Ids of the employee events emitted in `before`, newest first, and when each happened. */
  let employeeEvents: string[] = [];
  const happenedAt = new Map<string, string>();

  const emit = async (
    accountId: string,
    type: string,
    object: EventPayloadObject,
    previousAttributes?: Record<string, unknown>,
  ) => {
    const [id] = await t.db.db
      .transaction()
      .execute((trx) => emitEvents(trx, t.app.context, accountId, [{ type, object, previousAttributes }]));
    happenedAt.set(id as string, t.clock.now().toISOString());
    return id as string;
  };
  const employee = (firstName: string) => ({
    id: newId(EMPLOYEES),
    object: 'employee',
    firstName,
    lastName: 'Lopez',
    payRate: 24.5,
  });
  const list = (query: string, key = account.key, headers: Record<string, string> = {}) =>
    call<List<Event>>(t, 'GET', `/v1/events${query}`, { key, headers });

  before(async () => {
    other = await createTestAccount(t);
    const created: string[] = [];
    for (const name of ['Ana', 'Ben', 'Cy', 'Di', 'Ed']) {
      t.clock.advance(MINUTE);
      created.push(await emit(account.account.id, 'employee.created', employee(name)));
    }
    employeeEvents = created.reverse();
  });

  test('lists events newest first in the list envelope, each rendered as an event object', async () => {
    const res = await list('?type=employee.*&limit=100');
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.object, 'list');
    assert.equal(res.body.url, '/v1/events');
    assert.equal(res.body.hasMore, false);
    assert.deepEqual(
      res.body.data.map((event) => event.id),
      employeeEvents,
    );
    const newest = res.body.data[0] as Event;
    assert.deepEqual(Object.keys(newest).sort(), ['apiVersion', 'createdAt', 'data', 'id', 'object', 'type']);
    assert.equal(newest.object, 'event');
    assert.equal(newest.type, 'employee.created');
    assert.equal(newest.createdAt, happenedAt.get(newest.id));
    assert.equal(newest.data.object.firstName, 'Ed');
    assert.equal('previousAttributes' in newest.data, false);

    const one = await call<Event>(t, 'GET', `/v1/events/${newest.id}`, { key: account.key });
    assert.equal(one.status, 200, one.raw);
    assert.deepEqual(one.body, newest);
  });

  test('a poller walks forward with endingBefore and sees every new event once, in order', async () => {
    const [newest] = employeeEvents;
    const idle = await list(`?type=employee.*&endingBefore=${newest}`);
    assert.deepEqual(idle.body.data, []);
    assert.equal(idle.body.hasMore, false);

    const later: string[] = [];
    for (const name of ['Fay', 'Gus', 'Hal']) {
      t.clock.advance(MINUTE);
      later.push(await emit(account.account.id, 'employee.created', employee(name)));
    }
    const seen: string[] = [];
    let cursor = newest;
    let hasMore = true;
    while (hasMore) {
      const page = await list(`?type=employee.*&limit=2&endingBefore=${cursor}`);
      assert.equal(page.status, 200, page.raw);
      // Each page is newest first; the poller reads it back to front to see the events in order.
      seen.push(...page.body.data.map((event) => event.id).reverse());
      hasMore = page.body.hasMore;
      cursor = page.body.data[0]?.id ?? cursor;
    }
    assert.deepEqual(seen, later);
    employeeEvents = [...later.reverse(), ...employeeEvents];

    // And backwards through history with startingAfter.
    const walked: string[] = [];
    let after: string | undefined;
    do {
      const page = await list(`?type=employee.*&limit=3${after ? `&startingAfter=${after}` : ''}`);
      walked.push(...page.body.data.map((event) => event.id));
      hasMore = page.body.hasMore;
      after = page.body.data.at(-1)?.id;
    } while (hasMore);
    assert.deepEqual(walked, employeeEvents);
  });

  test('filters: one type, every type of an object, createdAfter (strictly after)', async () => {
    t.clock.advance(MINUTE);
    const before = { ...employee('Ivy'), lastName: 'Old' };
    const updated = await emit(
      account.account.id,
      'employee.updated',
      { ...before, lastName: 'New' },
      { lastName: 'Old', updatedAt: '2026-11-01T12:00:00.000Z' },
    );
    const timeOff = await emit(account.account.id, 'time_off.approved', {
      id: newId(TIME_OFF),
      object: 'time_off',
      status: 'approved',
    });

    const one = await list('?type=employee.updated');
    assert.deepEqual(
      one.body.data.map((event) => event.id),
      [updated],
    );
    assert.deepEqual(one.body.data[0]?.data.previousAttributes, {
      lastName: 'Old',
      updatedAt: '2026-11-01T12:00:00.000Z',
    });
    const employees = await list('?type=employee.*&limit=100');
    assert.deepEqual(
      employees.body.data.map((event) => event.id),
      [updated, ...employeeEvents],
    );
    const pto = await list('?type=time_off.*');
    assert.deepEqual(
      pto.body.data.map((event) => event.id),
      [timeOff],
    );

    // `createdAfter` in any ISO spelling: the instant of the newest employee.created is excluded.
    const newestCreated = happenedAt.get(employeeEvents[0] as string) as string;
    for (const createdAfter of [
      newestCreated,
      newestCreated.replace('.000Z', 'Z'),
      new Date(newestCreated).toISOString().replace('Z', '+00:00'),
    ]) {
      const res = await list(`?type=employee.*&createdAfter=${encodeURIComponent(createdAfter)}`);
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(
        res.body.data.map((event) => event.id),
        [updated],
        createdAfter,
      );
    }
    const anHourEarlier = new Date(new Date(newestCreated).getTime() - 1)
      .toISOString()
      .replace('Z', '+01:00');
    const shifted = await list(`?type=employee.*&createdAfter=${encodeURIComponent(anHourEarlier)}`);
    assert.equal(shifted.body.data.length, employeeEvents.length + 1);
  });

  test('unknown types, bad instants and updatedSince are refused naming the parameter', async () => {
    for (const type of ['employee.hired', 'nothing.*', 'ping', 'employee', '*']) {
      assertApiError(await list(`?type=${encodeURIComponent(type)}`), 400, 'parameter_invalid', {
        param: 'type',
      });
    }
    assertApiError(await list('?createdAfter=yesterday'), 400, 'parameter_invalid', {
      param: 'createdAfter',
    });
    // Events never change: the feed is followed by cursor or createdAfter, not updatedSince.
    assertApiError(await list('?updatedSince=2026-11-01T00:00:00Z'), 400, 'parameter_invalid', {
      param: 'updatedSince',
    });
    assertApiError(await list('?limit=101'), 400, 'parameter_invalid', { param: 'limit' });
    assertApiError(
      await list(`?startingAfter=${employeeEvents[0]}&endingBefore=${employeeEvents[1]}`),
      400,
      'parameter_invalid',
      { param: 'endingBefore' },
    );
  });

  test('webhook endpoint changes are in the feed; test pings are not', async () => {
    const created = await call<{ id: string }>(t, 'POST', '/v1/webhook-endpoints', {
      key: account.key,
      body: { url: 'https://93.184.215.14/hooks', enabledEvents: ['*'] },
    });
    assert.equal(created.status, 201, created.raw);
    const ping = await call<{ eventId: string }>(t, 'POST', `/v1/webhook-endpoints/${created.body.id}/test`, {
      key: account.key,
    });
    assert.equal(ping.status, 200, ping.raw);

    const feed = await list('?limit=100');
    const types = feed.body.data.map((event) => event.type);
    assert.ok(types.includes('webhook_endpoint.created'));
    assert.equal(types.includes('ping'), false);
    assert.equal(
      feed.body.data.some((event) => event.id === ping.body.eventId),
      false,
    );
    assertApiError(
      await call(t, 'GET', `/v1/events/${ping.body.eventId}`, { key: account.key }),
      404,
      'resource_not_found',
      { param: 'id' },
    );
  });

  test('objects render in the version of the request', async () => {
    const id = employeeEvents[0] as string;
    const pinned = await call<Event>(t, 'GET', `/v1/events/${id}`, {
      key: account.key,
      headers: { 'X-Api-Version': '2025-03-01' },
    });
    assert.equal(pinned.status, 200, pinned.raw);
    assert.equal(pinned.body.apiVersion, '2025-03-01');
    assert.equal(pinned.headers['x-api-version'], '2025-03-01');
    const latest = await call<Event>(t, 'GET', `/v1/events/${id}`, { key: account.key });
    assert.equal(latest.body.apiVersion, latest.headers['x-api-version']);
    assert.deepEqual(pinned.body.data, latest.body.data);

    // 2025-03-01 lists always carry totalCount; later ones only on request.
    const old = await list('?type=employee.*', account.key, { 'X-Api-Version': '2025-03-01' });
    assert.equal(old.body.totalCount, employeeEvents.length + 1);
    assert.equal(old.body.data[0]?.apiVersion, '2025-03-01');
    const counted = await list('?type=employee.*&include=totalCount');
    assert.equal(counted.body.totalCount, employeeEvents.length + 1);
  });

  test("a key's field restrictions apply to the objects events carry", async () => {
    const { key } = await createTestKey(t, account, ['events:read', 'employees:read', 'pto:read'], {
      fieldRestrictions: { employees: ['firstName'] },
    });
    const res = await list('?type=employee.*&limit=100', key);
    assert.equal(res.status, 200, res.raw);
    const updated = res.body.data.find((event) => event.type === 'employee.updated');
    assert.deepEqual(updated?.data.object, {
      id: updated?.data.object.id,
      object: 'employee',
      firstName: 'Ivy',
    });
    assert.deepEqual(updated?.data.previousAttributes, {});
    const created = await call<Event>(t, 'GET', `/v1/events/${employeeEvents[0]}`, { key });
    assert.deepEqual(Object.keys(created.body.data.object).sort(), ['firstName', 'id', 'object']);
    // Objects of other resources are not restricted by an employees restriction.
    const pto = await list('?type=time_off.*', key);
    assert.equal(pto.body.data[0]?.data.object.status, 'approved');
  });

  test("another account's events are invisible, and 404 by id", async () => {
    const theirs = await emit(other.account.id, 'employee.deleted', employee('Zed'));
    const mine = await list('?limit=100');
    assert.equal(
      mine.body.data.some((event) => event.id === theirs),
      false,
    );
    assertApiError(
      await call(t, 'GET', `/v1/events/${theirs}`, { key: account.key }),
      404,
      'resource_not_found',
      {
        param: 'id',
      },
    );
    const visible = await call<Event>(t, 'GET', `/v1/events/${theirs}`, { key: other.key });
    assert.equal(visible.status, 200, visible.raw);
    assert.equal(visible.body.type, 'employee.deleted');
  });

  test('the feed needs events:read', async () => {
    const { key } = await createTestKey(t, account, ['employees:read', 'webhooks:read']);
    assertApiError(await list('', key), 403, 'missing_scope');
  });
});
