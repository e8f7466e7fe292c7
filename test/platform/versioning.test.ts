import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { updateAccount } from '../../src/platform/accounts/repository.js';
import { LATEST_API_VERSION, SUPPORTED_API_VERSIONS } from '../../src/platform/versioning/versions.js';
import { call, type ErrorBody } from '../helpers/app.js';
import { describeEachDialect } from '../helpers/each-dialect.js';

interface Page {
  object: string;
  data: unknown[];
  hasMore: boolean;
  url: string;
  totalCount?: number;
}

describeEachDialect('API versions', ({ t, account }) => {
  before(async () => {
    for (const firstName of ['A', 'B', 'C']) {
      await call(t, 'POST', '/v1/employees', { key: account.key, body: { firstName, lastName: 'V' } });
    }
  });

  const list = (query: string, version?: string) =>
    call<Page>(t, 'GET', `/v1/employees?${query}`, {
      key: account.key,
      ...(version ? { headers: { 'x-api-version': version } } : {}),
    });

  test('the first key pins the account to the latest version', async () => {
    const res = await list('limit=1');
    assert.equal(res.headers['x-api-version'], LATEST_API_VERSION);
    assert.equal(LATEST_API_VERSION, '2026-11-01');
  });

  test('2026-11-01 lists carry totalCount only with include=totalCount', async () => {
    const plain = await list('limit=1', '2026-11-01');
    assert.equal(plain.status, 200);
    assert.equal('totalCount' in plain.body, false);
    assert.deepEqual(Object.keys(plain.body).sort(), ['data', 'hasMore', 'object', 'url']);
    const counted = await list('limit=1&include=totalCount', '2026-11-01');
    assert.equal(counted.body.totalCount, 3);
    assert.equal(counted.body.data.length, 1);
  });

  test('2025-03-01 lists always carry totalCount, respecting filters', async () => {
    const res = await list('limit=1', '2025-03-01');
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-api-version'], '2025-03-01');
    assert.equal(res.body.totalCount, 3);
    assert.equal(res.body.hasMore, true);
    const filtered = await list('search=zzz', '2025-03-01');
    assert.equal(filtered.body.totalCount, 0);
  });

  test("without the header the account's pinned version applies", async () => {
    await updateAccount(t.db.db, account.account.id, {
      api_version: '2025-03-01',
      updated_at: t.clock.now().toISOString(),
    });
    t.app.context.keyCache.invalidateAccount(account.account.id);
    const pinned = await list('limit=1');
    assert.equal(pinned.headers['x-api-version'], '2025-03-01');
    assert.equal(pinned.body.totalCount, 3);
    const overridden = await list('limit=1', '2026-11-01');
    assert.equal(overridden.headers['x-api-version'], '2026-11-01');
    assert.equal('totalCount' in overridden.body, false);
    await updateAccount(t.db.db, account.account.id, {
      api_version: LATEST_API_VERSION,
      updated_at: t.clock.now().toISOString(),
    });
    t.app.context.keyCache.invalidateAccount(account.account.id);
  });

  test('an unknown version is 400 invalid_api_version listing the supported ones', async () => {
    const res = await call<ErrorBody>(t, 'GET', '/v1/employees', {
      key: account.key,
      headers: { 'x-api-version': '2024-01-01' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid_api_version');
    assert.equal(res.body.error.param, 'X-Api-Version');
    for (const version of SUPPORTED_API_VERSIONS) assert.ok(res.body.error.message.includes(version));
  });

  test('single objects are the same in both versions', async () => {
    const created = await call<{ id: string }>(t, 'POST', '/v1/employees', {
      key: account.key,
      body: { firstName: 'D', lastName: 'V' },
      headers: { 'x-api-version': '2025-03-01' },
    });
    assert.equal(created.status, 201);
    const latest = await call(t, 'GET', `/v1/employees/${created.body.id}`, { key: account.key });
    assert.deepEqual(created.body, latest.body);
  });

  test('GET /v1/versions needs no key and lists both versions with their changes', async () => {
    const res = await call<{ latest: string; data: { version: string; changes: { id: string }[] }[] }>(
      t,
      'GET',
      '/v1/versions',
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.latest, '2026-11-01');
    assert.deepEqual(
      res.body.data.map((v) => v.version),
      ['2026-11-01', '2025-03-01'],
    );
    assert.deepEqual(
      res.body.data[0]?.changes.map((c) => c.id),
      ['list_total_count_opt_in'],
    );
  });
});
