import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fromDbJson } from '../../../src/db/columns.js';
import type { User as UserObject } from '../../../src/platform/users/schema.js';
import { describePasswordLink, INVITATION_LINK_TTL_MS } from '../../../src/platform/users/service.js';
import { call, createTestAccount, createTestKey } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { describeListContract } from '../../helpers/list-suite.js';
import { addUser, assertApiError } from '../../helpers/security-suite.js';

/** A user as the API answers; its creation adds the invitation, once. */
type User = UserObject & { invitation?: { url: string; expiresAt: string } };
type List<T> = {
  object: string;
  data: T[];
  hasMore: boolean;
};

let emails = 0;
/** An email no other test of this process uses (emails are unique across the installation). */
function freshEmail(): string {
  emails++;
  return `user${emails}.${Date.now()}@users-api.test`;
}

describeEachDialect('users API', ({ t, account }) => {
  const invite = (body: Record<string, unknown>, key = account.key) =>
    call<User>(t, 'POST', '/v1/users', { key, body });
  const patch = (id: string, body: Record<string, unknown>, key = account.key) =>
    call<User>(t, 'PATCH', `/v1/users/${id}`, { key, body });
  const action = (id: string, verb: string, body?: Record<string, unknown>, key = account.key) =>
    call<User>(t, 'POST', `/v1/users/${id}/${verb}`, { key, ...(body ? { body } : {}) });
  const apiKey = (key: string) => call<{ createdBy: string }>(t, 'GET', '/v1/api-key', { key });
  const eventTypes = async () =>
    (
      await t.db.db
        .selectFrom('events')
        .select('type')
        .where('account_id', '=', account.account.id)
        .orderBy('id')
        .execute()
    ).map((row) => row.type);

  /** A second active administrator with a full-access key of their own. */
  async function secondAdministrator(): Promise<{ id: string; key: string; keyId: string }> {
    const res = await invite({ email: freshEmail(), name: 'Second Admin', role: 'administrator' });
    assert.equal(res.status, 201, res.raw);
    const { key, id } = await createTestKey(t, { ...account, admin: { ...account.admin, id: res.body.id } }, [
      '*',
    ]);
    return { id: res.body.id, key, keyId: id };
  }

  let locationId = '';
  let groupId = '';
  before(async () => {
    const location = await call<{ id: string }>(t, 'POST', '/v1/locations', {
      key: account.key,
      body: { name: 'Depot', timezone: 'America/New_York' },
    });
    assert.equal(location.status, 201, location.raw);
    locationId = location.body.id;
    const group = await call<{ id: string }>(t, 'POST', '/v1/groups', {
      key: account.key,
      body: { code: 'NIGHT', name: 'Night crew' },
    });
    assert.equal(group.status, 201, group.raw);
    groupId = group.body.id;
  });

  test('create invites a manager and returns, once, a one-time link to set a password', async () => {
    const email = freshEmail();
    const res = await invite({
      email: ` ${email.toUpperCase()} `.trim(),
      name: ' Maria Lopez ',
      role: 'manager',
      managedLocationIds: [locationId],
      managedGroupIds: [groupId],
    });
    assert.equal(res.status, 201, res.raw);
    const { invitation, ...user } = res.body;
    assert.match(user.id, /^usr_[0-9A-Z]{26}$/);
    assert.deepEqual(user, {
      id: user.id,
      object: 'user',
      email,
      name: 'Maria Lopez',
      role: 'manager',
      active: true,
      managedLocationIds: [locationId],
      managedGroupIds: [groupId],
      lastSignInAt: null,
      createdAt: t.clock.now().toISOString(),
      updatedAt: t.clock.now().toISOString(),
    });
    assert.ok(invitation);
    const url = new URL(invitation.url);
    assert.equal(`${url.origin}${url.pathname}`, `${t.config.publicUrl}/portal/set-password`);
    assert.equal(
      invitation.expiresAt,
      new Date(t.clock.now().getTime() + INVITATION_LINK_TTL_MS).toISOString(),
    );
    const token = url.searchParams.get('token') ?? '';
    assert.equal((await describePasswordLink(t.app.context, token))?.email, email);

    // Shown once: neither a read nor the event carries the link, and nothing anywhere carries password material.
    const read = await call<User>(t, 'GET', `/v1/users/${user.id}`, { key: account.key });
    assert.equal(read.status, 200, read.raw);
    assert.deepEqual(read.body, user);
    const event = await t.db.db
      .selectFrom('events')
      .select(['type', 'data'])
      .where('type', '=', 'user.created')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(fromDbJson<{ object: User }>(event.data).object, user);
    for (const text of [read.raw, event.data]) {
      assert.ok(!text.includes(token), 'the token is shown only once');
      assert.ok(!/password|scrypt/i.test(text), 'no password material');
    }
  });

  test('create refuses a taken email, a role that cannot be given and objects of no account', async () => {
    const email = freshEmail();
    assert.equal((await invite({ email, name: 'First', role: 'manager' })).status, 201);
    assertApiError(
      await invite({ email: email.toUpperCase(), name: 'Again', role: 'manager' }),
      409,
      'email_taken',
      {
        param: 'email',
      },
    );
    assertApiError(
      await invite({ email: freshEmail(), name: 'Worker', role: 'employee' }),
      400,
      'parameter_invalid',
      {
        param: 'role',
      },
    );
    assertApiError(
      await invite({ email: 'not-an-email', name: 'X', role: 'manager' }),
      400,
      'parameter_invalid',
      {
        param: 'email',
      },
    );
    assertApiError(
      await invite({ email: freshEmail(), name: '   ', role: 'manager' }),
      400,
      'parameter_invalid',
      {
        param: 'name',
      },
    );
    assertApiError(
      await invite({
        email: freshEmail(),
        name: 'X',
        role: 'manager',
        managedLocationIds: ['loc_01JD2X6Y3Z4A5B6C7D8E9F0G1H'],
      }),
      404,
      'resource_not_found',
      { param: 'managedLocationIds' },
    );
    assertApiError(
      await invite({ email: freshEmail(), name: 'X', role: 'manager', managedGroupIds: [locationId] }),
      400,
      'parameter_invalid',
      { param: 'managedGroupIds.0' },
    );
  });

  test('PATCH changes name, role and managed sets, with user.updated and user.role_changed', async () => {
    const created = await invite({ email: freshEmail(), name: 'Sam', role: 'administrator' });
    const before = await eventTypes();
    t.clock.advance(60_000);
    const res = await patch(created.body.id, {
      name: 'Samantha',
      role: 'manager',
      managedLocationIds: [locationId],
    });
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.name, 'Samantha');
    assert.equal(res.body.role, 'manager');
    assert.deepEqual(res.body.managedLocationIds, [locationId]);
    assert.deepEqual(res.body.managedGroupIds, []);
    assert.equal(res.body.updatedAt, t.clock.now().toISOString());
    assert.deepEqual((await eventTypes()).slice(before.length), ['user.updated', 'user.role_changed']);

    const cleared = await patch(created.body.id, { managedLocationIds: [] });
    assert.deepEqual(cleared.body.managedLocationIds, []);
    assertApiError(await patch(created.body.id, { role: 'employee' }), 400, 'parameter_invalid', {
      param: 'role',
    });
    assertApiError(await patch(created.body.id, {}), 400, 'parameter_invalid');
  });

  test('deactivating a key owner makes the key answer 401 api_key_owner_inactive at once; reactivating restores it', async () => {
    const second = await secondAdministrator();
    assert.equal((await apiKey(second.key)).status, 200);

    const deactivated = await action(second.id, 'deactivate');
    assert.equal(deactivated.status, 200, deactivated.raw);
    assert.equal(deactivated.body.active, false);
    assertApiError(await apiKey(second.key), 401, 'api_key_owner_inactive');

    const again = await action(second.id, 'deactivate');
    assert.equal(again.status, 200, again.raw);
    assert.equal(again.body.updatedAt, deactivated.body.updatedAt, 'nothing changed');

    const reactivated = await action(second.id, 'reactivate');
    assert.equal(reactivated.status, 200, reactivated.raw);
    assert.equal(reactivated.body.active, true);
    assert.equal((await apiKey(second.key)).status, 200);

    const demoted = await patch(second.id, { role: 'manager' });
    assert.equal(demoted.status, 200, demoted.raw);
    assertApiError(await apiKey(second.key), 401, 'api_key_owner_inactive');
    assert.equal((await patch(second.id, { role: 'administrator' })).status, 200);
    assert.equal((await apiKey(second.key)).status, 200);
  });

  test('a disposition reassigns the keys to another active administrator, or revokes them, with their events', async () => {
    const second = await secondAdministrator();
    const before = await eventTypes();
    const res = await action(second.id, 'deactivate', {
      apiKeys: { action: 'reassign', to: account.admin.id },
    });
    assert.equal(res.status, 200, res.raw);
    const reassigned = await apiKey(second.key);
    assert.equal(reassigned.status, 200, reassigned.raw);
    assert.equal(reassigned.body.createdBy, account.admin.id);
    assert.deepEqual((await eventTypes()).slice(before.length), [
      'user.updated',
      'user.deactivated',
      'api_key.reassigned',
    ]);

    const third = await secondAdministrator();
    const demoted = await patch(third.id, { role: 'manager', apiKeys: { action: 'revoke' } });
    assert.equal(demoted.status, 200, demoted.raw);
    assertApiError(await apiKey(third.key), 401, 'api_key_revoked');
  });

  test('a key of someone deactivated earlier is reassigned by deactivating them again with a disposition', async () => {
    const second = await secondAdministrator();
    assert.equal((await action(second.id, 'deactivate')).status, 200);
    assertApiError(await apiKey(second.key), 401, 'api_key_owner_inactive');
    const res = await action(second.id, 'deactivate', {
      apiKeys: { action: 'reassign', to: account.admin.id },
    });
    assert.equal(res.status, 200, res.raw);
    assert.equal((await apiKey(second.key)).status, 200);
  });

  test('a disposition must name an active administrator of the account, and only with reassign', async () => {
    const second = await secondAdministrator();
    const manager = await invite({ email: freshEmail(), name: 'Manager', role: 'manager' });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ action: 'reassign' }, 400, 'parameter_invalid'],
      [{ action: 'revoke', to: account.admin.id }, 400, 'parameter_invalid'],
      [{ action: 'reassign', to: manager.body.id }, 400, 'parameter_invalid'],
      [{ action: 'reassign', to: second.id }, 400, 'parameter_invalid'],
      [{ action: 'reassign', to: 'usr_01JD2X6Y3Z4A5B6C7D8E9F0G1H' }, 404, 'resource_not_found'],
    ];
    for (const [apiKeys, status, code] of cases) {
      const res = await action(second.id, 'deactivate', { apiKeys });
      assertApiError(res, status, code as 'parameter_invalid', { param: 'apiKeys.to' });
    }
    // Refused as a whole: the user is still active and their key still works.
    assert.equal((await apiKey(second.key)).status, 200);
    assertApiError(
      await action(second.id, 'deactivate', { apiKeys: { action: 'give-away' } }),
      400,
      'parameter_invalid',
      { param: 'apiKeys.action' },
    );
  });

  test('the last active administrator cannot be deactivated or demoted (409 last_administrator)', async () => {
    // An account of its own, whose one administrator owns the key that asks.
    const lone = await createTestAccount(t);
    assertApiError(await action(lone.admin.id, 'deactivate', undefined, lone.key), 409, 'last_administrator');
    assertApiError(await patch(lone.admin.id, { role: 'manager' }, lone.key), 409, 'last_administrator');
    assert.equal((await apiKey(lone.key)).status, 200);
  });

  test('list filters by role and active', async () => {
    const manager = await invite({ email: freshEmail(), name: 'Listed Manager', role: 'manager' });
    await action(manager.body.id, 'deactivate');
    const managers = await call<List<User>>(t, 'GET', '/v1/users?role=manager&limit=100', {
      key: account.key,
    });
    assert.equal(managers.status, 200, managers.raw);
    assert.ok(managers.body.data.length > 0);
    assert.ok(managers.body.data.every((user) => user.role === 'manager'));
    const inactive = await call<List<User>>(t, 'GET', '/v1/users?active=false&limit=100', {
      key: account.key,
    });
    assert.ok(inactive.body.data.some((user) => user.id === manager.body.id));
    assert.ok(inactive.body.data.every((user) => !user.active));
    assertApiError(
      await call(t, 'GET', '/v1/users?role=owner', { key: account.key }),
      400,
      'parameter_invalid',
      { param: 'role' },
    );
  });

  test('field restrictions project users like any resource, and a restricted key never sees the invitation', async () => {
    const { key } = await createTestKey(t, account, ['users:read', 'users:write'], {
      fieldRestrictions: { users: ['email', 'name', 'role'] },
    });
    const email = freshEmail();
    const res = await invite({ email, name: 'Restricted', role: 'manager' }, key);
    assert.equal(res.status, 201, res.raw);
    assert.deepEqual(res.body, {
      id: res.body.id,
      object: 'user',
      email,
      name: 'Restricted',
      role: 'manager',
    });
    assertApiError(await patch(res.body.id, { managedLocationIds: [] }, key), 403, 'field_not_permitted', {
      param: 'managedLocationIds',
    });
    assertApiError(await call(t, 'GET', '/v1/users?active=true', { key }), 403, 'field_not_permitted', {
      param: 'active',
    });
  });

  test('the events feed shows user events to keys that may read users', async () => {
    const { key } = await createTestKey(t, account, ['events:read']);
    const { key: withUsers } = await createTestKey(t, account, ['events:read', 'users:read']);
    const feed = (k: string) =>
      call<List<{ type: string }>>(t, 'GET', '/v1/events?type=user.created&limit=100', { key: k });
    assertApiError(await feed(key), 403, 'missing_scope');
    const readable = await feed(withUsers);
    assert.equal(readable.status, 200, readable.raw);
    assert.ok(readable.body.data.length > 0);
  });

  test('the document says deactivate takes an optional body, and PATCH a required one', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { requestBody?: { required?: boolean } }>>;
    };
    assert.equal(document.paths['/v1/users/{id}/deactivate']?.post?.requestBody?.required, false);
    assert.equal(document.paths['/v1/users/{id}']?.patch?.requestBody?.required, true);
  });

  test('an employee-role user from before roles could be given reads as such and can be given a role', async () => {
    const legacy = await addUser(t, account, 'employee');
    const read = await call<User>(t, 'GET', `/v1/users/${legacy.admin.id}`, { key: account.key });
    assert.equal(read.body.role, 'employee');
    const promoted = await patch(legacy.admin.id, { role: 'manager' });
    assert.equal(promoted.body.role, 'manager');
  });
});

for (const dialect of DIALECTS) {
  describeListContract(dialect, {
    path: '/v1/users',
    // The account's own administrator came first: the contract reads the managers it creates.
    query: 'role=manager',
    create: async (t, account, index) => {
      const res = await call<User>(t, 'POST', '/v1/users', {
        key: account.key,
        body: {
          email: `listed${index}.${Date.now()}.${dialect}@users-list.test`,
          name: `Listed ${index}`,
          role: 'manager',
        },
      });
      assert.equal(res.status, 201, res.raw);
      return res.body.id;
    },
    touch: async (t, account, id) => {
      const res = await call(t, 'PATCH', `/v1/users/${id}`, { key: account.key, body: { name: 'Touched' } });
      assert.equal(res.status, 200, res.raw);
    },
  });
}
