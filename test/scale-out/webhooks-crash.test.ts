import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAccountWithAdmin } from '../../src/platform/accounts/service.js';
import { systemClock } from '../../src/shared/clock.js';
import { serviceContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { type ProcessStorage, processStorage } from '../helpers/process-storage.js';
import {
  buildServer,
  type ServerProcess,
  serverProcessEnv,
  startServerProcess,
  stopServerProcess,
} from '../helpers/server-process.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { emitTestEvents, insertEndpoint } from '../helpers/webhooks.js';

/**
 * Crash safety of the outbox and the dispatcher, with real server processes (`node dist/main.js`): one is killed
 * with SIGKILL while a batch is in flight (its receiver holds the requests) and more deliveries wait behind it.
 * After a restart every event is delivered at least once and no delivery stays claimed: the dead process's claims
 * expire (a short claim TTL through PUNCHCLOCK_WEBHOOK_CLAIM_TTL_SECONDS) and are taken again.
 */
const CLAIM_TTL_SECONDS = 4;
const EVENTS = 12;
const ENDPOINTS = ['/crash-a', '/crash-b'];

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('webhook delivery survives a killed server process', () => {
  before(() => buildServer());

  for (const dialect of DIALECTS) {
    describe(dialect, () => {
      let store: ProcessStorage;
      let receiver: WebhookReceiver;
      const servers: ServerProcess[] = [];

      before(async () => {
        store = await processStorage(dialect);
        receiver = await WebhookReceiver.start();
      });
      after(async () => {
        await Promise.all(servers.map((server) => stopServerProcess(server, 'SIGKILL')));
        await receiver.close();
        await store.dispose();
      });

      test('SIGKILL with a batch in flight and deliveries pending: after a restart all arrive, none stays claimed', async () => {
        const database = store.open();
        const eventIds: string[] = [];
        try {
          const { account } = await createAccountWithAdmin(serviceContext(database, systemClock), {
            name: 'Crash Co',
            plan: 'pro',
            adminEmail: `crash-${Date.now()}@test.punchclock.test`,
          });
          for (const endpointPath of ENDPOINTS) {
            const endpoint = await insertEndpoint(database.db, systemClock, account.id, {
              url: `${receiver.url}${endpointPath}`,
              enabled_events: JSON.stringify(['employee.created']),
            });
            receiver.endpoint(endpointPath, endpoint.secret);
          }
          eventIds.push(...(await emitTestEvents(database.db, systemClock, account.id, EVENTS)));
        } finally {
          await database.close();
        }

        const env = serverProcessEnv({
          PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true',
          PUNCHCLOCK_WEBHOOK_CLAIM_TTL_SECONDS: String(CLAIM_TTL_SECONDS),
          ...store.env,
        });

        // The receiver holds every request: the first batch is in flight when the process dies.
        receiver.answer = () => ({ hang: true });
        const first = await startServerProcess(env);
        servers.push(first);
        await receiver.waitFor(ENDPOINTS.length);
        await stopServerProcess(first, 'SIGKILL');
        receiver.dropConnections();
        const inFlightAtCrash = receiver.received.length;

        const check = store.open();
        try {
          const rows = await check.db.selectFrom('webhook_deliveries').selectAll().execute();
          const claimed = rows.filter((row) => row.claimed_until !== null);
          assert.ok(claimed.length > 0, 'the crash left claims behind');
          assert.ok(
            rows.some((row) => row.claimed_until === null && row.status === 'pending'),
            'and deliveries that were never claimed',
          );
          assert.ok(rows.every((row) => row.status === 'pending'));

          receiver.answer = () => ({ status: 200 });
          const second = await startServerProcess(env);
          servers.push(second);
          await until(async () => {
            const open = await check.db
              .selectFrom('webhook_deliveries')
              .select('id')
              .where((eb) => eb.or([eb('status', '!=', 'succeeded'), eb('claimed_until', 'is not', null)]))
              .execute();
            return open.length === 0;
          }, 'every delivery to succeed');

          for (const endpointPath of ENDPOINTS) {
            const delivered = new Set(receiver.at(endpointPath).map((request) => request.webhookId));
            assert.deepEqual(
              [...eventIds].filter((id) => !delivered.has(id)),
              [],
              `${endpointPath} got every event`,
            );
          }
          // What the dead process had in flight was sent again once its claims expired.
          for (const crashed of receiver.received.slice(0, inFlightAtCrash)) {
            const sends = receiver.at(crashed.path).filter((r) => r.webhookId === crashed.webhookId);
            assert.ok(sends.length >= 2, `${crashed.path} ${crashed.webhookId} was sent again`);
          }
          assert.deepEqual(receiver.unverified(), []);
          const attempts = await check.db.selectFrom('webhook_attempts').select('delivery_id').execute();
          assert.equal(attempts.length, ENDPOINTS.length * EVENTS, 'the killed attempts were never recorded');

          await stopServerProcess(second);
          assert.equal(second.process.exitCode, 0, second.output.join(''));
        } finally {
          await check.close();
        }
      });
    });
  }
});
