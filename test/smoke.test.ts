import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { call, createTestAccount, createTestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

for (const dialect of DIALECTS) {
  describe(`smoke (${dialect})`, () => {
    test('the demo-style flow: a key lists employees', async () => {
      const t = await createTestApp(dialect);
      try {
        const account = await createTestAccount(t);
        const created = await call(t, 'POST', '/v1/employees', {
          key: account.key,
          body: { firstName: 'Ada', lastName: 'Lovelace' },
        });
        assert.equal(created.status, 201);
        const list = await call<{ data: { id: string }[] }>(t, 'GET', '/v1/employees', { key: account.key });
        assert.equal(list.status, 200);
        assert.equal(list.body.data[0]?.id, created.body.id);
      } finally {
        await t.close();
      }
    });
  });
}
