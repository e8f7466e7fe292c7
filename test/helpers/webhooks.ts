import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { toDbJson } from '../../src/db/columns.js';
import type { Dialect } from '../../src/db/database.js';
import type { Database, WebhookDeliveryRow, WebhookEndpointRow } from '../../src/db/tables.js';
import { WEBHOOK_ENDPOINTS } from '../../src/platform/webhooks/endpoints/resource.js';
import { emitEvents } from '../../src/platform/webhooks/outbox.js';
import { EMPLOYEES } from '../../src/resources/employees/resource.js';
import { RESOURCES } from '../../src/resources/registry.js';
import type { Clock } from '../../src/shared/clock.js';
import { newId } from '../../src/shared/ids.js';
import { createTestAccount, createTestApp } from './app.js';

/** A signing secret in the Standard Webhooks format. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * An endpoint row written directly, as the webhook-endpoints API would store it (without its URL check, so a test
 * can also store what a later DNS answer makes unsafe).
 */
export async function insertEndpoint(
  db: Kysely<Database>,
  clock: Clock,
  accountId: string,
  fields: Partial<Omit<WebhookEndpointRow, 'id' | 'account_id'>> & { url: string },
): Promise<WebhookEndpointRow> {
  const now = clock.now().toISOString();
  const row: WebhookEndpointRow = {
    id: newId(WEBHOOK_ENDPOINTS),
    account_id: accountId,
    description: null,
    enabled_events: toDbJson(['*']),
    api_version: null,
    status: 'enabled',
    disabled_reason: null,
    secret: newWebhookSecret(),
    previous_secret: null,
    previous_secret_expires_at: null,
    failing_since: null,
    permissions: toDbJson({ scopes: ['*'], fieldRestrictions: null }),
    created_at: now,
    updated_at: now,
    ...fields,
  };
  await db.insertInto('webhook_endpoints').values(row).execute();
  return row;
}

/** Emits `count` events of `type` in one transaction, through the outbox; returns their ids, oldest first. */
export function emitTestEvents(
  db: Kysely<Database>,
  clock: Clock,
  accountId: string,
  count = 1,
  type = 'employee.created',
): Promise<string[]> {
  return db.transaction().execute((trx) =>
    emitEvents(
      trx,
      { clock, resources: RESOURCES },
      accountId,
      Array.from({ length: count }, (_, i) => ({
        type,
        object: { id: newId(EMPLOYEES), object: 'employee', firstName: `Test ${i}`, lastName: 'Person' },
      })),
    ),
  );
}

export function deliveriesOf(db: Kysely<Database>, endpointId: string): Promise<WebhookDeliveryRow[]> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('event_id')
    .execute();
}

/** An `employee.created` event for the outbox, of a made-up employee numbered `n`. */
export function employeeCreatedEvent(n: number) {
  return {
    type: 'employee.created',
    object: { id: newId(EMPLOYEES), object: 'employee', firstName: `E${n}`, lastName: 'Race' },
  };
}

/** A test app with one account and one enabled endpoint subscribed to everything (on a private address). */
export async function appWithEndpoint(dialect: Dialect) {
  const t = await createTestApp(dialect, { env: { PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true' } });
  const account = await createTestAccount(t);
  const endpoint = await insertEndpoint(t.db.db, t.clock, account.account.id, {
    url: 'http://127.0.0.1:9/hooks',
  });
  return { t, account, endpoint };
}
