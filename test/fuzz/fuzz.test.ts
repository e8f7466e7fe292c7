/**
 * The fuzzer's short pass (issue 11): a few hundred requests with a fixed seed against each target (SQLite; also
 * PostgreSQL + Redis when configured), failing on any rule of test/fuzz/checks.ts, any change stored by a refused
 * request, or any lost webhook. `npm run fuzz` runs the long version with a fresh seed.
 *
 * A fuzzer that cannot fail proves nothing: the last test plants one fault per rule in the app (hooks that break a
 * status, a body, a header, the connection, the database, the webhook outbox) and requires the run to report each.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { App } from '../../src/app.js';
import type { CheckName } from './checks.js';
import { runFuzz } from './fuzzer.js';
import { formatReport } from './report.js';
import { availableTargets } from './target.js';

const SEED = 20_261_101;
const REQUESTS = 400;

for (const dialect of availableTargets()) {
  test(`fuzz: ${REQUESTS} requests, seed ${SEED} (${dialect})`, async () => {
    const report = await runFuzz({ dialect, seed: SEED, requests: REQUESTS, concurrency: 8 });
    assert.equal(report.failures.length, 0, formatReport(report));
    assert.equal(report.sent, REQUESTS);
    assert.ok(report.refusalBatches >= 2, 'refusal batches ran');
    assert.ok(report.webhooks.events > 0, 'the audit endpoint saw events');
  });
}

/** One fault per rule, each on a kind of request every run sends often. */
function plantFaults(app: App): void {
  const db = app.context.database.db;
  let otherAccount: Promise<string | undefined> | undefined;
  const isAccountB = async (accountId: string | undefined) => {
    otherAccount ??= db
      .selectFrom('accounts')
      .select('id')
      .where('name', '=', 'Other Co')
      .executeTakeFirst()
      .then((row) => row?.id);
    return accountId !== undefined && accountId === (await otherAccount);
  };
  let created = 0;

  app.addHook('onRequest', async (request) => {
    if (request.method === 'DELETE') throw new Error('planted: 5xx'); // 5xx
    if (request.method === 'PATCH') request.raw.socket.destroy(); // no-answer
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const text = typeof payload === 'string' ? payload : '';
    const status = reply.statusCode;
    if (status === 401) reply.removeHeader('X-Request-Id'); // request-id
    if (status === 403) reply.code(402); // undocumented-status, code-status
    if (status === 415) reply.code(200); // accepted-invalid
    if (status === 404 && (await isAccountB(request.principal?.accountId))) {
      reply.code(200); // cross-account
      return text;
    }
    if (status === 404) return '{"message":"Not Found"}'; // envelope
    if (status === 400 && request.method === 'GET' && text.includes('invalid_api_version')) {
      return text.replace('invalid_api_version', 'invalid_timezone'); // undocumented-code
    }
    if (status === 200 && request.method === 'GET') return text.replaceAll('"createdAt":', '"createdOn":'); // schema
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    // stored-change: a refused write that touches the account anyway.
    if (reply.statusCode === 400 && request.method !== 'GET') {
      await db
        .updateTable('accounts')
        .set({ updated_at: new Date().toISOString() })
        .where('name', '=', 'Fuzz Co')
        .execute();
    }
    // webhooks: deliveries lost from the outbox (once, well into the run).
    if (reply.statusCode === 201 && ++created === 40) {
      await db.deleteFrom('webhook_deliveries').where('status', '=', 'succeeded').execute();
    }
  });
}

test('fuzz: every rule fails on a planted fault (sqlite)', async () => {
  const report = await runFuzz({
    dialect: 'sqlite',
    seed: SEED,
    requests: 250,
    concurrency: 8,
    plant: plantFaults,
  });
  const expected: CheckName[] = [
    '5xx',
    'no-answer',
    'request-id',
    'envelope',
    'undocumented-status',
    'code-status',
    'undocumented-code',
    'schema',
    'accepted-invalid',
    'cross-account',
    'stored-change',
    'webhooks',
  ];
  const found = new Set(report.failures.map((failure) => failure.check));
  const missed = expected.filter((check) => !found.has(check));
  assert.deepEqual(missed, [], `rules that did not fail on their planted fault:\n${formatReport(report)}`);
});
