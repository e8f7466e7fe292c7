import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { call, type ErrorBody } from '../helpers/app.js';
import { describeEachDialect } from '../helpers/each-dialect.js';

interface Page {
  object: string;
  data: { id: string; firstName: string }[];
  hasMore: boolean;
  url: string;
  totalCount?: number;
}

describeEachDialect('cursor pagination', ({ t, account }) => {
  /** Ids newest first, as lists return them. */
  let newestFirst: string[] = [];

  before(async () => {
    const created: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const res = await call<{ id: string }>(t, 'POST', '/v1/employees', {
        key: account.key,
        body: { firstName: `P${i}`, lastName: 'Page' },
      });
      created.push(res.body.id);
    }
    newestFirst = created.reverse();
  });

  const page = (query: string) => call<Page>(t, 'GET', `/v1/employees?${query}`, { key: account.key });

  test('default page: newest first, the envelope, limit 25', async () => {
    const res = await page('');
    assert.equal(res.status, 200);
    assert.equal(res.body.object, 'list');
    assert.equal(res.body.url, '/v1/employees');
    assert.equal(res.body.hasMore, false);
    assert.deepEqual(
      res.body.data.map((e) => e.id),
      newestFirst,
    );
  });

  test('walking forward with startingAfter visits every object once', async () => {
    const seen: string[] = [];
    const hasMore: boolean[] = [];
    let cursor = '';
    for (;;) {
      const res = await page(`limit=3${cursor ? `&startingAfter=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      seen.push(...res.body.data.map((e) => e.id));
      hasMore.push(res.body.hasMore);
      if (!res.body.hasMore) break;
      cursor = res.body.data.at(-1)?.id ?? '';
    }
    assert.deepEqual(seen, newestFirst);
    assert.deepEqual(hasMore, [true, true, false]);
  });

  test('walking back with endingBefore returns the newer objects, still newest first', async () => {
    const oldest = newestFirst.at(-1) as string;
    const res = await page(`limit=3&endingBefore=${oldest}`);
    assert.deepEqual(
      res.body.data.map((e) => e.id),
      newestFirst.slice(3, 6),
    );
    assert.equal(res.body.hasMore, true);
    const first = await page(`limit=3&endingBefore=${newestFirst[3]}`);
    assert.deepEqual(
      first.body.data.map((e) => e.id),
      newestFirst.slice(0, 3),
    );
    assert.equal(first.body.hasMore, false);
    const none = await page(`endingBefore=${newestFirst[0]}`);
    assert.deepEqual(none.body.data, []);
    assert.equal(none.body.hasMore, false);
  });

  test('a cursor of a deleted object still pages correctly (keyset, not offset)', async () => {
    const res = await page(`limit=2&startingAfter=${newestFirst[1]}`);
    assert.deepEqual(
      res.body.data.map((e) => e.id),
      newestFirst.slice(2, 4),
    );
  });

  test('bounds and bad cursors are 400 with the parameter named', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=2.5', 'limit'],
      ['startingAfter=nope', 'startingAfter'],
      ['endingBefore=key_01JD2X6Y3Z4A5B6C7D8E9F0G1H', 'endingBefore'],
      [`startingAfter=${newestFirst[0]}&endingBefore=${newestFirst[1]}`, 'endingBefore'],
      ['include=everything', 'include'],
    ];
    for (const [query, param] of cases) {
      const res = await call<ErrorBody>(t, 'GET', `/v1/employees?${query}`, { key: account.key });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'parameter_invalid', query);
      assert.equal(res.body.error.param, param, query);
    }
    assert.equal((await page('limit=1')).body.data.length, 1);
    assert.equal((await page('limit=100')).body.data.length, 7);
  });

  test('updatedSince means the instant it names, whatever its ISO-8601 spelling', async () => {
    // Every employee above was written at the frozen clock's 2026-11-01T12:00:00.000Z.
    const count = async (since: string) => {
      const res = await page(`limit=100&updatedSince=${encodeURIComponent(since)}`);
      assert.equal(res.status, 200, res.raw);
      return res.body.data.length;
    };
    assert.equal(await count('2026-11-01T12:00:00Z'), 7, 'no milliseconds');
    assert.equal(await count('2026-11-01T14:00:00+02:00'), 7, 'an offset');
    assert.equal(await count('2026-11-01T07:00:00.000-05:00'), 7);
    assert.equal(await count('2026-11-01T12:00:00.001Z'), 0, 'a millisecond later');
    assert.equal(await count('2026-11-01T14:00:01+02:00'), 0);
  });
});
