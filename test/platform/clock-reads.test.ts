/**
 * A /v1 request reads the clock once (when it arrives) and every time-dependent step uses that reading: key expiry
 * and the key cache's age, the rate-limit window, the request log's time, GET /v1/api-key's status.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { call, createTestAccount, createTestKey } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { withTestApp } from '../helpers/security-suite.js';
import { allLogRows } from './request-log/support.js';

for (const dialect of DIALECTS) {
  describe(`clock reads per request (${dialect})`, () => {
    test('one per /v1 request, and that one reading decides expiry and the logged time', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const expiresAt = new Date(t.clock.now().getTime() + 60_000).toISOString();
        const expiring = await createTestKey(t, account, ['*'], { expiresAt });
        // First uses: the keys are loaded into the cache (a miss reads the clock again to date the entry).
        assert.equal((await call(t, 'GET', '/v1/api-key', { key: account.key })).status, 200);
        assert.equal((await call(t, 'GET', '/v1/api-key', { key: expiring.key })).status, 200);

        let reads = 0;
        const now = t.clock.now.bind(t.clock);
        t.clock.now = () => {
          reads++;
          return now();
        };
        const self = await call(t, 'GET', '/v1/api-key', { key: account.key });
        assert.equal(self.status, 200);
        assert.equal(reads, 1, 'an authenticated request with its key cached');
        reads = 0;
        assert.equal((await call(t, 'GET', '/v1/versions')).status, 200);
        assert.equal(reads, 1, 'a public /v1 request');

        // Time moves past the expiry between requests: the next request's one reading sees it.
        t.clock.advance(60_000);
        const expired = await call(t, 'GET', '/v1/api-key', { key: expiring.key });
        assert.equal(expired.status, 401);
        assert.equal((expired.body as { error: { code: string } }).error.code, 'api_key_expired');

        await t.app.context.requestLog.flush();
        const rows = await allLogRows(t.db.db);
        const logged = rows.find((row) => row.id === String(expired.headers['x-request-id']));
        assert.equal(logged?.created_at, t.clock.now().toISOString(), 'the log row has the same time');
      });
    });
  });
}
