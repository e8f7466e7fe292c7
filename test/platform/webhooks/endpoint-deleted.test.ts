/** An endpoint deleted while one of its deliveries is on the wire leaves nothing behind when the answer comes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, createTestAccount, createTestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { deliveriesOf, emitTestEvents, insertEndpoint } from '../../helpers/webhooks.js';

for (const dialect of DIALECTS) {
  describe(`an endpoint deleted mid-delivery (${dialect})`, () => {
    test('the late answer records no attempt and no delivery', async () => {
      const t = await createTestApp(dialect, { env: { PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true' } });
      const receiver = await WebhookReceiver.start({ clock: t.clock });
      try {
        const account = await createTestAccount(t);
        const endpoint = await insertEndpoint(t.db.db, t.clock, account.account.id, {
          url: `${receiver.url}/slow`,
        });
        receiver.endpoint('/slow', endpoint.secret);
        let answer: () => void = () => undefined;
        const answered = new Promise<void>((resolve) => {
          answer = resolve;
        });
        receiver.answer = () => ({ status: 200, body: 'ok', after: answered });
        await emitTestEvents(t.db.db, t.clock, account.account.id);
        const [delivery] = await deliveriesOf(t.db.db, endpoint.id);
        assert.ok(delivery);

        const pass = t.app.context.webhooks.runOnce();
        while (receiver.at('/slow').length === 0) await sleep(10);
        const deleted = await call(t, 'DELETE', `/v1/webhook-endpoints/${endpoint.id}`, { key: account.key });
        assert.equal(deleted.status, 200, deleted.raw);
        answer();
        await pass;

        const attempts = await t.db.db
          .selectFrom('webhook_attempts')
          .select('id')
          .where('delivery_id', '=', delivery.id)
          .execute();
        assert.deepEqual(attempts, []);
        assert.deepEqual(await deliveriesOf(t.db.db, endpoint.id), []);
      } finally {
        await receiver.close();
        await t.close();
      }
    });
  });
}
