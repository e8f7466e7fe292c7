/**
 * Issue 11, defect 14: every status an operation answers with is in its OpenAPI responses, with the code among the
 * response's `x-error-codes`. On main before the fix, each case below answered a status its operation did not list
 * (409 on time-off decisions, time-card unapprove and webhook test/retry; 404 for a create naming a missing id; 415
 * on body-less actions; 414). The fuzzer (test/fuzz) checks the same rule on random requests to every operation.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type ApiResponse, call, type ErrorBody } from '../helpers/app.js';
import { describeEachDialect } from '../helpers/each-dialect.js';
import { fixtureEmployee, listed } from '../helpers/fixtures.js';
import { fixtureWebhookEndpoint } from '../platform/webhooks/endpoints/fixture.js';
import { fetchDocument, type OpenApiDocument } from './openapi-document.js';

const MISSING_EMPLOYEE = 'emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H';

describeEachDialect('documented statuses (defect 14)', ({ t, account }) => {
  let document: OpenApiDocument;
  const auth = () => ({ authorization: `Bearer ${account.key}` });

  before(async () => {
    document = (await fetchDocument(t)).document;
  });

  /** Asserts the answer is the expected refusal and that its operation documents that status with that code. */
  function expectDocumented(
    response: ApiResponse,
    operation: { method: string; path: string },
    expected: { status: number; code: string },
  ): void {
    const error = (response.body as unknown as ErrorBody).error;
    assert.equal(response.status, expected.status, response.raw);
    assert.equal(error?.code, expected.code, response.raw);
    const op = document.paths[operation.path]?.[operation.method.toLowerCase()];
    assert.ok(op, `${operation.method} ${operation.path} is in the document`);
    const documented = op.responses?.[String(expected.status)];
    assert.ok(documented, `${operation.method} ${operation.path} documents ${expected.status}`);
    assert.ok(
      (documented['x-error-codes'] as string[]).includes(expected.code),
      `${operation.method} ${operation.path} lists ${expected.code} under ${expected.status}`,
    );
  }

  async function requestedTimeOff(): Promise<string> {
    const created = await call<{ id: string }>(t, 'POST', '/v1/time-off', {
      headers: auth(),
      body: {
        employeeId: await fixtureEmployee(t, auth().authorization),
        type: 'vacation',
        startDate: '2026-12-21',
        endDate: '2026-12-22',
      },
    });
    assert.equal(created.status, 201, created.raw);
    return created.body.id;
  }

  test('409 not_pending on each time-off decision', async () => {
    const id = await requestedTimeOff();
    assert.equal((await call(t, 'POST', `/v1/time-off/${id}/deny`, { headers: auth() })).status, 200);
    for (const verb of ['approve', 'deny', 'cancel']) {
      expectDocumented(
        await call(t, 'POST', `/v1/time-off/${id}/${verb}`, { headers: auth() }),
        { method: 'POST', path: `/v1/time-off/{id}/${verb}` },
        { status: 409, code: 'not_pending' },
      );
    }
  });

  test('409 pay_period_locked on time-card unapprove', async () => {
    const employeeId = await fixtureEmployee(t, auth().authorization);
    const [card] = await listed<{ id: string; payPeriodId: string }>(
      t,
      auth().authorization,
      `/v1/time-cards?employeeId=${employeeId}`,
    );
    assert.ok(card);
    assert.equal(
      (await call(t, 'POST', `/v1/time-cards/${card.id}/approve`, { headers: auth() })).status,
      200,
    );
    const locked = await call(t, 'POST', `/v1/pay-periods/${card.payPeriodId}/lock`, { headers: auth() });
    assert.equal(locked.status, 200, locked.raw);
    try {
      expectDocumented(
        await call(t, 'POST', `/v1/time-cards/${card.id}/unapprove`, { headers: auth() }),
        { method: 'POST', path: '/v1/time-cards/{id}/unapprove' },
        { status: 409, code: 'pay_period_locked' },
      );
    } finally {
      await call(t, 'POST', `/v1/pay-periods/${card.payPeriodId}/unlock`, { headers: auth() });
    }
  });

  test('409 time_card_approved on every route that changes time inside an approved card', async () => {
    const employeeId = await fixtureEmployee(t, auth().authorization);
    const body = (value: unknown) => ({ headers: auth(), body: value });
    // Yesterday in New York, inside the current pay period (19 Oct – 1 Nov 2026 on the default schedule).
    const entry = await call<{ id: string }>(
      t,
      'POST',
      '/v1/time-entries',
      body({ employeeId, start: '2026-10-31T13:00:00Z', end: '2026-10-31T17:00:00Z' }),
    );
    assert.equal(entry.status, 201, entry.raw);
    const timeOff = await call<{ id: string }>(
      t,
      'POST',
      '/v1/time-off',
      body({ employeeId, type: 'vacation', startDate: '2026-10-30', endDate: '2026-10-30' }),
    );
    assert.equal(timeOff.status, 201, timeOff.raw);
    const [card] = await listed<{ id: string }>(
      t,
      auth().authorization,
      `/v1/time-cards?employeeId=${employeeId}`,
    );
    assert.ok(card);
    const approved = await call(t, 'POST', `/v1/time-cards/${card.id}/approve`, { headers: auth() });
    assert.equal(approved.status, 200, approved.raw);
    const inside = { start: '2026-10-31T18:00:00Z', end: '2026-10-31T19:00:00Z' };
    const changes: ['POST' | 'PATCH' | 'DELETE', string, string, unknown][] = [
      ['POST', '/v1/punches', '/v1/punches', { employeeId, type: 'in', at: '2026-10-31T18:00:00Z' }],
      ['POST', '/v1/time-entries', '/v1/time-entries', { employeeId, ...inside }],
      ['PATCH', `/v1/time-entries/${entry.body.id}`, '/v1/time-entries/{id}', { notes: 'late' }],
      ['DELETE', `/v1/time-entries/${entry.body.id}`, '/v1/time-entries/{id}', undefined],
      ['POST', `/v1/time-off/${timeOff.body.id}/approve`, '/v1/time-off/{id}/approve', undefined],
      ['PATCH', '/v1/pay-schedule', '/v1/pay-schedule', { anchorDate: '2024-01-02' }],
    ];
    try {
      for (const [method, url, path, value] of changes) {
        expectDocumented(
          await call(t, method, url, value === undefined ? { headers: auth() } : body(value)),
          { method, path },
          { status: 409, code: 'time_card_approved' },
        );
      }
    } finally {
      await call(t, 'POST', `/v1/time-cards/${card.id}/unapprove`, { headers: auth() });
    }
  });

  test('409 endpoint_disabled on webhook test and retry', async () => {
    const { id } = await fixtureWebhookEndpoint(t, auth().authorization);
    const ping = await call<{ id: string }>(t, 'POST', `/v1/webhook-endpoints/${id}/test`, {
      headers: auth(),
    });
    assert.equal(ping.status, 200, ping.raw);
    const disabled = await call(t, 'PATCH', `/v1/webhook-endpoints/${id}`, {
      headers: auth(),
      body: { status: 'disabled' },
    });
    assert.equal(disabled.status, 200, disabled.raw);
    expectDocumented(
      await call(t, 'POST', `/v1/webhook-endpoints/${id}/test`, { headers: auth() }),
      { method: 'POST', path: '/v1/webhook-endpoints/{id}/test' },
      { status: 409, code: 'endpoint_disabled' },
    );
    expectDocumented(
      await call(t, 'POST', `/v1/webhook-deliveries/${ping.body.id}/retry`, { headers: auth() }),
      { method: 'POST', path: '/v1/webhook-deliveries/{id}/retry' },
      { status: 409, code: 'endpoint_disabled' },
    );
  });

  test('404 resource_not_found when a create names an employee that does not exist', async () => {
    const creates: [string, Record<string, unknown>][] = [
      ['/v1/punches', { employeeId: MISSING_EMPLOYEE, type: 'in' }],
      [
        '/v1/time-off',
        { employeeId: MISSING_EMPLOYEE, type: 'vacation', startDate: '2026-12-21', endDate: '2026-12-22' },
      ],
      [
        '/v1/shifts',
        { employeeId: MISSING_EMPLOYEE, start: '2026-12-21T09:00:00.000Z', end: '2026-12-21T17:00:00.000Z' },
      ],
    ];
    for (const [path, body] of creates) {
      expectDocumented(
        await call(t, 'POST', path, { headers: auth(), body }),
        { method: 'POST', path },
        { status: 404, code: 'resource_not_found' },
      );
    }
  });

  test('415 unsupported_media_type on an action that takes no body', async () => {
    const id = await requestedTimeOff();
    const response = await call(t, 'POST', `/v1/time-off/${id}/approve`, {
      headers: { ...auth(), 'content-type': 'text/plain' },
    });
    expectDocumented(
      response,
      { method: 'POST', path: '/v1/time-off/{id}/approve' },
      { status: 415, code: 'unsupported_media_type' },
    );
  });

  test('414 uri_too_long on an operation with a path parameter', async () => {
    expectDocumented(
      await call(t, 'GET', `/v1/employees/${'e'.repeat(8000)}`, { headers: auth() }),
      { method: 'GET', path: '/v1/employees/{id}' },
      { status: 414, code: 'uri_too_long' },
    );
  });
});
