import assert from 'node:assert/strict';
import { test } from 'node:test';
import { insertClaim } from '../../src/platform/idempotency/repository.js';
import { requestFingerprint, sweepExpiredIdempotencyKeys } from '../../src/platform/idempotency/service.js';
import { call, createTestAccount, type ErrorBody } from '../helpers/app.js';
import { describeEachDialect } from '../helpers/each-dialect.js';

interface Employee {
  id: string;
  firstName: string;
  employeeRef: string | null;
}
interface List {
  data: Employee[];
  totalCount?: number;
}

describeEachDialect('idempotent writes', ({ dialect, t, account }) => {
  let n = 0;
  const freshKey = () => `idem-${dialect}-${++n}-${Date.now()}`;

  const post = (key: string | undefined, body: unknown, who = account) =>
    call<Employee & ErrorBody>(t, 'POST', '/v1/employees', {
      key: who.key,
      body,
      ...(key !== undefined ? { headers: { 'idempotency-key': key } } : {}),
    });
  const countByRef = async (ref: string) =>
    (await call<List>(t, 'GET', `/v1/employees?search=${ref}&include=totalCount`, { key: account.key })).body
      .totalCount;

  test('a retry replays the first response and writes nothing again', async () => {
    const key = freshKey();
    const first = await post(key, { firstName: 'Once', lastName: 'Only', employeeRef: 'IDEM-1' });
    assert.equal(first.status, 201);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const retry = await post(key, { lastName: 'Only', employeeRef: 'IDEM-1', firstName: 'Once' });
    assert.equal(retry.status, 201);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.raw, first.raw);
    assert.notEqual(retry.headers['x-request-id'], first.headers['x-request-id']);
    assert.equal(await countByRef('IDEM-1'), 1);
  });

  test('PATCH is idempotent too, and GET ignores the header', async () => {
    const created = await post(undefined, { firstName: 'Patch', lastName: 'Me' });
    const key = freshKey();
    const patch = (firstName: string) =>
      call<Employee>(t, 'PATCH', `/v1/employees/${created.body.id}`, {
        key: account.key,
        body: { firstName },
        headers: { 'idempotency-key': key },
      });
    const first = await patch('Patched');
    assert.equal(first.status, 200);
    t.clock.advance(1000);
    const retry = await patch('Patched');
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.body.firstName, 'Patched');
    const get = await call(t, 'GET', `/v1/employees/${created.body.id}`, {
      key: account.key,
      headers: { 'idempotency-key': key },
    });
    assert.equal(get.status, 200);
    assert.equal(get.headers['idempotent-replayed'], undefined);
  });

  test('the same key with another request is 409 idempotency_key_reused', async () => {
    const key = freshKey();
    assert.equal((await post(key, { firstName: 'A', lastName: 'Reuse' })).status, 201);
    const other = await post(key, { firstName: 'B', lastName: 'Reuse' });
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'idempotency_key_reused');
    assert.equal(other.body.error.param, 'Idempotency-Key');
    const created = await post(undefined, { firstName: 'C', lastName: 'Reuse' });
    const otherPath = await call<ErrorBody>(t, 'PATCH', `/v1/employees/${created.body.id}`, {
      key: account.key,
      body: { firstName: 'A', lastName: 'Reuse' },
      headers: { 'idempotency-key': key },
    });
    assert.equal(otherPath.body.error.code, 'idempotency_key_reused');
  });

  test('a retry while the first request runs is 409 idempotency_key_in_use; an abandoned claim is taken over', async () => {
    const key = freshKey();
    const body = { firstName: 'Slow', lastName: 'Request', employeeRef: 'IDEM-SLOW' };
    const now = t.clock.now();
    // Another process claimed the key and is still working on it.
    await insertClaim(t.db.db, {
      account_id: account.account.id,
      idempotency_key: key,
      fingerprint: requestFingerprint('POST', '/v1/employees', body),
      state: 'in_progress',
      response_status: null,
      response_body: null,
      locked_until: new Date(now.getTime() + 60_000).toISOString(),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
    });
    const busy = await post(key, body);
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error.code, 'idempotency_key_in_use');
    assert.equal(await countByRef('IDEM-SLOW'), 0);
    // That process died: after its lock lapses, a retry runs.
    t.clock.advance(61_000);
    const retry = await post(key, body);
    assert.equal(retry.status, 201);
    assert.equal(await countByRef('IDEM-SLOW'), 1);
  });

  test('concurrent requests with one key create exactly one employee', async () => {
    const key = freshKey();
    const body = { firstName: 'Race', lastName: 'Condition', employeeRef: 'IDEM-RACE' };
    const responses = await Promise.all(Array.from({ length: 6 }, () => post(key, body)));
    const created = responses.filter((r) => r.status === 201);
    assert.ok(created.length >= 1);
    assert.equal(new Set(created.map((r) => r.body.id)).size, 1, 'every success carries the same id');
    for (const r of responses.filter((r) => r.status !== 201)) {
      assert.equal(r.status, 409);
      assert.equal(r.body.error.code, 'idempotency_key_in_use');
    }
    assert.equal(await countByRef('IDEM-RACE'), 1);
  });

  test('validation failures (400) are not stored; outcomes like 409 are', async () => {
    const key = freshKey();
    const invalid = await post(key, { firstName: 'Missing last name' });
    assert.equal(invalid.status, 400);
    const corrected = await post(key, { firstName: 'Fixed', lastName: 'Now', employeeRef: 'IDEM-DUP' });
    assert.equal(corrected.status, 201, 'the corrected retry runs');

    const conflictKey = freshKey();
    const dup = { firstName: 'Dup', lastName: 'Ref', employeeRef: 'IDEM-DUP' };
    const conflict = await post(conflictKey, dup);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error.code, 'employee_ref_taken');
    const replay = await post(conflictKey, dup);
    assert.equal(replay.status, 409);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.raw, conflict.raw);
  });

  test('keys expire after 24 hours and the sweep deletes them', async () => {
    const key = freshKey();
    assert.equal((await post(key, { firstName: 'Day', lastName: 'One' })).status, 201);
    t.clock.advance(24 * 3600 * 1000 + 1000);
    const reused = await post(key, { firstName: 'Day', lastName: 'Two' });
    assert.equal(reused.status, 201, 'an expired key is free for a new request');
    t.clock.advance(24 * 3600 * 1000 + 1000);
    assert.ok((await sweepExpiredIdempotencyKeys(t.app.context)) >= 1);
    const left = await t.db.db
      .selectFrom('idempotency_keys')
      .select('idempotency_key')
      .where('idempotency_key', '=', key)
      .execute();
    assert.deepEqual(left, []);
  });

  test('keys are per account, and bad keys are 400', async () => {
    const other = await createTestAccount(t);
    const key = freshKey();
    const mine = await post(key, { firstName: 'Mine', lastName: 'Acct' });
    const theirs = await post(key, { firstName: 'Mine', lastName: 'Acct' }, other);
    assert.equal(theirs.status, 201);
    assert.equal(theirs.headers['idempotent-replayed'], undefined);
    assert.notEqual(theirs.body.id, mine.body.id);
    for (const bad of ['', 'x'.repeat(256)]) {
      const res = await post(bad, { firstName: 'Bad', lastName: 'Key' });
      assert.equal(res.status, 400, `key of length ${bad.length}`);
      assert.equal(res.body.error.param, 'Idempotency-Key');
    }
  });
});
