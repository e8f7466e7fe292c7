/**
 * Deleting a webhook endpoint takes its deliveries with it, even while other transactions write deliveries to it
 * (found by the fuzzer on PostgreSQL: an event written during the deletion left a pending delivery of an endpoint
 * that no longer existed). On PostgreSQL each test holds one transaction open, starts the other and releases the
 * first only once the second waits for it, so the interleaving is the one that used to go wrong; SQLite runs one
 * write transaction at a time, so there the two run one after the other. The schema makes the promise too: a
 * delivery's endpoint is a foreign key, and the migration that adds it removes deliveries orphaned before.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { type Kysely, Migrator } from 'kysely';
import type { Dialect } from '../../../src/db/database.js';
import { openDatabase } from '../../../src/db/database.js';
import { migrationProvider } from '../../../src/db/migrations/index.js';
import type { Database, Db, WebhookDeliveryRow } from '../../../src/db/tables.js';
import { deleteDeliveriesOfEndpoint } from '../../../src/platform/webhooks/delivery-repository.js';
import {
  deleteEndpoint,
  lockEndpointAgainstDeliveries,
} from '../../../src/platform/webhooks/endpoint-repository.js';
import { deleteWebhookEndpoint } from '../../../src/platform/webhooks/endpoints/service.js';
import { emitEvents, pendingDelivery } from '../../../src/platform/webhooks/outbox.js';
import { RESOURCES } from '../../../src/resources/registry.js';
import { call, serviceContext } from '../../helpers/app.js';
import { DIALECTS, withSchemaLock } from '../../helpers/dialects.js';
import { interleave } from '../../helpers/interleave.js';
import {
  appWithEndpoint,
  deliveriesOf,
  employeeCreatedEvent,
  insertEndpoint,
} from '../../helpers/webhooks.js';

/** Deliveries whose endpoint does not exist. */
async function orphans(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .leftJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .select('d.id')
    .where('e.id', 'is', null)
    .execute();
  return rows.map((row) => row.id);
}

for (const dialect of DIALECTS) {
  describe(`deleting a webhook endpoint while deliveries to it are written (${dialect})`, () => {
    test('an event written during the deletion leaves no delivery of the deleted endpoint', async () => {
      const { t, account, endpoint } = await appWithEndpoint(dialect);
      try {
        const outbox = { clock: t.clock, resources: RESOURCES };
        const { value: deleted, waited } = await interleave(
          t,
          dialect,
          (trx) => emitEvents(trx, outbox, account.account.id, [employeeCreatedEvent(1)]),
          () => call(t, 'DELETE', `/v1/webhook-endpoints/${endpoint.id}`, { key: account.key }),
        );
        assert.equal(deleted.status, 200, deleted.raw);
        assert.equal(waited, dialect === 'postgres', 'the deletion waited for the event to commit');
        assert.deepEqual(await deliveriesOf(t.db.db, endpoint.id), []);
        assert.deepEqual(await orphans(t.db.db), []);
        const events = await t.db.db.selectFrom('events').select('type').orderBy('id').execute();
        assert.deepEqual(
          events.map((event) => event.type).slice(-2),
          ['employee.created', 'webhook_endpoint.deleted'],
          'both changes committed, with their events',
        );
      } finally {
        await t.close();
      }
    });

    test('a test event sent during the deletion finds the endpoint gone', async () => {
      const { t, account, endpoint } = await appWithEndpoint(dialect);
      try {
        const { value: sent, waited } = await interleave(
          t,
          dialect,
          (trx) =>
            deleteWebhookEndpoint(
              serviceContext({ ...t.db, db: trx }, t.clock),
              account.account.id,
              endpoint.id,
            ),
          () => call(t, 'POST', `/v1/webhook-endpoints/${endpoint.id}/test`, { key: account.key }),
        );
        assert.equal(sent.status, 404, sent.raw);
        assert.equal(waited, dialect === 'postgres', 'the test event waited for the deletion to commit');
        assert.deepEqual(await orphans(t.db.db), []);
      } finally {
        await t.close();
      }
    });

    test('two endpoints deleted at once leave no delivery of either', async () => {
      const { t, account, endpoint } = await appWithEndpoint(dialect);
      try {
        const other = await insertEndpoint(t.db.db, t.clock, account.account.id, {
          url: 'http://127.0.0.1:9/other',
        });
        // Each deletion's `webhook_endpoint.deleted` event is for the other endpoint too (it subscribes to `*`).
        const { value: deleted, waited } = await interleave(
          t,
          dialect,
          (trx) =>
            deleteWebhookEndpoint(
              serviceContext({ ...t.db, db: trx }, t.clock),
              account.account.id,
              endpoint.id,
            ),
          () => call(t, 'DELETE', `/v1/webhook-endpoints/${other.id}`, { key: account.key }),
        );
        assert.equal(deleted.status, 200, deleted.raw);
        assert.equal(waited, dialect === 'postgres', 'the second deletion waited for the first to commit');
        assert.deepEqual(await orphans(t.db.db), []);
        const left = await t.db.db.selectFrom('webhook_deliveries').select('id').execute();
        assert.deepEqual(left, []);
      } finally {
        await t.close();
      }
    });

    test('an event written while a deletion is under way leaves the endpoint out, without waiting for it', async () => {
      const { t, account, endpoint } = await appWithEndpoint(dialect);
      try {
        const outbox = { clock: t.clock, resources: RESOURCES };
        // The deletion's first steps, before it records its event (which would make writers of events wait).
        const { waited } = await interleave(
          t,
          dialect,
          async (trx) => {
            assert.ok(await lockEndpointAgainstDeliveries(trx, account.account.id, endpoint.id));
            await deleteDeliveriesOfEndpoint(trx, account.account.id, endpoint.id);
            await deleteEndpoint(trx, account.account.id, endpoint.id);
          },
          () =>
            t.db.db
              .transaction()
              .execute((trx) => emitEvents(trx, outbox, account.account.id, [employeeCreatedEvent(1)])),
        );
        assert.equal(waited, false);
        assert.deepEqual(await orphans(t.db.db), []);
      } finally {
        await t.close();
      }
    });

    test("the database refuses a delivery of an unknown endpoint, and an endpoint's deletion takes its deliveries", async () => {
      const { t, account, endpoint } = await appWithEndpoint(dialect);
      try {
        const now = t.clock.now().toISOString();
        const [eventId] = await t.db.db
          .transaction()
          .execute((trx) =>
            emitEvents(trx, { clock: t.clock, resources: RESOURCES }, account.account.id, [
              employeeCreatedEvent(1),
            ]),
          );
        assert.ok(eventId);
        const stray = pendingDelivery(account.account.id, 'we_unknown', eventId, now);
        await assert.rejects(t.db.db.insertInto('webhook_deliveries').values(stray).execute());
        assert.equal((await deliveriesOf(t.db.db, endpoint.id)).length, 1);
        await t.db.db.deleteFrom('webhook_endpoints').where('id', '=', endpoint.id).execute();
        assert.deepEqual(await deliveriesOf(t.db.db, endpoint.id), []);
      } finally {
        await t.close();
      }
    });

    test('the migration that adds the foreign key removes deliveries orphaned before, and their attempts', async () => {
      await withMigratedTo(dialect, '0007-rate-limit-counters', async (db, migrateToLatest) => {
        const now = '2026-11-01T12:00:00.000Z';
        await db
          .insertInto('accounts')
          .values({
            id: 'acc_1',
            name: 'Orphans Co',
            plan: 'pro',
            timezone: 'UTC',
            api_access: 1,
            api_version: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
        await db
          .insertInto('webhook_endpoints')
          .values({
            id: 'we_kept',
            account_id: 'acc_1',
            url: 'https://example.com/hooks',
            description: null,
            enabled_events: '["*"]',
            api_version: null,
            status: 'enabled',
            disabled_reason: null,
            secret: 'whsec_x',
            previous_secret: null,
            previous_secret_expires_at: null,
            failing_since: null,
            permissions: '{"scopes":["*"],"fieldRestrictions":null}',
            created_at: now,
            updated_at: now,
          })
          .execute();
        const delivery = (id: string, endpointId: string): WebhookDeliveryRow => ({
          ...pendingDelivery('acc_1', endpointId, 'evt_1', now),
          id,
        });
        await db
          .insertInto('webhook_deliveries')
          .values([delivery('wd_kept', 'we_kept'), delivery('wd_orphan', 'we_deleted')])
          .execute();
        const attempt = (id: string, deliveryId: string) => ({
          id,
          account_id: 'acc_1',
          delivery_id: deliveryId,
          attempted_at: now,
          status_code: 500,
          duration_ms: 3,
          response_body: null,
          error: null,
        });
        await db
          .insertInto('webhook_attempts')
          .values([attempt('wa_kept', 'wd_kept'), attempt('wa_orphan', 'wd_orphan')])
          .execute();

        await migrateToLatest();
        const deliveries = await db.selectFrom('webhook_deliveries').selectAll().execute();
        assert.deepEqual(deliveries, [delivery('wd_kept', 'we_kept')]);
        const attempts = await db.selectFrom('webhook_attempts').select('id').execute();
        assert.deepEqual(attempts, [{ id: 'wa_kept' }]);
        await db.deleteFrom('webhook_endpoints').where('id', '=', 'we_kept').execute();
        assert.deepEqual(await db.selectFrom('webhook_deliveries').select('id').execute(), []);
      });
    });
  });
}

/** A fresh database of the dialect migrated up to `name` only, and what migrates it the rest of the way. */
async function withMigratedTo(
  dialect: Dialect,
  name: string,
  work: (db: Kysely<Database>, migrateToLatest: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const handle =
    dialect === 'sqlite'
      ? openDatabase({ sqliteFile: ':memory:' })
      : openDatabase({ databaseUrl: url, schema, poolSize: 2 });
  const migrator = new Migrator({
    db: handle.db,
    provider: migrationProvider,
    ...(dialect === 'postgres' ? { migrationTableSchema: schema } : {}),
  });
  // As openTestDatabase does: on PostgreSQL, migrations and schema drops take turns across test files.
  const locked = async (migrate: () => Promise<{ error?: unknown }>) => {
    const run = async () => {
      const { error } = await migrate();
      if (error) throw error;
    };
    if (dialect === 'postgres' && url) {
      await withSchemaLock(url, async (client) => {
        await client.query(`create schema if not exists ${schema}`);
        await run();
      });
    } else {
      await run();
    }
  };
  try {
    await locked(() => migrator.migrateTo(name));
    await work(handle.db, () => locked(() => migrator.migrateToLatest()));
  } finally {
    await handle.close();
    if (dialect === 'postgres' && url) {
      await withSchemaLock(url, (client) => client.query(`drop schema if exists ${schema} cascade`));
    }
  }
}
