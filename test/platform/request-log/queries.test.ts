import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NewApiRequestLogRow } from '../../../src/db/tables.js';
import {
  countsPerHour,
  findRequest,
  listRequests,
  suspiciousKeys,
} from '../../../src/platform/request-log/repository.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../../helpers/dialects.js';
import { logRow } from './support.js';

/**
 * Account A: two keys, a morning of traffic; account B: the same shape of traffic with its own keys, the same
 * paths and the same times, so that every query must filter by account to pass.
 */
function traffic(account: string, keyPrefix: string): NewApiRequestLogRow[] {
  const k1 = `${keyPrefix}1`;
  const k2 = `${keyPrefix}2`;
  const row = (at: string, status: number, fields: Partial<NewApiRequestLogRow> = {}): NewApiRequestLogRow =>
    logRow({ account_id: account, key_id: k1, created_at: `2026-11-01T${at}.000Z`, status, ...fields });
  return [
    row('10:05:00', 200),
    row('10:10:00', 201, { method: 'POST' }),
    row('10:20:00', 404, {
      path: '/v1/employees/emp_X',
      route: '/v1/employees/:id',
      error_code: 'resource_not_found',
    }),
    // 11:00–11:59: nothing.
    row('12:00:00', 200, { key_id: k2, path: '/v1/time-entries', route: '/v1/time-entries' }),
    row('12:01:00', 401, { key_id: k2, error_code: 'api_key_revoked' }),
    row('12:02:00', 401, { key_id: k2, error_code: 'api_key_revoked' }),
    row('12:03:00', 403, { key_id: k2, error_code: 'missing_scope' }),
    row('12:30:00', 500, { error_code: 'internal_error' }),
    row('12:59:59', 304),
    row('13:00:00', 200),
  ];
}

async function withTraffic(
  dialect: (typeof DIALECTS)[number],
  run: (db: TestDatabase, a: NewApiRequestLogRow[], b: NewApiRequestLogRow[]) => Promise<void>,
): Promise<void> {
  const db = await openTestDatabase(dialect);
  try {
    const a = traffic('acct_A', 'key_A');
    const b = traffic('acct_B', 'key_B');
    // Interleaved, so that ids of the two accounts alternate as they would in one process.
    const all = a.flatMap((row, i) => [row, b[i] as NewApiRequestLogRow]);
    await db.db.insertInto('api_request_log').values(all).execute();
    // Rows nobody owns (a 401 without a recognised key) belong to no account's view.
    await db.db
      .insertInto('api_request_log')
      .values(logRow({ account_id: null, key_id: null, status: 401, error_code: 'api_key_missing' }))
      .execute();
    await run(db, a, b);
  } finally {
    await db.dispose();
  }
}

const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);
const newestFirst = (rows: readonly NewApiRequestLogRow[]) => ids(rows).sort().reverse();

for (const dialect of DIALECTS) {
  describe(`request log queries for the portal (${dialect})`, () => {
    test('lists an account’s requests newest first, never another account’s', async () => {
      await withTraffic(dialect, async (db, a, b) => {
        const page = await listRequests(db.db, 'acct_A', {}, { limit: 100 });
        assert.deepEqual(ids(page.items), newestFirst(a));
        assert.equal(page.hasMore, false);
        // Filtering by another account's key finds nothing, rather than that account's rows.
        const foreign = await listRequests(db.db, 'acct_A', { keyId: 'key_B1' }, { limit: 100 });
        assert.deepEqual(foreign.items, []);
        assert.equal(await findRequest(db.db, 'acct_A', (b[0] as NewApiRequestLogRow).id), undefined);
        assert.equal((await findRequest(db.db, 'acct_A', (a[0] as NewApiRequestLogRow).id))?.status, 200);
      });
    });

    test('filters by key, status class, path and time range, alone and together', async () => {
      await withTraffic(dialect, async (db, a) => {
        const list = async (filters: Parameters<typeof listRequests>[2]) =>
          ids((await listRequests(db.db, 'acct_A', filters, { limit: 100 })).items);
        const expect = (keep: (row: NewApiRequestLogRow) => boolean) => newestFirst(a.filter(keep));

        assert.deepEqual(
          await list({ keyId: 'key_A2' }),
          expect((r) => r.key_id === 'key_A2'),
        );
        assert.deepEqual(
          await list({ statusClass: '2xx' }),
          expect((r) => r.status >= 200 && r.status < 300),
        );
        assert.deepEqual(
          await list({ statusClass: '3xx' }),
          expect((r) => r.status === 304),
        );
        assert.deepEqual(
          await list({ statusClass: '4xx' }),
          expect((r) => r.status >= 400 && r.status < 500),
        );
        assert.deepEqual(
          await list({ statusClass: '5xx' }),
          expect((r) => r.status === 500),
        );
        assert.deepEqual(
          await list({ path: '/V1/EMPLOYEES/' }),
          expect((r) => r.path === '/v1/employees/emp_X'),
        );
        assert.deepEqual(
          await list({ path: 'time-entries' }),
          expect((r) => r.path === '/v1/time-entries'),
        );
        assert.deepEqual(
          await list({ from: '2026-11-01T12:00:00.000Z', to: '2026-11-01T13:00:00.000Z' }),
          expect(
            (r) => r.created_at >= '2026-11-01T12:00:00.000Z' && r.created_at < '2026-11-01T13:00:00.000Z',
          ),
        );
        assert.deepEqual(
          await list({ keyId: 'key_A2', statusClass: '4xx', from: '2026-11-01T12:01:30.000Z' }),
          expect(
            (r) => r.key_id === 'key_A2' && r.status >= 400 && r.created_at >= '2026-11-01T12:01:30.000Z',
          ),
        );
        // LIKE wildcards in the search text are literal.
        assert.deepEqual(await list({ path: '%' }), []);
      });
    });

    test('pages with cursors in both directions', async () => {
      await withTraffic(dialect, async (db, a) => {
        const all = newestFirst(a);
        const first = await listRequests(db.db, 'acct_A', {}, { limit: 4 });
        assert.deepEqual(ids(first.items), all.slice(0, 4));
        assert.equal(first.hasMore, true);
        const second = await listRequests(db.db, 'acct_A', {}, { limit: 4, startingAfter: all[3] });
        assert.deepEqual(ids(second.items), all.slice(4, 8));
        const last = await listRequests(db.db, 'acct_A', {}, { limit: 4, startingAfter: all[7] });
        assert.deepEqual(ids(last.items), all.slice(8));
        assert.equal(last.hasMore, false);
        const back = await listRequests(db.db, 'acct_A', {}, { limit: 4, endingBefore: all[4] });
        assert.deepEqual(ids(back.items), all.slice(0, 4));
      });
    });

    test('counts requests per hour by status class, with idle hours as zeros', async () => {
      await withTraffic(dialect, async (db) => {
        const hours = await countsPerHour(db.db, 'acct_A', {
          from: '2026-11-01T10:30:00.000Z',
          to: '2026-11-01T14:00:00.000Z',
        });
        assert.deepEqual(hours, [
          // From 10:30: the 10:05 and 10:10 requests are outside the range.
          { hour: '2026-11-01T10:00:00.000Z', '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
          { hour: '2026-11-01T11:00:00.000Z', '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
          { hour: '2026-11-01T12:00:00.000Z', '2xx': 1, '3xx': 1, '4xx': 3, '5xx': 1 },
          { hour: '2026-11-01T13:00:00.000Z', '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 0 },
        ]);
        const morning = await countsPerHour(db.db, 'acct_A', {
          from: '2026-11-01T10:00:00.000Z',
          to: '2026-11-01T11:00:00.000Z',
        });
        assert.deepEqual(morning, [
          { hour: '2026-11-01T10:00:00.000Z', '2xx': 2, '3xx': 0, '4xx': 1, '5xx': 0 },
        ]);
        const oneKey = await countsPerHour(db.db, 'acct_A', {
          from: '2026-11-01T12:00:00.000Z',
          to: '2026-11-01T13:00:00.000Z',
          keyId: 'key_A2',
        });
        assert.deepEqual(oneKey, [
          { hour: '2026-11-01T12:00:00.000Z', '2xx': 1, '3xx': 0, '4xx': 3, '5xx': 0 },
        ]);
        const nobody = await countsPerHour(db.db, 'acct_nobody', {
          from: '2026-11-01T12:00:00.000Z',
          to: '2026-11-01T13:00:00.000Z',
        });
        assert.deepEqual(nobody, [
          { hour: '2026-11-01T12:00:00.000Z', '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
        ]);
      });
    });

    test('finds the keys with a burst of 401/403, only in the account', async () => {
      await withTraffic(dialect, async (db) => {
        assert.deepEqual(await suspiciousKeys(db.db, 'acct_A', '2026-11-01T12:00:00.000Z', 3), [
          { keyId: 'key_A2', refusals: 3, lastRefusedAt: '2026-11-01T12:03:00.000Z' },
        ]);
        assert.deepEqual(await suspiciousKeys(db.db, 'acct_A', '2026-11-01T12:01:30.000Z', 3), []);
        assert.deepEqual(await suspiciousKeys(db.db, 'acct_A', '2026-11-01T12:00:00.000Z', 4), []);
        assert.deepEqual(await suspiciousKeys(db.db, 'acct_B', '2026-11-01T00:00:00.000Z', 1), [
          { keyId: 'key_B2', refusals: 3, lastRefusedAt: '2026-11-01T12:03:00.000Z' },
        ]);
      });
    });
  });
}
