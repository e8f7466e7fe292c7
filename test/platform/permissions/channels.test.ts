import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { WebhookRequest, WebhookResponse } from '../../../src/platform/webhooks/http-sender.js';
import { call, createTestKey, type ErrorBody } from '../../helpers/app.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';

/**
 * What a key may read is the same on every channel (issue 11, leaks 1–5): each test is one way the landed main
 * handed a key what it may not read, and fails there.
 */

const NAMES_ONLY = { employees: ['firstName', 'lastName'] };
const SECRET_FIELDS = ['email', 'employeeRef', 'payRate', 'phone'];

/** Every webhook request the dispatcher makes, answered 200. */
const sent: WebhookRequest[] = [];
async function send(request: WebhookRequest): Promise<WebhookResponse> {
  sent.push(request);
  return { statusCode: 200, body: '', retryAfter: null, error: null };
}

function assertNoSecretFields(object: Record<string, unknown>, where: string): void {
  for (const field of SECRET_FIELDS) assert.ok(!(field in object), `${where} reveals ${field}`);
}

describeEachDialect(
  'every channel honours the key',
  ({ t, account }) => {
    let employeeId: string;
    const email = 'grace.hopper@example.com';

    before(async () => {
      const created = await call(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName: 'Grace', lastName: 'Hopper', email, employeeRef: 'GH-1906', payRate: 42 },
      });
      assert.equal(created.status, 201);
      employeeId = created.body.id as string;
    });

    test('1. an idempotent replay is projected for the key that replays it', async () => {
      const restricted = await createTestKey(t, account, ['employees:read', 'employees:write'], {
        fieldRestrictions: NAMES_ONLY,
      });
      const request = {
        body: { firstName: 'Grace B.' },
        headers: { 'idempotency-key': `replay-${employeeId}` },
      };
      const first = await call(t, 'PATCH', `/v1/employees/${employeeId}`, { key: account.key, ...request });
      assert.equal(first.status, 200);
      assert.equal(first.body.email, email, 'the full-access key reads the whole object');
      const replay = await call(t, 'PATCH', `/v1/employees/${employeeId}`, {
        key: restricted.key,
        ...request,
      });
      assert.equal(replay.status, 200);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.deepEqual(Object.keys(replay.body).sort(), ['firstName', 'id', 'lastName', 'object']);
      const again = await call(t, 'PATCH', `/v1/employees/${employeeId}`, { key: account.key, ...request });
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body.email, email, 'a full-access replay still reads the whole object');
    });

    test('2. events:read alone reads no resource through the feed', async () => {
      const eventsOnly = await createTestKey(t, account, ['events:read']);
      assert.equal((await call(t, 'GET', '/v1/employees', { key: eventsOnly.key })).status, 403);
      const feed = await call<{ data: { type: string }[] }>(t, 'GET', '/v1/events', { key: eventsOnly.key });
      assert.equal(feed.status, 200);
      assert.deepEqual(
        feed.body.data.filter((event) => event.type.startsWith('employee.')),
        [],
        'no employee event in the feed',
      );
      const filtered = await call<ErrorBody>(t, 'GET', '/v1/events?type=employee.created', {
        key: eventsOnly.key,
      });
      assert.equal(filtered.status, 403);
      assert.equal(filtered.body.error.code, 'missing_scope');
      assert.match(filtered.body.error.message, /employees:read/);

      const all = await call<{ data: { id: string; type: string }[] }>(
        t,
        'GET',
        '/v1/events?type=employee.created',
        {
          key: account.key,
        },
      );
      const eventId = all.body.data[0]?.id as string;
      assert.equal((await call(t, 'GET', `/v1/events/${eventId}`, { key: eventsOnly.key })).status, 404);

      const namesOnly = await createTestKey(t, account, ['events:read', 'employees:read'], {
        fieldRestrictions: NAMES_ONLY,
      });
      const projected = await call<{ data: { object: Record<string, unknown> } }>(
        t,
        'GET',
        `/v1/events/${eventId}`,
        {
          key: namesOnly.key,
        },
      );
      assert.equal(projected.status, 200);
      assertNoSecretFields(projected.body.data.object, 'a restricted key’s event');
    });

    test('3. a webhook endpoint receives only what its creator may read', async () => {
      const webhooksOnly = await createTestKey(t, account, ['webhooks:read', 'webhooks:write']);
      const refused = await call<ErrorBody>(t, 'POST', '/v1/webhook-endpoints', {
        key: webhooksOnly.key,
        body: { url: 'https://hooks.example.com/side-door', enabledEvents: ['employee.created'] },
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'missing_scope');
      assert.equal(refused.body.error.param, 'enabledEvents');

      const everything = await call(t, 'POST', '/v1/webhook-endpoints', {
        key: webhooksOnly.key,
        body: { url: 'https://hooks.example.com/everything', enabledEvents: ['*'] },
      });
      assert.equal(everything.status, 201);
      const namesOnly = await createTestKey(
        t,
        account,
        ['employees:read', 'webhooks:read', 'webhooks:write'],
        {
          fieldRestrictions: NAMES_ONLY,
        },
      );
      const names = await call(t, 'POST', '/v1/webhook-endpoints', {
        key: namesOnly.key,
        body: { url: 'https://hooks.example.com/names', enabledEvents: ['employee.created'] },
      });
      assert.equal(names.status, 201);

      sent.length = 0;
      const created = await call(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com', payRate: 50 },
      });
      assert.equal(created.status, 201);
      await t.app.context.webhooks.runOnce();
      assert.deepEqual(
        sent.filter(
          (request) =>
            request.url.endsWith('/everything') &&
            (JSON.parse(request.body) as { type: string }).type.startsWith('employee.'),
        ),
        [],
        'the webhooks-only endpoint got no employee event',
      );
      const payloads = sent.filter((request) => request.url.endsWith('/names'));
      assert.equal(payloads.length, 1);
      const event = JSON.parse(payloads[0]?.body as string) as { data: { object: Record<string, unknown> } };
      assert.equal(event.data.object.firstName, 'Alan');
      assertNoSecretFields(event.data.object, 'a restricted endpoint’s payload');

      // Pointing the full-access endpoint elsewhere records the editor's permissions: no side door either.
      const full = await call(t, 'POST', '/v1/webhook-endpoints', {
        key: account.key,
        body: { url: 'https://hooks.example.com/full', enabledEvents: ['employee.created'] },
      });
      const hijack = await call<ErrorBody>(t, 'PATCH', `/v1/webhook-endpoints/${full.body.id}`, {
        key: webhooksOnly.key,
        body: { url: 'https://hooks.example.com/stolen' },
      });
      assert.equal(hijack.status, 403);
      assert.equal(hijack.body.error.code, 'missing_scope');
    });

    test('4. search and filters match only fields the key may read', async () => {
      const namesOnly = await createTestKey(t, account, ['employees:read'], {
        fieldRestrictions: NAMES_ONLY,
      });
      for (const text of [email, 'GH-1906']) {
        const found = await call<{ data: unknown[] }>(
          t,
          'GET',
          `/v1/employees?search=${encodeURIComponent(text)}`,
          { key: namesOnly.key },
        );
        assert.equal(found.status, 200);
        assert.deepEqual(found.body.data, [], `search=${text} finds nothing for a names-only key`);
        const full = await call<{ data: unknown[] }>(
          t,
          'GET',
          `/v1/employees?search=${encodeURIComponent(text)}`,
          {
            key: account.key,
          },
        );
        assert.equal(full.body.data.length, 1, `search=${text} finds the employee for a full key`);
      }
      const byName = await call<{ data: unknown[] }>(t, 'GET', '/v1/employees?search=grace%20b', {
        key: namesOnly.key,
      });
      assert.equal(byName.body.data.length, 1, 'the names it may read are still searched');
      const filter = await call<ErrorBody>(t, 'GET', '/v1/employees?clockedIn=true', { key: namesOnly.key });
      assert.equal(filter.status, 403);
      assert.equal(filter.body.error.code, 'field_not_permitted');
      assert.equal(filter.body.error.param, 'clockedIn');
      const since = await call<ErrorBody>(t, 'GET', '/v1/employees?updatedSince=2026-01-01T00:00:00Z', {
        key: namesOnly.key,
      });
      assert.equal(since.status, 403);
      assert.equal(since.body.error.param, 'updatedSince');
    });

    test('5. a write-only key reads nothing through its writes', async () => {
      const writeOnly = await createTestKey(t, account, ['employees:write']);
      assert.equal((await call(t, 'GET', `/v1/employees/${employeeId}`, { key: writeOnly.key })).status, 403);
      const updated = await call(t, 'PATCH', `/v1/employees/${employeeId}`, {
        key: writeOnly.key,
        body: { phone: '+1 555 0100' },
      });
      assert.equal(updated.status, 200);
      assert.deepEqual(Object.keys(updated.body).sort(), ['createdAt', 'id', 'object', 'updatedAt']);
      const created = await call(t, 'POST', '/v1/employees', {
        key: writeOnly.key,
        body: { firstName: 'Write', lastName: 'Only', email: 'write.only@example.com' },
      });
      assert.equal(created.status, 201);
      assert.deepEqual(Object.keys(created.body).sort(), ['createdAt', 'id', 'object', 'updatedAt']);
    });
  },
  {
    app: {
      webhooks: {
        send,
        resolve: async () => ['93.184.216.34'],
      },
    },
  },
);
