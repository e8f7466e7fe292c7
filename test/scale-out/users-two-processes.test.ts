import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseHandle } from '../../src/db/database.js';
import { createAccountWithAdmin } from '../../src/platform/accounts/service.js';
import { createApiKey } from '../../src/platform/api-keys/service.js';
import { systemClock } from '../../src/shared/clock.js';
import { serviceContext } from '../helpers/app.js';
import {
  buildServer,
  type ServerProcess as Server,
  serverProcessEnv,
  startServerProcess as startServer,
  stopServerProcess as stopServer,
} from '../helpers/server-process.js';
import { apiRequest, createSharedSchema, type SharedSchema } from '../helpers/shared-schema.js';

/**
 * The owner binding of API keys across processes (issue 13): two server processes as `npm start` runs them, one
 * PostgreSQL schema, one Redis. A user deactivated through one process makes their key fail on the other within a
 * second, and reactivating them or reassigning their keys makes it work there again as fast, as revocation does.
 */
const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const skip = (!databaseUrl || !redisUrl) && 'needs TEST_DATABASE_URL and TEST_REDIS_URL';

interface Answer {
  status: number;
  body: { id?: string; createdBy?: string; error?: { code: string } };
}

/** A request to a server's full URL (`${server.url}/v1/...`). */
function request(url: string, key: string, method = 'GET', body?: unknown): Promise<Answer> {
  const { origin, pathname } = new URL(url);
  return apiRequest<Answer['body']>(origin, key, method, pathname, body);
}

/** Polls GET /v1/api-key on `server` until it answers `status`; fails if that takes a second or more. */
async function answersWithinOneSecond(
  server: Server,
  key: string,
  status: number,
  code?: string,
): Promise<void> {
  const since = Date.now();
  for (;;) {
    const answer = await request(`${server.url}/v1/api-key`, key);
    if (answer.status === status && answer.body.error?.code === code) break;
    assert.ok(Date.now() - since < 1000, `still ${answer.status} ${answer.body.error?.code ?? ''} after 1 s`);
    await sleep(20);
  }
  assert.ok(Date.now() - since < 1000);
}

describe('a key owner deactivated on one process is refused by the other within 1 second', { skip }, () => {
  let schema: SharedSchema;
  const servers: Server[] = [];
  let database: DatabaseHandle;
  let accountId = '';
  let adminId = '';
  let adminKey = '';

  before(async () => {
    buildServer();
    schema = await createSharedSchema(databaseUrl as string);
    database = schema.database;
    const ctx = serviceContext(database, systemClock);
    const { account, admin } = await createAccountWithAdmin(ctx, {
      name: 'Owner Binding Co',
      plan: 'pro',
      adminEmail: `owners-${schema.name}@test.punchclock.test`,
    });
    accountId = account.id;
    adminId = admin.id;
    adminKey = (await createApiKey(ctx, accountId, { name: 'Admin', scopes: ['*'], createdBy: admin.id }))
      .key;

    const env = serverProcessEnv({ DATABASE_URL: schema.url, REDIS_URL: redisUrl });
    servers.push(await startServer(env));
    servers.push(await startServer(env));
  });

  after(async () => {
    await Promise.all(servers.map((server) => stopServer(server)));
    await schema?.drop();
  });

  test('deactivate → 401 api_key_owner_inactive, reactivate → 200, deactivate again, reassign → 200', async () => {
    const [a, b] = servers as [Server, Server];
    const invited = await request(`${a.url}/v1/users`, adminKey, 'POST', {
      email: `second-${schema.name}@test.punchclock.test`,
      name: 'Second Admin',
      role: 'administrator',
    });
    assert.equal(invited.status, 201);
    const ownerId = invited.body.id as string;
    const { key } = await createApiKey(serviceContext(database, systemClock), accountId, {
      name: 'Owned by the second administrator',
      scopes: ['*'],
      createdBy: ownerId,
    });
    // Both processes have the key cached: their 5 s cache would otherwise hide the change.
    assert.equal((await request(`${a.url}/v1/api-key`, key)).status, 200);
    assert.equal((await request(`${b.url}/v1/api-key`, key)).status, 200);

    const act = async (verb: string, body?: unknown) => {
      const answer = await request(`${a.url}/v1/users/${ownerId}/${verb}`, adminKey, 'POST', body);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    };
    await act('deactivate');
    await answersWithinOneSecond(b, key, 401, 'api_key_owner_inactive');
    await act('reactivate');
    await answersWithinOneSecond(b, key, 200);
    await act('deactivate');
    await answersWithinOneSecond(b, key, 401, 'api_key_owner_inactive');
    await act('deactivate', { apiKeys: { action: 'reassign', to: adminId } });
    await answersWithinOneSecond(b, key, 200);
    assert.equal((await request(`${b.url}/v1/api-key`, key)).body.createdBy, adminId);
  });
});
