/**
 * The list contract (DESIGN §3.4), run against one resource's list: newest first, the list envelope, keyset
 * pagination both ways, the limit and cursor rules, `updatedSince`, and tenant isolation. Every resource test calls
 * `describeListContract` once per dialect, so no list ships without these checks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Dialect } from '../../src/db/database.js';
import {
  call,
  createTestAccount,
  createTestApp,
  type ErrorBody,
  type TestAccount,
  type TestApp,
} from './app.js';

export interface ListContractOptions {
  /** The list's path, e.g. `/v1/locations`. */
  readonly path: string;
  /**
   * Creates one object of the resource in `account` (use `account.key`, or the services through
   * `t.app.context`) and returns its id. `index` counts from 0 so bodies can be made unique. The suite moves the
   * test clock a minute between calls.
   */
  create(t: TestApp, account: TestAccount, index: number): Promise<string>;
  /** Changes an existing object so that its `updatedAt` moves to the clock's now (usually a PATCH). */
  touch?(t: TestApp, account: TestAccount, id: string): Promise<void>;
  /** Query parameters every call of this list needs (e.g. a required filter), without `?` or `&`. */
  readonly query?: string;
  /** How many objects to create (at least 5; default 5). */
  readonly count?: number;
}

interface ListBody {
  object: string;
  data: { id: string; updatedAt: string }[];
  hasMore: boolean;
  url: string;
}

const MINUTE = 60_000;

export function describeListContract(dialect: Dialect, options: ListContractOptions): void {
  const count = Math.max(options.count ?? 5, 5);

  describe(`list contract of ${options.path} (${dialect})`, () => {
    let t: TestApp;
    let account: TestAccount;
    let other: TestAccount;
    /** Ids as the list returns them: newest first. */
    let newestFirst: string[] = [];
    /** When each object was created, in creation order. */
    const createdAt: string[] = [];

    before(async () => {
      t = await createTestApp(dialect);
      account = await createTestAccount(t);
      other = await createTestAccount(t);
      const ids: string[] = [];
      for (let index = 0; index < count; index++) {
        t.clock.advance(MINUTE);
        createdAt.push(t.clock.now().toISOString());
        ids.push(await options.create(t, account, index));
      }
      newestFirst = [...ids].reverse();
    });
    after(() => t.close());

    const list = (query: string, key = account.key) => {
      const parts = [options.query, query].filter((part) => part);
      return call<ListBody>(t, 'GET', `${options.path}${parts.length ? `?${parts.join('&')}` : ''}`, { key });
    };

    test('the envelope, newest first', async () => {
      const res = await list('limit=100');
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.object, 'list');
      assert.equal(res.body.url, options.path);
      assert.equal(res.body.hasMore, false);
      assert.deepEqual(
        res.body.data.map((item) => item.id),
        newestFirst,
      );
    });

    test('startingAfter walks forward and endingBefore walks back, each object once', async () => {
      const forward: string[] = [];
      let cursor: string | undefined;
      let hasMore = true;
      while (hasMore) {
        const res = await list(`limit=2${cursor ? `&startingAfter=${cursor}` : ''}`);
        assert.equal(res.status, 200, res.raw);
        assert.ok(res.body.data.length <= 2);
        forward.push(...res.body.data.map((item) => item.id));
        hasMore = res.body.hasMore;
        cursor = res.body.data.at(-1)?.id;
      }
      assert.deepEqual(forward, newestFirst);

      const backward: string[] = [];
      cursor = newestFirst.at(-1);
      hasMore = true;
      while (hasMore) {
        const res = await list(`limit=2&endingBefore=${cursor}`);
        assert.equal(res.status, 200, res.raw);
        backward.unshift(...res.body.data.map((item) => item.id));
        hasMore = res.body.hasMore;
        cursor = res.body.data[0]?.id;
      }
      assert.deepEqual(backward, newestFirst.slice(0, -1));
    });

    test('limit bounds and one cursor at a time → 400 with param', async () => {
      for (const [query, param] of [
        ['limit=0', 'limit'],
        ['limit=101', 'limit'],
        [`startingAfter=${newestFirst[0]}&endingBefore=${newestFirst[1]}`, 'endingBefore'],
      ] as const) {
        const res = await list(query);
        assert.equal(res.status, 400, `${query}: ${res.raw}`);
        const error = (res.body as unknown as ErrorBody).error;
        assert.equal(error.code, 'parameter_invalid');
        assert.ok(error.param === param || error.param === 'startingAfter', `${query}: param ${error.param}`);
      }
    });

    test('updatedSince returns what changed at or after the instant', async () => {
      const since = createdAt[2] as string;
      const res = await list(`limit=100&updatedSince=${encodeURIComponent(since)}`);
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(
        res.body.data.map((item) => item.id),
        newestFirst.slice(0, count - 2),
      );
      for (const item of res.body.data) assert.ok(item.updatedAt >= since);

      if (options.touch) {
        t.clock.advance(MINUTE);
        const touchedAt = t.clock.now().toISOString();
        const oldest = newestFirst.at(-1) as string;
        await options.touch(t, account, oldest);
        const changed = await list(`limit=100&updatedSince=${encodeURIComponent(touchedAt)}`);
        assert.equal(changed.status, 200, changed.raw);
        assert.deepEqual(
          changed.body.data.map((item) => item.id),
          [oldest],
        );
      }

      const bad = await list('updatedSince=yesterday');
      assert.equal(bad.status, 400);
      assert.equal((bad.body as unknown as ErrorBody).error.param, 'updatedSince');
    });

    test("another account's list holds none of these objects", async () => {
      const res = await list('limit=100', other.key);
      assert.equal(res.status, 200, res.raw);
      const mine = new Set(newestFirst);
      assert.deepEqual(
        res.body.data.filter((item) => mine.has(item.id)),
        [],
      );
    });
  });
}
