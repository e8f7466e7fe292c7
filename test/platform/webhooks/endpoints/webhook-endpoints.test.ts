import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fromDbJson } from '../../../../src/db/columns.js';
import type { WebhookDeliveryStatus } from '../../../../src/db/tables.js';
import { WEBHOOK_ATTEMPTS } from '../../../../src/platform/webhooks/endpoints/resource.js';
import { emitEvents } from '../../../../src/platform/webhooks/outbox.js';
import type { HostResolver } from '../../../../src/platform/webhooks/ssrf.js';
import { EMPLOYEES } from '../../../../src/resources/employees/resource.js';
import { newId } from '../../../../src/shared/ids.js';
import {
  call,
  createTestAccount,
  createTestApp,
  type TestAccount,
  type TestApp,
} from '../../../helpers/app.js';
import { DIALECTS } from '../../../helpers/dialects.js';
import { describeListContract } from '../../../helpers/list-suite.js';
import { assertApiError } from '../../../helpers/security-suite.js';

type Endpoint = {
  id: string;
  object: string;
  url: string;
  description: string | null;
  enabledEvents: string[];
  apiVersion: string | null;
  status: string;
  disabledReason: string | null;
  failingSince: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  secret?: string;
};
type Attempt = {
  id: string;
  object: string;
  attemptedAt: string;
  statusCode: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
};
type Delivery = {
  id: string;
  object: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  attempts: Attempt[];
  createdAt: string;
  updatedAt: string;
};
type List<T> = {
  object: string;
  data: T[];
  hasMore: boolean;
  url: string;
  totalCount?: number;
};

/** A public IP literal: the SSRF check accepts it without resolving anything. */
const PUBLIC_URL = 'https://93.184.215.14/hooks/punchclock';
const MINUTE = 60_000;

/** Host names the app resolves in these tests, without DNS. */
const resolve: HostResolver = async (host) => {
  const table: Record<string, string[]> = {
    'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'rebind.example.com': ['93.184.215.14', '127.0.0.1'],
  };
  const addresses = table[host];
  if (!addresses) throw new Error(`ENOTFOUND ${host}`);
  return addresses;
};

for (const dialect of DIALECTS) {
  describe(`webhook endpoints (${dialect})`, () => {
    let t: TestApp;
    let account: TestAccount;
    let other: TestAccount;

    before(async () => {
      t = await createTestApp(dialect, { webhooks: { resolve } });
      account = await createTestAccount(t);
      other = await createTestAccount(t);
    });
    after(() => t.close());

    const create = (body: Record<string, unknown>, key = account.key) =>
      call<Endpoint>(t, 'POST', '/v1/webhook-endpoints', { key, body });
    const createOk = async (body: Record<string, unknown> = {}, key = account.key) => {
      const res = await create({ url: PUBLIC_URL, enabledEvents: ['*'], ...body }, key);
      assert.equal(res.status, 201, res.raw);
      return res.body;
    };
    const get = (id: string, key = account.key) =>
      call<Endpoint>(t, 'GET', `/v1/webhook-endpoints/${id}`, { key });
    const patch = (id: string, body: Record<string, unknown>, key = account.key) =>
      call<Endpoint>(t, 'PATCH', `/v1/webhook-endpoints/${id}`, { key, body });
    const post = <T = Record<string, unknown>>(path: string, key = account.key, body?: unknown) =>
      call<T>(t, 'POST', path, { key, ...(body === undefined ? {} : { body }) });
    const deliveries = (endpointId: string, query = '', key = account.key) =>
      call<List<Delivery>>(t, 'GET', `/v1/webhook-endpoints/${endpointId}/deliveries${query}`, { key });

    const endpointRow = (id: string) =>
      t.db.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const deliveryRow = (id: string) =>
      t.db.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    /** The events about this endpoint, oldest first, as stored. */
    const eventsAbout = async (endpointId: string) => {
      const rows = await t.db.db
        .selectFrom('events')
        .selectAll()
        .where('account_id', '=', account.account.id)
        .orderBy('id')
        .execute();
      return rows
        .map((row) => ({ ...row, parsed: fromDbJson<{ object: { id: string } }>(row.data) }))
        .filter((row) => row.parsed.object.id === endpointId);
    };
    /** Queues one event for every subscribed endpoint of the account, as a change of another resource would. */
    const emitEmployeeEvent = async (accountId = account.account.id) => {
      const [eventId] = await t.db.db.transaction().execute((trx) =>
        emitEvents(trx, t.app.context, accountId, [
          {
            type: 'employee.created',
            object: { id: newId(EMPLOYEES), object: 'employee', firstName: 'Ada' },
          },
        ]),
      );
      return eventId as string;
    };
    const deliveryOf = async (endpointId: string, eventId: string) =>
      t.db.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .where('event_id', '=', eventId)
        .executeTakeFirstOrThrow();
    const setDelivery = (id: string, status: WebhookDeliveryStatus, attemptCount: number) =>
      t.db.db
        .updateTable('webhook_deliveries')
        .set({
          status,
          attempt_count: attemptCount,
          next_attempt_at: status === 'pending' ? t.clock.now().toISOString() : null,
          claimed_until: null,
        })
        .where('id', '=', id)
        .execute();
    const insertAttempt = (deliveryId: string, statusCode: number | null, accountId = account.account.id) =>
      t.db.db
        .insertInto('webhook_attempts')
        .values({
          id: newId(WEBHOOK_ATTEMPTS),
          account_id: accountId,
          delivery_id: deliveryId,
          attempted_at: t.clock.now().toISOString(),
          status_code: statusCode,
          duration_ms: 87,
          response_body: statusCode === null ? null : `answered ${statusCode}`,
          error: statusCode === null ? 'connect ETIMEDOUT' : null,
        })
        .execute();

    test('create returns the endpoint with its defaults and the secret, once', async () => {
      const res = await create({
        url: 'https://hooks.example.com/punchclock',
        description: 'Payroll sync',
        enabledEvents: ['employee.created', 'punch.clock_in'],
      });
      assert.equal(res.status, 201, res.raw);
      const { secret, ...endpoint } = res.body;
      assert.match(endpoint.id, /^we_[0-9A-Z]{26}$/);
      assert.match(secret ?? '', /^whsec_[A-Za-z0-9+/]{32}$/);
      assert.equal(Buffer.from((secret ?? '').slice('whsec_'.length), 'base64').length, 24);
      const now = t.clock.now().toISOString();
      assert.deepEqual(endpoint, {
        id: endpoint.id,
        object: 'webhook_endpoint',
        url: 'https://hooks.example.com/punchclock',
        description: 'Payroll sync',
        enabledEvents: ['employee.created', 'punch.clock_in'],
        apiVersion: null,
        status: 'enabled',
        disabledReason: null,
        failingSince: null,
        previousSecretExpiresAt: null,
        createdAt: now,
        updatedAt: now,
      });
      assert.equal((await endpointRow(endpoint.id)).secret, secret);

      // Never again: not on retrieval, not in lists, not in the event of its creation.
      const got = await get(endpoint.id);
      assert.deepEqual(got.body, endpoint);
      const listed = await call<List<Endpoint>>(t, 'GET', '/v1/webhook-endpoints?limit=100', {
        key: account.key,
      });
      for (const item of listed.body.data) assert.equal('secret' in item, false);
      const [created] = await eventsAbout(endpoint.id);
      assert.equal(created?.type, 'webhook_endpoint.created');
      assert.deepEqual(created?.parsed.object, endpoint);
      assert.equal(created?.data.includes(secret ?? 'none'), false);
      for (const raw of [got.raw, listed.raw]) assert.equal(raw.includes(secret ?? 'none'), false);
    });

    test('two endpoints never share a secret; a pinned version and a disabled start are kept', async () => {
      const a = await createOk({ apiVersion: '2025-03-01', status: 'disabled' });
      const b = await createOk();
      assert.notEqual(a.secret, b.secret);
      assert.equal(a.apiVersion, '2025-03-01');
      assert.equal(a.status, 'disabled');
      assert.equal(a.disabledReason, 'manual');
    });

    test('URLs must be https and public: 400 url_not_allowed naming url', async () => {
      for (const url of [
        'http://93.184.215.14/hooks',
        'https://127.0.0.1/hooks',
        'https://10.1.2.3/hooks',
        'https://169.254.169.254/latest/meta-data/',
        'https://[::1]/hooks',
        'https://[fe80::1]/hooks',
        'https://rebind.example.com/hooks', // resolves to a public and a loopback address
        'https://unknown.example.com/hooks', // does not resolve
      ]) {
        assertApiError(await create({ url, enabledEvents: ['*'] }), 400, 'url_not_allowed', { param: 'url' });
      }
      assertApiError(await create({ url: 'not a url', enabledEvents: ['*'] }), 400, 'parameter_invalid', {
        param: 'url',
      });
    });

    test('enabledEvents: known types or ["*"] alone; ping cannot be subscribed to', async () => {
      for (const enabledEvents of [
        ['employee.hired'],
        ['ping'],
        ['*', 'employee.created'],
        [],
        ['employee.created', 'employee.created'],
      ]) {
        const res = await create({ url: PUBLIC_URL, enabledEvents });
        assertApiError(res, 400, 'parameter_invalid', { param: 'enabledEvents' });
      }
      assertApiError(await create({ url: PUBLIC_URL }), 400, 'parameter_invalid', { param: 'enabledEvents' });
    });

    test('apiVersion must be a supported version; unknown fields are refused', async () => {
      assertApiError(
        await create({ url: PUBLIC_URL, enabledEvents: ['*'], apiVersion: '2020-01-01' }),
        400,
        'parameter_invalid',
        { param: 'apiVersion' },
      );
      assertApiError(
        await create({ url: PUBLIC_URL, enabledEvents: ['*'], secret: 'whsec_mine' }),
        400,
        'parameter_invalid',
        { param: 'secret' },
      );
    });

    test('update changes what is sent, re-checks the URL and records what changed', async () => {
      const endpoint = await createOk({ description: 'Before' });
      t.clock.advance(MINUTE);
      const res = await patch(endpoint.id, {
        url: 'https://hooks.example.com/v2',
        description: null,
        enabledEvents: ['time_off.approved'],
        apiVersion: '2025-03-01',
      });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.url, 'https://hooks.example.com/v2');
      assert.equal(res.body.description, null);
      assert.deepEqual(res.body.enabledEvents, ['time_off.approved']);
      assert.equal(res.body.apiVersion, '2025-03-01');
      assert.equal(res.body.updatedAt, t.clock.now().toISOString());
      assert.equal('secret' in res.body, false);

      const updated = (await eventsAbout(endpoint.id)).at(-1);
      assert.equal(updated?.type, 'webhook_endpoint.updated');
      const data = fromDbJson<{ previousAttributes: Record<string, unknown> }>(updated?.data ?? '{}');
      assert.deepEqual(data.previousAttributes, {
        url: PUBLIC_URL,
        description: 'Before',
        enabledEvents: ['*'],
        apiVersion: null,
        updatedAt: endpoint.updatedAt,
      });

      assertApiError(await patch(endpoint.id, { url: 'https://192.168.1.20/' }), 400, 'url_not_allowed', {
        param: 'url',
      });
      assertApiError(await patch(endpoint.id, { enabledEvents: ['ping'] }), 400, 'parameter_invalid', {
        param: 'enabledEvents',
      });
      assertApiError(await patch(endpoint.id, {}), 400, 'parameter_invalid');
      assert.equal((await get(endpoint.id)).body.url, 'https://hooks.example.com/v2');
    });

    test('disabling fails what is pending; enabling again clears the reason and the failure streak', async () => {
      const endpoint = await createOk();
      const eventId = await emitEmployeeEvent();
      const pending = await deliveryOf(endpoint.id, eventId);
      assert.equal(pending.status, 'pending');

      const disabled = await patch(endpoint.id, { status: 'disabled' });
      assert.equal(disabled.status, 200, disabled.raw);
      assert.equal(disabled.body.status, 'disabled');
      assert.equal(disabled.body.disabledReason, 'manual');
      const failed = await deliveryRow(pending.id);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.next_attempt_at, null);

      // As the dispatcher leaves an endpoint it disabled after five days of failures.
      await t.db.db
        .updateTable('webhook_endpoints')
        .set({ disabled_reason: 'failing', failing_since: '2026-10-27T12:00:00.000Z' })
        .where('id', '=', endpoint.id)
        .execute();
      const enabled = await patch(endpoint.id, { status: 'enabled' });
      assert.equal(enabled.status, 200, enabled.raw);
      assert.equal(enabled.body.status, 'enabled');
      assert.equal(enabled.body.disabledReason, null);
      assert.equal(enabled.body.failingSince, null);
    });

    test('delete removes the endpoint with its deliveries and attempts; its events stay', async () => {
      const endpoint = await createOk();
      const ping = await post<Delivery>(`/v1/webhook-endpoints/${endpoint.id}/test`);
      assert.equal(ping.status, 200, ping.raw);
      await insertAttempt(ping.body.id, 500);

      const res = await call(t, 'DELETE', `/v1/webhook-endpoints/${endpoint.id}`, { key: account.key });
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body, { id: endpoint.id, object: 'webhook_endpoint', deleted: true });
      assertApiError(await get(endpoint.id), 404, 'resource_not_found', { param: 'id' });
      const left = await t.db.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('endpoint_id', '=', endpoint.id)
        .execute();
      assert.deepEqual(left, []);
      const attempts = await t.db.db
        .selectFrom('webhook_attempts')
        .select('id')
        .where('delivery_id', '=', ping.body.id)
        .execute();
      assert.deepEqual(attempts, []);
      const events = await eventsAbout(endpoint.id);
      assert.deepEqual(
        events.map((event) => event.type),
        ['webhook_endpoint.created', 'ping', 'webhook_endpoint.deleted'],
      );
      assertApiError(
        await call(t, 'DELETE', `/v1/webhook-endpoints/${endpoint.id}`, { key: account.key }),
        404,
        'resource_not_found',
      );
    });

    test('rotate-secret returns a new secret once; the old one signs for 24 more hours', async () => {
      const endpoint = await createOk();
      t.clock.advance(MINUTE);
      const res = await post<Endpoint>(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
      assert.equal(res.status, 200, res.raw);
      assert.match(res.body.secret ?? '', /^whsec_[A-Za-z0-9+/]{32}$/);
      assert.notEqual(res.body.secret, endpoint.secret);
      const expiresAt = new Date(t.clock.now().getTime() + 24 * 60 * MINUTE).toISOString();
      assert.equal(res.body.previousSecretExpiresAt, expiresAt);

      const row = await endpointRow(endpoint.id);
      assert.equal(row.secret, res.body.secret);
      assert.equal(row.previous_secret, endpoint.secret);
      assert.equal(row.previous_secret_expires_at, expiresAt);

      const got = await get(endpoint.id);
      assert.equal('secret' in got.body, false);
      assert.equal(got.body.previousSecretExpiresAt, expiresAt);
      const updated = (await eventsAbout(endpoint.id)).at(-1);
      assert.equal(updated?.type, 'webhook_endpoint.updated');
      for (const secret of [endpoint.secret, res.body.secret]) {
        assert.equal(updated?.data.includes(secret ?? 'none'), false);
      }

      // A second rotation: only the latest two secrets sign.
      const again = await post<Endpoint>(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
      assert.equal((await endpointRow(endpoint.id)).previous_secret, res.body.secret);
      assert.equal((await endpointRow(endpoint.id)).secret, again.body.secret);
    });

    test('test sends a ping to this endpoint alone and returns its delivery', async () => {
      const endpoint = await createOk();
      const bystander = await createOk(); // subscribed to everything, still gets no ping
      t.clock.advance(MINUTE);
      const res = await post<Delivery>(`/v1/webhook-endpoints/${endpoint.id}/test`);
      assert.equal(res.status, 200, res.raw);
      const now = t.clock.now().toISOString();
      assert.match(res.body.id, /^whd_[0-9A-Z]{26}$/);
      assert.deepEqual(
        { ...res.body, id: undefined, eventId: undefined },
        {
          id: undefined,
          object: 'webhook_delivery',
          endpointId: endpoint.id,
          eventId: undefined,
          eventType: 'ping',
          status: 'pending',
          attemptCount: 0,
          nextAttemptAt: now,
          lastStatusCode: null,
          lastError: null,
          attempts: [],
          createdAt: now,
          updatedAt: now,
        },
      );
      const event = await t.db.db
        .selectFrom('events')
        .selectAll()
        .where('id', '=', res.body.eventId)
        .executeTakeFirstOrThrow();
      assert.equal(event.type, 'ping');
      const { secret: _secret, ...shown } = endpoint;
      assert.deepEqual(fromDbJson<{ object: unknown }>(event.data).object, shown);
      const toBystander = await t.db.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('event_id', '=', res.body.eventId)
        .where('endpoint_id', '=', bystander.id)
        .execute();
      assert.deepEqual(toBystander, []);

      await patch(endpoint.id, { status: 'disabled' });
      assertApiError(await post(`/v1/webhook-endpoints/${endpoint.id}/test`), 409, 'endpoint_disabled');
    });

    test('deliveries list newest first, each with its event and attempts, paginated and filtered', async () => {
      // Subscribed to employee events only, so no other endpoint's creation is delivered to them.
      const endpoint = await createOk({ enabledEvents: ['employee.created'] });
      const elsewhere = await createOk({ enabledEvents: ['employee.created'] });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        t.clock.advance(MINUTE);
        const eventId = await emitEmployeeEvent();
        ids.push((await deliveryOf(endpoint.id, eventId)).id);
      }
      const [first, second, third, fourth] = ids as [string, string, string, string];
      await setDelivery(first, 'succeeded', 2);
      await insertAttempt(first, null);
      t.clock.advance(1000);
      await insertAttempt(first, 200);
      await setDelivery(second, 'failed', 8);
      await insertAttempt(second, 500);

      const res = await deliveries(endpoint.id, '?limit=100');
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.url, `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
      assert.deepEqual(
        res.body.data.map((delivery) => delivery.id),
        [fourth, third, second, first],
      );
      const shown = res.body.data.find((delivery) => delivery.id === first);
      assert.equal(shown?.eventType, 'employee.created');
      assert.equal(shown?.status, 'succeeded');
      assert.deepEqual(
        shown?.attempts.map((attempt) => [attempt.object, attempt.statusCode, attempt.error]),
        [
          ['webhook_attempt', null, 'connect ETIMEDOUT'],
          ['webhook_attempt', 200, null],
        ],
      );
      assert.equal(shown?.attempts[1]?.responseBody, 'answered 200');
      assert.equal(shown?.attempts[1]?.durationMs, 87);
      assert.deepEqual(res.body.data.find((delivery) => delivery.id === fourth)?.attempts, []);

      // The page's attempts come in one query, however many deliveries it holds.
      t.queries.count = 0;
      await deliveries(endpoint.id, '?limit=100');
      const attemptQueries = t.queries.sql
        .slice(-t.queries.count)
        .filter((q) => q.includes('webhook_attempts'));
      assert.equal(attemptQueries.length, 1);

      const failed = await deliveries(endpoint.id, '?status=failed');
      assert.deepEqual(
        failed.body.data.map((delivery) => delivery.id),
        [second],
      );
      const pageOne = await deliveries(endpoint.id, '?limit=2&include=totalCount');
      assert.deepEqual(
        pageOne.body.data.map((delivery) => delivery.id),
        [fourth, third],
      );
      assert.equal(pageOne.body.hasMore, true);
      assert.equal(pageOne.body.totalCount, 4);
      const pageTwo = await deliveries(endpoint.id, `?limit=2&startingAfter=${third}`);
      assert.deepEqual(
        pageTwo.body.data.map((delivery) => delivery.id),
        [second, first],
      );
      assert.equal(pageTwo.body.hasMore, false);
      const back = await deliveries(endpoint.id, `?limit=2&endingBefore=${second}`);
      assert.deepEqual(
        back.body.data.map((delivery) => delivery.id),
        [fourth, third],
      );
      const newest = res.body.data[0]?.createdAt ?? '';
      const since = await deliveries(endpoint.id, `?updatedSince=${encodeURIComponent(newest)}`);
      assert.deepEqual(
        since.body.data.map((delivery) => delivery.id),
        [fourth],
      );

      const theirs = await deliveries(elsewhere.id, '?limit=100');
      assert.equal(
        theirs.body.data.some((delivery) => ids.includes(delivery.id)),
        false,
      );
      assertApiError(await deliveries(endpoint.id, '?status=lost'), 400, 'parameter_invalid', {
        param: 'status',
      });
    });

    test('retry replays a delivery now, keeping its attempts; not to a disabled endpoint', async () => {
      const endpoint = await createOk();
      const eventId = await emitEmployeeEvent();
      const delivery = await deliveryOf(endpoint.id, eventId);
      await setDelivery(delivery.id, 'failed', 8);
      await insertAttempt(delivery.id, 503);
      await t.db.db
        .updateTable('webhook_deliveries')
        .set({ claimed_until: '2026-11-01T11:00:00.000Z', last_status_code: 503 })
        .where('id', '=', delivery.id)
        .execute();
      t.clock.advance(MINUTE);

      const res = await post<Delivery>(`/v1/webhook-deliveries/${delivery.id}/retry`);
      assert.equal(res.status, 200, res.raw);
      const now = t.clock.now().toISOString();
      assert.equal(res.body.status, 'pending');
      assert.equal(res.body.nextAttemptAt, now);
      assert.equal(res.body.updatedAt, now);
      assert.equal(res.body.attemptCount, 8);
      assert.equal(res.body.lastStatusCode, 503);
      assert.equal(res.body.attempts.length, 1);
      assert.equal((await deliveryRow(delivery.id)).claimed_until, null);

      await patch(endpoint.id, { status: 'disabled' });
      assertApiError(await post(`/v1/webhook-deliveries/${delivery.id}/retry`), 409, 'endpoint_disabled');
    });

    test('recover re-queues the failed deliveries created since then, and only those', async () => {
      const endpoint = await createOk({ enabledEvents: ['employee.created'] });
      const elsewhere = await createOk({ enabledEvents: ['employee.created'] });
      type Queued = { id: string; createdAt: string };
      const queued: Queued[] = [];
      for (let i = 0; i < 4; i++) {
        t.clock.advance(MINUTE);
        const eventId = await emitEmployeeEvent();
        queued.push({
          id: (await deliveryOf(endpoint.id, eventId)).id,
          createdAt: t.clock.now().toISOString(),
        });
        await setDelivery((await deliveryOf(elsewhere.id, eventId)).id, 'failed', 8);
      }
      const [old, recent, succeeded, latest] = queued as [Queued, Queued, Queued, Queued];
      await setDelivery(old.id, 'failed', 8);
      await setDelivery(recent.id, 'failed', 8);
      await setDelivery(succeeded.id, 'succeeded', 1);
      await setDelivery(latest.id, 'failed', 3);
      t.clock.advance(MINUTE);

      // Spelt without milliseconds: the instant of `recent` itself is included.
      const since = recent.createdAt.replace('.000Z', 'Z');
      assert.notEqual(since, recent.createdAt);
      const res = await post<Record<string, unknown>>(
        `/v1/webhook-endpoints/${endpoint.id}/recover`,
        account.key,
        {
          since,
        },
      );
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body, {
        object: 'webhook_recovery',
        endpointId: endpoint.id,
        since: recent.createdAt,
        requeued: 2,
      });
      const now = t.clock.now().toISOString();
      for (const { id } of [recent, latest]) {
        const row = await deliveryRow(id);
        assert.equal(row.status, 'pending');
        assert.equal(row.next_attempt_at, now);
      }
      assert.equal((await deliveryRow(old.id)).status, 'failed');
      assert.equal((await deliveryRow(succeeded.id)).status, 'succeeded');
      const untouched = await t.db.db
        .selectFrom('webhook_deliveries')
        .select('status')
        .where('endpoint_id', '=', elsewhere.id)
        .where('status', '=', 'failed')
        .execute();
      assert.equal(untouched.length, 4);

      assertApiError(
        await post(`/v1/webhook-endpoints/${endpoint.id}/recover`, account.key, { since: 'last week' }),
        400,
        'parameter_invalid',
        { param: 'since' },
      );
      assertApiError(
        await post(`/v1/webhook-endpoints/${endpoint.id}/recover`, account.key, {}),
        400,
        'parameter_invalid',
        { param: 'since' },
      );
      await patch(endpoint.id, { status: 'disabled' });
      assertApiError(
        await post(`/v1/webhook-endpoints/${endpoint.id}/recover`, account.key, { since }),
        409,
        'endpoint_disabled',
      );
    });

    test('the list filters by status', async () => {
      const disabled = await createOk({ status: 'disabled' });
      const res = await call<List<Endpoint>>(t, 'GET', '/v1/webhook-endpoints?status=disabled&limit=100', {
        key: account.key,
      });
      assert.equal(res.status, 200, res.raw);
      assert.ok(res.body.data.some((endpoint) => endpoint.id === disabled.id));
      assert.ok(res.body.data.every((endpoint) => endpoint.status === 'disabled'));
    });

    test('a trial account holds at most 2 endpoints (403 plan_limit_reached)', async () => {
      const trial = await createTestAccount(t, { plan: 'trial' });
      await createOk({}, trial.key);
      await createOk({}, trial.key);
      assertApiError(
        await create({ url: PUBLIC_URL, enabledEvents: ['*'] }, trial.key),
        403,
        'plan_limit_reached',
      );
    });

    test("another account's endpoints and deliveries are 404, and stay as they were", async () => {
      const theirs = await createOk({}, other.key);
      const ping = await post<Delivery>(`/v1/webhook-endpoints/${theirs.id}/test`, other.key);
      const mine = account.key;
      for (const res of [
        await get(theirs.id, mine),
        await patch(theirs.id, { description: 'Mine now' }, mine),
        await call(t, 'DELETE', `/v1/webhook-endpoints/${theirs.id}`, { key: mine }),
        await post(`/v1/webhook-endpoints/${theirs.id}/rotate-secret`, mine),
        await post(`/v1/webhook-endpoints/${theirs.id}/test`, mine),
        await deliveries(theirs.id, '', mine),
        await post(`/v1/webhook-endpoints/${theirs.id}/recover`, mine, { since: '2026-01-01T00:00:00Z' }),
        await post(`/v1/webhook-deliveries/${ping.body.id}/retry`, mine),
      ]) {
        assertApiError(res, 404, 'resource_not_found', { param: 'id' });
      }
      const row = await endpointRow(theirs.id);
      assert.equal(row.secret, theirs.secret);
      assert.equal(row.description, null);
      assert.equal((await deliveryRow(ping.body.id)).status, 'pending');
    });
  });

  describe(`webhook endpoints with PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE (${dialect})`, () => {
    let t: TestApp;
    let account: TestAccount;

    before(async () => {
      t = await createTestApp(dialect, { env: { PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true' } });
      account = await createTestAccount(t);
    });
    after(() => t.close());

    test('http and private receivers are allowed; other schemes are not', async () => {
      for (const url of ['http://localhost:4000/hooks', 'https://10.0.0.5/hooks', 'http://[::1]:8080/']) {
        const res = await call(t, 'POST', '/v1/webhook-endpoints', {
          key: account.key,
          body: { url, enabledEvents: ['*'] },
        });
        assert.equal(res.status, 201, res.raw);
      }
      const ftp = await call(t, 'POST', '/v1/webhook-endpoints', {
        key: account.key,
        body: { url: 'ftp://10.0.0.5/hooks', enabledEvents: ['*'] },
      });
      assertApiError(ftp, 400, 'url_not_allowed', { param: 'url' });
    });
  });

  describeListContract(dialect, {
    path: '/v1/webhook-endpoints',
    create: async (t, account, index) => {
      const res = await call<{ id: string }>(t, 'POST', '/v1/webhook-endpoints', {
        key: account.key,
        body: { url: `${PUBLIC_URL}/${index}`, enabledEvents: ['*'] },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'PATCH', `/v1/webhook-endpoints/${id}`, {
        key: account.key,
        body: { description: 'Touched' },
      });
      assert.equal(res.status, 200, res.raw);
    },
  });
}
