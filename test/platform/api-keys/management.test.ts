/** Creating, rolling and revoking keys; who may; what a key's scopes grant (DESIGN §3.1). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createApiKey,
  getApiKey,
  listApiKeys,
  revokeAllApiKeys,
  revokeApiKey,
  rollApiKey,
} from '../../../src/platform/api-keys/service.js';
import { updateUser } from '../../../src/platform/users/repository.js';
import { createTestAccount, createTestKey, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import {
  addUser,
  assertApiError,
  assertRejectsWithApiError,
  bearer,
  send,
  withTestApp,
} from '../../helpers/security-suite.js';

const HOUR = 3600_000;

async function status(t: TestApp, key: string, url = '/v1/api-key'): Promise<number> {
  return (await send(t, 'GET', url, { authorization: bearer(key) })).status;
}

for (const dialect of DIALECTS) {
  describe(`API key management (${dialect})`, () => {
    test('roll: the old key works until the grace expiry, then 401 api_key_expired; the new one works', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const old = await createTestKey(t, account, ['employees:read'], {
          name: 'Payroll sync',
          fieldRestrictions: { employees: ['firstName'] },
        });
        assert.equal(await status(t, old.key), 200);
        const rollTime = t.clock.now();

        const rolled = await rollApiKey(t.app.context, account.account.id, old.id, {
          gracePeriodSeconds: 3600,
          actor: account.admin.id,
        });
        assert.notEqual(rolled.key, old.key);
        assert.notEqual(rolled.object.id, old.id);
        assert.equal(rolled.previous.id, old.id);
        assert.equal(rolled.previous.status, 'active');
        assert.equal(rolled.previous.replacedBy, rolled.object.id);
        assert.equal(rolled.previous.expiresAt, new Date(rollTime.getTime() + HOUR).toISOString());
        // Same settings and owner.
        assert.equal(rolled.object.name, 'Payroll sync');
        assert.deepEqual(rolled.object.scopes, ['employees:read']);
        assert.deepEqual(rolled.object.fieldRestrictions, { employees: ['firstName'] });
        assert.equal(rolled.object.createdBy, account.admin.id);
        assert.equal(rolled.object.expiresAt, null);
        assert.equal(rolled.object.status, 'active');

        assert.equal(await status(t, old.key, '/v1/employees'), 200);
        assert.equal(await status(t, rolled.key, '/v1/employees'), 200);
        t.clock.advance(HOUR - 1);
        assert.equal(await status(t, old.key, '/v1/employees'), 200);
        t.clock.advance(1);
        assertApiError(
          await send(t, 'GET', '/v1/employees', { authorization: bearer(old.key) }),
          401,
          'api_key_expired',
        );
        assert.equal(await status(t, rolled.key, '/v1/employees'), 200);
        assert.equal((await getApiKey(t.app.context, account.account.id, old.id)).status, 'expired');
      });
    });

    test('roll: the default grace is 24 hours, and an earlier own expiry is kept', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const plain = await createTestKey(t, account, ['*']);
        const rolled = await rollApiKey(t.app.context, account.account.id, plain.id, {
          actor: account.admin.id,
        });
        assert.equal(rolled.previous.expiresAt, new Date(t.clock.now().getTime() + 24 * HOUR).toISOString());

        const soon = new Date(t.clock.now().getTime() + HOUR).toISOString();
        const expiring = await createTestKey(t, account, ['*'], { expiresAt: soon });
        const rolledExpiring = await rollApiKey(t.app.context, account.account.id, expiring.id, {
          actor: account.admin.id,
        });
        assert.equal(rolledExpiring.previous.expiresAt, soon);
      });
    });

    test('roll: a revoked, expired or already rolled key → 409 api_key_not_active', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const ctx = t.app.context;
        const actor = account.admin.id;
        const revoked = await createTestKey(t, account, ['*']);
        await revokeApiKey(ctx, account.account.id, revoked.id, actor);
        await assertRejectsWithApiError(
          rollApiKey(ctx, account.account.id, revoked.id, { actor }),
          'api_key_not_active',
        );

        const rolledOnce = await createTestKey(t, account, ['*']);
        await rollApiKey(ctx, account.account.id, rolledOnce.id, { actor });
        await assertRejectsWithApiError(
          rollApiKey(ctx, account.account.id, rolledOnce.id, { actor }),
          'api_key_not_active',
        );

        const expired = await createTestKey(t, account, ['*'], {
          expiresAt: new Date(t.clock.now().getTime() + 1000).toISOString(),
        });
        t.clock.advance(1000);
        await assertRejectsWithApiError(
          rollApiKey(ctx, account.account.id, expired.id, { actor }),
          'api_key_not_active',
        );

        await assertRejectsWithApiError(
          rollApiKey(ctx, account.account.id, rolledOnce.id, { actor, gracePeriodSeconds: -1 }),
          'parameter_invalid',
          { param: 'gracePeriodSeconds' },
        );
        // Another account's key is not found, not rolled.
        const other = await createTestAccount(t);
        const theirs = await createTestKey(t, other, ['*']);
        await assertRejectsWithApiError(
          rollApiKey(ctx, account.account.id, theirs.id, { actor }),
          'resource_not_found',
        );
        await assertRejectsWithApiError(
          revokeApiKey(ctx, account.account.id, theirs.id, actor),
          'resource_not_found',
        );
        assert.equal(await status(t, theirs.key), 200);
      });
    });

    test('concurrent rolls of one key: exactly one wins, the others get 409 api_key_not_active', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const { id } = await createTestKey(t, account, ['*']);
        const results = await Promise.allSettled(
          Array.from({ length: 4 }, () =>
            rollApiKey(t.app.context, account.account.id, id, { actor: account.admin.id }),
          ),
        );
        const winners = results.filter((r) => r.status === 'fulfilled');
        assert.equal(winners.length, 1);
        for (const result of results) {
          if (result.status === 'rejected') {
            await assertRejectsWithApiError(Promise.reject(result.reason), 'api_key_not_active');
          }
        }
        const keys = await listApiKeys(t.app.context, account.account.id);
        assert.equal(keys.length, 3, 'the full-access key, the rolled key and one replacement');
        const winner = winners[0]?.status === 'fulfilled' ? winners[0].value : undefined;
        assert.equal(keys.find((k) => k.id === id)?.replacedBy, winner?.object.id);
      });
    });

    test('concurrent creates on a trial account: only one key becomes active', async () => {
      await withTestApp(dialect, async (t) => {
        const ctx = t.app.context;
        // A few rounds: a race shows only when the transactions actually overlap.
        for (let round = 0; round < 5; round++) {
          const account = await createTestAccount(t, { plan: 'trial' });
          await revokeAllApiKeys(ctx, account.account.id, account.admin.id);
          const results = await Promise.allSettled(
            Array.from({ length: 4 }, () =>
              createApiKey(ctx, account.account.id, {
                name: 'Racing',
                scopes: ['*'],
                createdBy: account.admin.id,
              }),
            ),
          );
          assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}`);
          const active = (await listApiKeys(ctx, account.account.id)).filter((k) => k.status === 'active');
          assert.equal(active.length, 1, `round ${round}`);
        }
      });
    });

    test('revoke-all revokes every key of the account, and only that account', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const other = await createTestAccount(t);
        const keys = [
          account.key,
          (await createTestKey(t, account, ['employees:read'])).key,
          (await createTestKey(t, account, ['*'], { expiresAt: '2027-01-01T00:00:00.000Z' })).key,
        ];
        const alreadyRevoked = await createTestKey(t, account, ['*']);
        await revokeApiKey(t.app.context, account.account.id, alreadyRevoked.id, account.admin.id);
        for (const key of keys) assert.equal(await status(t, key), 200);

        const result = await revokeAllApiKeys(t.app.context, account.account.id, account.admin.id);
        assert.deepEqual(result, { revoked: 3 });
        for (const key of [...keys, alreadyRevoked.key]) {
          assertApiError(
            await send(t, 'GET', '/v1/api-key', { authorization: bearer(key) }),
            401,
            'api_key_revoked',
          );
        }
        const statuses = (await listApiKeys(t.app.context, account.account.id)).map((k) => k.status);
        assert.deepEqual(statuses, ['revoked', 'revoked', 'revoked', 'revoked']);
        assert.equal(await status(t, other.key), 200);
        assert.deepEqual(
          (await listApiKeys(t.app.context, other.account.id)).map((k) => k.status),
          ['active'],
        );
      });
    });

    test('trial accounts hold one active key (409 active_key_limit) until it is revoked or expires', async () => {
      await withTestApp(dialect, async (t) => {
        const ctx = t.app.context;
        const account = await createTestAccount(t, { plan: 'trial' });
        const input = { name: 'Second', scopes: ['*'], createdBy: account.admin.id };
        await assertRejectsWithApiError(createApiKey(ctx, account.account.id, input), 'active_key_limit', {
          messageIncludes: 'trial',
        });

        const [first] = await listApiKeys(ctx, account.account.id);
        assert.ok(first);
        await revokeApiKey(ctx, account.account.id, first.id, account.admin.id);
        const second = await createApiKey(ctx, account.account.id, {
          ...input,
          expiresAt: new Date(t.clock.now().getTime() + 1000).toISOString(),
        });
        await assertRejectsWithApiError(createApiKey(ctx, account.account.id, input), 'active_key_limit');

        // An expired key no longer counts.
        t.clock.advance(1000);
        assert.equal(
          (await listApiKeys(ctx, account.account.id)).find((k) => k.id === second.object.id)?.status,
          'expired',
        );
        const third = await createApiKey(ctx, account.account.id, input);
        assert.equal(await status(t, third.key), 200);

        // Rolling replaces the key: still one active key, and still no room for another.
        const rolled = await rollApiKey(ctx, account.account.id, third.object.id, {
          actor: account.admin.id,
        });
        assert.equal(await status(t, rolled.key), 200);
        await assertRejectsWithApiError(createApiKey(ctx, account.account.id, input), 'active_key_limit');

        // Other plans have no such limit.
        const pro = await createTestAccount(t, { plan: 'pro' });
        for (let i = 0; i < 3; i++) await createTestKey(t, pro, ['*']);
        assert.equal((await listApiKeys(ctx, pro.account.id)).length, 4);
      });
    });

    test('only an active administrator creates, rolls or revokes keys (403 administrator_required)', async () => {
      await withTestApp(dialect, async (t) => {
        const ctx = t.app.context;
        const account = await createTestAccount(t);
        const accountId = account.account.id;
        const { id: keyId } = await createTestKey(t, account, ['*']);
        const manager = (await addUser(t, account, 'manager')).admin.id;
        const employee = (await addUser(t, account, 'employee')).admin.id;
        const inactiveAdmin = (await addUser(t, account, 'administrator', { active: false })).admin.id;
        const other = await createTestAccount(t);

        for (const actor of [manager, employee, inactiveAdmin, other.admin.id]) {
          await assertRejectsWithApiError(
            createApiKey(ctx, accountId, { name: 'Nope', scopes: ['*'], createdBy: actor }),
            'administrator_required',
          );
          await assertRejectsWithApiError(
            rollApiKey(ctx, accountId, keyId, { actor }),
            'administrator_required',
          );
          await assertRejectsWithApiError(
            revokeApiKey(ctx, accountId, keyId, actor),
            'administrator_required',
          );
          await assertRejectsWithApiError(revokeAllApiKeys(ctx, accountId, actor), 'administrator_required');
        }
        assert.equal((await listApiKeys(ctx, accountId)).length, 2);
        assert.deepEqual(
          (await listApiKeys(ctx, accountId)).map((k) => k.status),
          ['active', 'active'],
        );

        // The operator (CLI) acts for the account: no administrator needed, and its keys have no owner.
        const issued = await createApiKey(ctx, accountId, {
          name: 'Operator',
          scopes: ['*'],
          createdBy: null,
        });
        assert.equal(issued.object.createdBy, 'operator');
        assert.equal(await status(t, issued.key), 200);
      });
    });

    test("a key stops authenticating when its owner is demoted; the operator's keys have no owner to lose", async () => {
      await withTestApp(dialect, async (t) => {
        const ctx = t.app.context;
        const account = await createTestAccount(t);
        const operatorKey = await createApiKey(ctx, account.account.id, {
          name: 'Operator',
          scopes: ['*'],
          createdBy: null,
        });
        assert.equal(await status(t, account.key), 200);
        await updateUser(t.db.db, account.account.id, account.admin.id, {
          role: 'manager',
          updated_at: t.clock.now().toISOString(),
        });
        ctx.keyCache.invalidateAccount(account.account.id);
        assertApiError(
          await send(t, 'GET', '/v1/api-key', { authorization: bearer(account.key) }),
          401,
          'api_key_owner_inactive',
        );
        assert.equal(await status(t, operatorKey.key), 200);

        // Promoted back: the key works again (it was never revoked).
        await updateUser(t.db.db, account.account.id, account.admin.id, {
          role: 'administrator',
          updated_at: t.clock.now().toISOString(),
        });
        ctx.keyCache.invalidateAccount(account.account.id);
        assert.equal(await status(t, account.key), 200);
      });
    });

    test('scopes are validated and normalised', async () => {
      await withTestApp(dialect, async (t) => {
        const ctx = t.app.context;
        const account = await createTestAccount(t);
        const create = (scopes: string[]) =>
          createApiKey(ctx, account.account.id, { name: 'Scoped', scopes, createdBy: account.admin.id });
        for (const scopes of [
          ['employees:admin'],
          ['employee:read'],
          ['events:write'],
          ['EMPLOYEES:READ'],
          [],
        ]) {
          await assertRejectsWithApiError(create(scopes), 'parameter_invalid', { param: 'scopes' });
        }
        assert.deepEqual(
          (await create(['timeentries:read', 'employees:write', 'employees:read', 'employees:write'])).object
            .scopes,
          ['employees:read', 'employees:write', 'timeentries:read'],
        );
        assert.deepEqual((await create(['employees:read', '*'])).object.scopes, ['*']);
      });
    });

    test('write does not imply read, and read does not imply write', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        const created = await send<{ id: string }>(t, 'POST', '/v1/employees', {
          authorization: bearer(account.key),
          body: { firstName: 'Ada', lastName: 'Lovelace' },
        });
        assert.equal(created.status, 201, created.raw);
        const writeOnly = bearer((await createTestKey(t, account, ['employees:write'])).key);
        const readOnly = bearer((await createTestKey(t, account, ['employees:read'])).key);

        for (const url of ['/v1/employees', `/v1/employees/${created.body.id}`]) {
          assertApiError(await send(t, 'GET', url, { authorization: writeOnly }), 403, 'missing_scope', {
            messageIncludes: '"employees:read"',
          });
          assert.equal((await send(t, 'GET', url, { authorization: readOnly })).status, 200);
        }
        const body = { firstName: 'Grace', lastName: 'Hopper' };
        assertApiError(
          await send(t, 'POST', '/v1/employees', { authorization: readOnly, body }),
          403,
          'missing_scope',
          {
            messageIncludes: '"employees:write"',
          },
        );
        assert.equal(
          (await send(t, 'POST', '/v1/employees', { authorization: writeOnly, body })).status,
          201,
        );
      });
    });

    test('other key settings are validated', async () => {
      await withTestApp(dialect, async (t) => {
        const ctx = t.app.context;
        const account = await createTestAccount(t);
        const base = { name: 'Key', scopes: ['*'], createdBy: account.admin.id };
        await assertRejectsWithApiError(
          createApiKey(ctx, account.account.id, { ...base, name: '  ' }),
          'parameter_invalid',
          {
            param: 'name',
          },
        );
        await assertRejectsWithApiError(
          createApiKey(ctx, account.account.id, { ...base, expiresAt: t.clock.now().toISOString() }),
          'parameter_invalid',
          { param: 'expiresAt' },
        );
        await assertRejectsWithApiError(
          createApiKey(ctx, account.account.id, { ...base, expiresAt: 'tomorrow' }),
          'parameter_invalid',
          { param: 'expiresAt' },
        );
        await assertRejectsWithApiError(
          createApiKey(ctx, account.account.id, { ...base, rateLimitPerMinute: 0 }),
          'parameter_invalid',
          { param: 'rateLimitPerMinute' },
        );
        assert.equal((await listApiKeys(ctx, account.account.id)).length, 1, 'nothing was created');
      });
    });
  });
}
