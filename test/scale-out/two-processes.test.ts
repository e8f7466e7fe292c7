import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
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
import { createSharedSchema, type SharedSchema } from '../helpers/shared-schema.js';

/**
 * Scale-out mode for real: two server processes started the way `npm start` starts them (node dist/main.js), one
 * PostgreSQL schema, one Redis. Requests go over the network to both.
 */
const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const skip = (!databaseUrl || !redisUrl) && 'needs TEST_DATABASE_URL and TEST_REDIS_URL';

async function get(url: string, key: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('two server processes behave as one service', { skip }, () => {
  let schema: SharedSchema | undefined;
  const servers: Server[] = [];
  let accountId = '';
  let fullKey = '';
  let env: NodeJS.ProcessEnv = {};

  before(async () => {
    buildServer();
    schema = await createSharedSchema(databaseUrl as string);
    const { database } = schema;
    const ctx = serviceContext(database, systemClock);
    const { account, admin: user } = await createAccountWithAdmin(ctx, {
      name: 'Scale-out Co',
      plan: 'pro',
      adminEmail: `scale-${schema.name}@test.punchclock.test`,
    });
    accountId = account.id;
    fullKey = (await createApiKey(ctx, accountId, { name: 'Full', scopes: ['*'], createdBy: user.id })).key;

    env = serverProcessEnv({ DATABASE_URL: schema.url, REDIS_URL: redisUrl });
    // One after the other: the second finds the migrations applied.
    servers.push(await startServer(env));
    servers.push(await startServer(env));
  });

  after(async () => {
    await Promise.all(servers.map((server) => stopServer(server)));
    await schema?.drop();
  });

  const cli = (...args: string[]) => {
    const result = spawnSync(process.execPath, ['bin/punchclock.js', ...args, '--json'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };

  test('(a) a key limited to 30/min gets exactly 30 successes across both processes under concurrent load', async () => {
    const { key } = cli(
      'keys',
      'create',
      '--account',
      accountId,
      '--name',
      'Limited',
      '--scopes',
      '*',
      '--rate-limit',
      '30',
    ) as {
      key: string;
    };
    const requests = Array.from({ length: 90 }, (_, i) => get(`${servers[i % 2]?.url}/v1/api-key`, key));
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 30);
    assert.equal(statuses.filter((s) => s === 429).length, 60);
  });

  test('(b) a key revoked through one process is refused by the other within 1 second', async () => {
    const { key, id } = cli(
      'keys',
      'create',
      '--account',
      accountId,
      '--name',
      'Doomed',
      '--scopes',
      '*',
    ) as {
      key: string;
      id: string;
    };
    const [first, second] = servers as [Server, Server];
    // Both processes have the key cached (their 5 s cache would otherwise hide a revocation).
    assert.equal((await get(`${first.url}/v1/api-key`, key)).status, 200);
    assert.equal((await get(`${second.url}/v1/api-key`, key)).status, 200);
    cli('keys', 'revoke', id);
    const revokedAt = Date.now();
    for (;;) {
      const res = await get(`${second.url}/v1/api-key`, key);
      if (res.status === 401) break;
      assert.ok(Date.now() - revokedAt < 1000, 'the other process still accepts the key after 1 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(Date.now() - revokedAt < 1000);
    assert.equal((await get(`${first.url}/v1/api-key`, key)).status, 401);
  });

  test('(c) one Idempotency-Key sent concurrently to both processes creates exactly one employee', async () => {
    const idempotencyKey = `scale-${randomBytes(8).toString('hex')}`;
    const body = JSON.stringify({ firstName: 'Exactly', lastName: 'Once', employeeRef: idempotencyKey });
    // A well-behaved client retries 409 idempotency_key_in_use (the first request is still running) after a pause.
    const create = async (server: Server) => {
      for (let attempt = 0; ; attempt++) {
        const response = await fetch(`${server.url}/v1/employees`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${fullKey}`,
            'content-type': 'application/json',
            'idempotency-key': idempotencyKey,
          },
          body,
        });
        const json = (await response.json()) as { id?: string; error?: { code: string } };
        if (response.status === 409 && json.error?.code === 'idempotency_key_in_use' && attempt < 50) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        return { status: response.status, json, replayed: response.headers.get('idempotent-replayed') };
      }
    };
    const [a, b] = await Promise.all([create(servers[0] as Server), create(servers[1] as Server)]);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(a.json.id, b.json.id);
    assert.equal([a.replayed, b.replayed].filter((r) => r === 'true').length, 1, 'one created, one replayed');
    const list = await get(
      `${servers[0]?.url}/v1/employees?search=${idempotencyKey}&include=totalCount`,
      fullKey,
    );
    assert.equal(list.body.totalCount, 1);
  });
});
