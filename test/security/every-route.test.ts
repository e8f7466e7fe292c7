/**
 * The shared security suite (DESIGN §5): every /v1 operation, on every dialect, refuses each kind of bad
 * credential with the exact status and code, refuses a key without its scope, and hides other accounts' objects.
 * Operations come from the app (see test/helpers/security-suite.ts), so a new route cannot escape the suite.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ulid } from 'ulid';
import { generateApiKey, isWellFormedApiKey } from '../../src/platform/api-keys/format.js';
import { revokeApiKey } from '../../src/platform/api-keys/service.js';
import type { ErrorCode } from '../../src/platform/errors/catalogue.js';
import { RESOURCES } from '../../src/resources/registry.js';
import {
  createTestAccount,
  createTestApp,
  createTestKey,
  deactivateUser,
  disableApiAccess,
  type TestAccount,
  type TestApp,
} from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import {
  addUser,
  assertApiError,
  bearer,
  bodyFor,
  type DocumentedOperation,
  documentedOperations,
  FIXTURE_FACTORIES,
  fillPath,
  fixtureFor,
  PUBLIC_OPERATIONS,
  registeredV1Routes,
  routerPath,
  send,
  withTestApp,
} from '../helpers/security-suite.js';

// The operations are read from a throwaway app so that one test per operation and case can be declared.
const OPERATIONS = await withTestApp('sqlite', async (t) => documentedOperations(t));
const SECURED = OPERATIONS.filter((op) => !op.isPublic);

/** A well-formed `pc_live_` key whose CRC32 checksum is wrong in its last hex digit. */
function withBadChecksum(key: string): string {
  const last = key.at(-1) === '0' ? '1' : '0';
  return key.slice(0, -1) + last;
}

interface World {
  t: TestApp;
  /** The caller's account (enterprise: the highest rate limit). */
  a: TestAccount;
  /** Another account whose objects A must never see. */
  b: TestAccount;
  /** An account whose API access the operator switched off. */
  disabled: TestAccount;
  revokedKey: string;
  /** A key of account A owned by a second administrator who was then deactivated. */
  orphanedKey: string;
  /** Path parameters of one object per resource, per account: the requests of auth cases name real objects. */
  fixturesOfA: Map<string, Record<string, string>>;
  fixturesOfDisabled: Map<string, Record<string, string>>;
}

async function fixturesPerResource(
  t: TestApp,
  authorization: string,
): Promise<Map<string, Record<string, string>>> {
  const fixtures = new Map<string, Record<string, string>>();
  for (const op of SECURED) {
    if (op.pathParams.length === 0 || fixtures.has(op.resourcePath)) continue;
    if (!FIXTURE_FACTORIES[op.resourcePath]) continue; // reported by the coverage test and the op's own tests
    fixtures.set(op.resourcePath, await fixtureFor(t, authorization, op));
  }
  return fixtures;
}

async function buildWorld(t: TestApp): Promise<World> {
  const a = await createTestAccount(t, { plan: 'enterprise', name: 'Caller Co' });
  const b = await createTestAccount(t, { plan: 'enterprise', name: 'Other Co' });
  const disabled = await createTestAccount(t, { plan: 'enterprise', name: 'Switched Off Co' });

  const revoked = await createTestKey(t, a, ['*'], { name: 'Revoked' });
  await revokeApiKey(t.app.context, a.account.id, revoked.id, a.admin.id);

  const secondAdmin = await addUser(t, a, 'administrator');
  const orphaned = await createTestKey(t, secondAdmin, ['*'], { name: 'Owner leaves' });
  await deactivateUser(t, secondAdmin);

  const fixturesOfA = await fixturesPerResource(t, bearer(a.key));
  const fixturesOfDisabled = await fixturesPerResource(t, bearer(disabled.key));
  await disableApiAccess(t, disabled);

  return {
    t,
    a,
    b,
    disabled,
    revokedKey: revoked.key,
    orphanedKey: orphaned.key,
    fixturesOfA,
    fixturesOfDisabled,
  };
}

function ownFixture(
  fixtures: Map<string, Record<string, string>>,
  op: DocumentedOperation,
): Record<string, string> {
  if (op.pathParams.length === 0) return {};
  const params = fixtures.get(op.resourcePath);
  if (!params) throw new Error(`No fixture factory for "${op.resourcePath}" (needed by ${op.label}).`);
  return params;
}

interface AuthCase {
  name: string;
  status: number;
  code: ErrorCode;
  /** Whose objects the request names, and with which Authorization header (undefined = none). */
  prepare(world: World): Promise<{ authorization: string | undefined; account: 'a' | 'disabled' }>;
}

const AUTH_CASES: readonly AuthCase[] = [
  {
    name: 'no Authorization header',
    status: 401,
    code: 'api_key_missing',
    prepare: async () => ({ authorization: undefined, account: 'a' }),
  },
  {
    name: 'a malformed key (Bearer garbage)',
    status: 401,
    code: 'api_key_invalid',
    prepare: async () => ({ authorization: 'Bearer garbage', account: 'a' }),
  },
  {
    name: 'a pc_live_ key with a wrong checksum',
    status: 401,
    code: 'api_key_invalid',
    prepare: async (world) => {
      const key = withBadChecksum(world.a.key);
      assert.equal(isWellFormedApiKey(key), false);
      return { authorization: bearer(key), account: 'a' };
    },
  },
  {
    name: 'an unknown key with a valid checksum',
    status: 401,
    code: 'api_key_invalid',
    prepare: async () => {
      const key = generateApiKey();
      assert.equal(isWellFormedApiKey(key), true);
      return { authorization: bearer(key), account: 'a' };
    },
  },
  {
    name: 'a revoked key',
    status: 401,
    code: 'api_key_revoked',
    prepare: async (world) => ({ authorization: bearer(world.revokedKey), account: 'a' }),
  },
  {
    name: 'an expired key',
    status: 401,
    code: 'api_key_expired',
    prepare: async ({ t, a }) => {
      const expiresAt = new Date(t.clock.now().getTime() + 1000).toISOString();
      const { key } = await createTestKey(t, a, ['*'], { name: 'Short-lived', expiresAt });
      t.clock.advance(1000);
      return { authorization: bearer(key), account: 'a' };
    },
  },
  {
    name: 'a key whose owner was deactivated',
    status: 401,
    code: 'api_key_owner_inactive',
    prepare: async (world) => ({ authorization: bearer(world.orphanedKey), account: 'a' }),
  },
  {
    name: 'a key of an account with API access off',
    status: 403,
    code: 'api_access_disabled',
    prepare: async (world) => ({ authorization: bearer(world.disabled.key), account: 'disabled' }),
  },
];

for (const dialect of DIALECTS) {
  describe(`security suite (${dialect})`, () => {
    let world: World;

    before(async () => {
      world = await buildWorld(await createTestApp(dialect));
    });
    after(async () => {
      await world?.t.close();
    });
    // Each case starts a fresh minute, so the suite stays clear of rate limits however many routes there are.
    beforeEach(() => {
      world?.t.clock.advance(61_000);
    });

    test('the OpenAPI document lists exactly the routes of the router', () => {
      const documented = documentedOperations(world.t).map((op) => op.label);
      assert.deepEqual(
        documented,
        OPERATIONS.map((op) => op.label),
      );
      const routed = registeredV1Routes(world.t);
      // Sanity check of the route-table parser against routes known to exist.
      assert.ok(routed.includes('GET /v1/employees/{id}'), routed.join('\n'));
      assert.ok(routed.includes('GET /v1/versions'), routed.join('\n'));
      assert.deepEqual(documented, routed);
      for (const op of OPERATIONS) {
        assert.equal(world.t.app.hasRoute({ method: op.method, url: routerPath(op.path) }), true, op.label);
      }
    });

    test('every secured operation declares a valid x-required-scope; only the allowed ones are public', () => {
      const publicLabels = OPERATIONS.filter((op) => op.isPublic).map((op) => op.label);
      assert.deepEqual(publicLabels, [...PUBLIC_OPERATIONS].sort());
      for (const op of OPERATIONS) {
        if (op.isPublic) {
          assert.equal(op.scope, undefined, `${op.label} is public but declares x-required-scope`);
        } else {
          assert.notEqual(op.scope, undefined, `${op.label} has no x-required-scope`);
          if (op.scope !== null)
            assert.equal(RESOURCES.isScope(op.scope as string), true, `${op.label}: ${op.scope}`);
        }
      }
    });

    test('every route with path parameters has a fixture factory', () => {
      const missing = SECURED.filter((op) => op.pathParams.length > 0 && !FIXTURE_FACTORIES[op.resourcePath]);
      assert.deepEqual(
        missing.map((op) => op.label),
        [],
        "add a fixture.ts to the resource's test folder (see test/helpers/fixtures.ts)",
      );
    });

    for (const op of OPERATIONS.filter((o) => o.isPublic)) {
      test(`${op.label}: works without a key`, async () => {
        const response = await send(world.t, op.method, fillPath(op.path, {}));
        assert.equal(response.status, 200, response.raw);
        assert.match(String(response.headers['x-request-id']), /^req_/);
      });
    }

    for (const op of SECURED) {
      describe(op.label, () => {
        test('control: a key holding only the required scope succeeds', async () => {
          const { t, a } = world;
          // `null` means any valid key: give it one scope that has nothing to do with the route.
          const scopes = op.scope === null ? ['events:read'] : [op.scope as string];
          const { key } = await createTestKey(t, a, scopes, { name: `Only ${scopes[0]}` });
          const params = await fixtureFor(t, bearer(a.key), op);
          const response = await send(t, op.method, fillPath(op.path, params), {
            authorization: bearer(key),
            body: await bodyFor(t, bearer(a.key), op),
          });
          assert.ok(response.status >= 200 && response.status < 300, `${response.status} ${response.raw}`);
        });

        for (const authCase of AUTH_CASES) {
          test(`${authCase.name} → ${authCase.status} ${authCase.code}`, async () => {
            const { t } = world;
            const { authorization, account } = await authCase.prepare(world);
            const fixtures = account === 'a' ? world.fixturesOfA : world.fixturesOfDisabled;
            const response = await send(t, op.method, fillPath(op.path, ownFixture(fixtures, op)), {
              authorization,
              body: await bodyFor(t, bearer(world.a.key), op),
            });
            assertApiError(response, authCase.status, authCase.code);
            if (authCase.status === 401) {
              assert.equal(response.headers['www-authenticate'], 'Bearer realm="punchclock"');
            }
            const token = authorization?.replace(/^Bearer /, '');
            if (token) assert.equal(response.raw.includes(token), false, 'the key must not be echoed');
          });
        }

        if (op.scope !== null) {
          test(`a key with every scope but ${op.scope} → 403 missing_scope`, async () => {
            const { t, a } = world;
            const scopes = RESOURCES.grantableScopes.filter((scope) => scope !== op.scope);
            assert.equal(scopes.length, RESOURCES.grantableScopes.length - 1);
            const { key } = await createTestKey(t, a, scopes, { name: 'All but one' });
            const response = await send(t, op.method, fillPath(op.path, ownFixture(world.fixturesOfA, op)), {
              authorization: bearer(key),
              body: await bodyFor(t, bearer(a.key), op),
            });
            assertApiError(response, 403, 'missing_scope', { messageIncludes: `"${op.scope}"` });
          });
        }

        if (op.pathParams.length > 0) {
          test("another account's id → 404 resource_not_found, and the object is untouched", async () => {
            const { t, a, b } = world;
            const theirs = await fixtureFor(t, bearer(b.key), op);
            const readPath = `${op.resourcePath}/{${op.pathParams[0]}}`;
            const readable = OPERATIONS.some((o) => o.method === 'GET' && o.path === readPath);
            const before = readable
              ? await send(t, 'GET', fillPath(readPath, theirs), { authorization: bearer(b.key) })
              : undefined;

            const response = await send(t, op.method, fillPath(op.path, theirs), {
              authorization: bearer(a.key),
              body: await bodyFor(t, bearer(a.key), op),
            });
            const error = assertApiError(response, 404, 'resource_not_found');

            // Never reveal existence: an id that exists nowhere gets the same answer, word for word.
            const nowhere = Object.fromEntries(
              Object.entries(theirs).map(([name, value]) => [name, value.replace(/[0-9A-Z]{26}$/, ulid())]),
            );
            const missing = await send(t, op.method, fillPath(op.path, nowhere), {
              authorization: bearer(a.key),
              body: await bodyFor(t, bearer(a.key), op),
            });
            const missingError = assertApiError(missing, 404, 'resource_not_found');
            let expectedMessage = missingError.message;
            for (const [name, value] of Object.entries(nowhere)) {
              expectedMessage = expectedMessage.replaceAll(value, theirs[name] as string);
            }
            assert.equal(error.message, expectedMessage);
            assert.equal(error.param, missingError.param);

            if (before) {
              assert.equal(before.status, 200, before.raw);
              const afterwards = await send(t, 'GET', fillPath(readPath, theirs), {
                authorization: bearer(b.key),
              });
              assert.equal(afterwards.status, 200, afterwards.raw);
              assert.deepEqual(afterwards.body, before.body);
            }
          });
        }
      });
    }
  });
}
