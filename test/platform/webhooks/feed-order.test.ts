/**
 * The events feed is read in id order from a cursor, so an account's event ids must grow in commit order: an event
 * committed after a poller read past its id would never reach that poller.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulid';
import { EVENTS } from '../../../src/platform/webhooks/events/resource.js';
import { emitEvents } from '../../../src/platform/webhooks/outbox.js';
import { EMPLOYEES } from '../../../src/resources/employees/resource.js';
import { exampleId, newIdAfter } from '../../../src/shared/ids.js';
import { createTestAccount, createTestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';

describe('newIdAfter', () => {
  test('sorts after an id made by a process whose clock runs ahead', () => {
    const now = newIdAfter(EVENTS, undefined);
    // An id made by a clock an hour ahead of ours.
    const ahead = `evt_${ulid(Date.now() + 3_600_000)}`;
    assert.ok(ahead > now);
    const next = newIdAfter(EVENTS, ahead);
    assert.ok(next > ahead, `${next} > ${ahead}`);
    assert.ok(newIdAfter(EVENTS, next) > next);
  });
});

for (const dialect of DIALECTS) {
  describe(`event ids follow commit order (${dialect})`, () => {
    test('a change that starts emitting later cannot commit an id below one committed before it', async () => {
      const t = await createTestApp(dialect);
      try {
        const account = await createTestAccount(t);
        const object = { id: exampleId(EMPLOYEES), object: 'employee' };
        const committed: { order: number; ids: string[] }[] = [];
        let commits = 0;
        let releaseFirst: () => void = () => undefined;
        const firstHeld = new Promise<void>((resolve) => {
          releaseFirst = resolve;
        });

        // The first change emits, then stays open until the second has either finished or had ample time to.
        const first = t.db.db.transaction().execute(async (trx) => {
          const ids = await emitEvents(trx, t.app.context, account.account.id, [
            { type: 'employee.created', object },
          ]);
          await firstHeld;
          return ids;
        });
        await sleep(50);
        const second = t.db.db
          .transaction()
          .execute((trx) =>
            emitEvents(trx, t.app.context, account.account.id, [{ type: 'employee.updated', object }]),
          )
          .then((ids) => {
            committed.push({ order: commits++, ids });
            return ids;
          });
        await Promise.race([second, sleep(300)]);
        releaseFirst();
        committed.push({ order: commits++, ids: await first });
        await second;

        // Whatever order the two committed in, ids ascend in that order.
        const inCommitOrder = committed.sort((a, b) => a.order - b.order).flatMap((c) => c.ids);
        assert.deepEqual(inCommitOrder, [...inCommitOrder].sort());
      } finally {
        await t.close();
      }
    });
  });
}
