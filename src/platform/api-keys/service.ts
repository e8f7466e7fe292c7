import { toDbJson } from '../../db/columns.js';
import type { ApiKeyRow } from '../../db/tables.js';
import { newId } from '../../shared/ids.js';
import { PLAN_LIMITS } from '../accounts/plans.js';
import { findAccount, lockAccount, pinApiVersionIfUnset } from '../accounts/repository.js';
import type { ServiceContext } from '../context.js';
import { ALWAYS_VISIBLE_FIELDS, type FieldRestrictions, FULL_ACCESS } from '../descriptors/permissions.js';
import type { ResourceRegistry } from '../descriptors/registry.js';
import { ApiError, notFound } from '../errors/api-error.js';
import { findUser } from '../users/repository.js';
import { LATEST_API_VERSION } from '../versioning/versions.js';
import { domainEvent } from '../webhooks/change-events.js';
import { recordChange } from '../webhooks/outbox.js';
import { displayPrefixOf, generateApiKey, hashApiKey, last4Of } from './format.js';
import {
  type ApiKeyObject,
  keyStatus,
  type ListedApiKey,
  ownerLetsKeyWork,
  toApiKeyObject,
} from './key-row.js';
import * as repo from './repository.js';
import { API_KEYS } from './resource.js';

export interface CreateApiKeyInput {
  name: string;
  scopes: readonly string[];
  fieldRestrictions?: FieldRestrictions | null | undefined;
  expiresAt?: string | null | undefined;
  rateLimitPerMinute?: number | null | undefined;
  /** The administrator creating the key; null when the operator issues it. */
  createdBy: string | null;
}

export const DEFAULT_ROLL_GRACE_SECONDS = 24 * 3600;
export const MAX_ROLL_GRACE_SECONDS = 7 * 24 * 3600;
const MAX_RATE_LIMIT_PER_MINUTE = 100_000;

function normalizeScopes(resources: ResourceRegistry, scopes: readonly string[]): string[] {
  if (scopes.length === 0) {
    throw new ApiError('parameter_invalid', 'A key needs at least one scope (or "*" for full access).', {
      param: 'scopes',
    });
  }
  for (const scope of scopes) {
    if (scope !== FULL_ACCESS && !resources.isScope(scope)) {
      throw new ApiError(
        'parameter_invalid',
        `Unknown scope "${scope}". Scopes look like "employees:read".`,
        {
          param: 'scopes',
        },
      );
    }
  }
  return scopes.includes(FULL_ACCESS) ? [FULL_ACCESS] : [...new Set(scopes)].sort();
}

function normalizeFieldRestrictions(
  resources: ResourceRegistry,
  input: FieldRestrictions | null | undefined,
): FieldRestrictions | null {
  if (!input || Object.keys(input).length === 0) return null;
  const out: FieldRestrictions = {};
  for (const [resource, fields] of Object.entries(input)) {
    const param = `fieldRestrictions.${resource}`;
    const known = resources.restrictableFields(resource);
    if (!known) {
      throw new ApiError('parameter_invalid', `Field restrictions are not available for "${resource}".`, {
        param,
      });
    }
    if (!Array.isArray(fields) || fields.length === 0) {
      throw new ApiError('parameter_invalid', `List at least one field of ${resource}.`, { param });
    }
    for (const field of fields) {
      if (ALWAYS_VISIBLE_FIELDS.has(field)) continue;
      if (!known.includes(field)) {
        throw new ApiError(
          'parameter_invalid',
          `${resource} has no field "${field}". Known: ${known.join(', ')}.`,
          {
            param,
          },
        );
      }
    }
    out[resource] = [...new Set(fields.filter((f) => !ALWAYS_VISIBLE_FIELDS.has(f)))];
  }
  return out;
}

function normalizeExpiry(expiresAt: string | null | undefined, now: Date): string | null {
  if (expiresAt === null || expiresAt === undefined) return null;
  const time = Date.parse(expiresAt);
  if (Number.isNaN(time)) {
    throw new ApiError('parameter_invalid', 'expiresAt must be an ISO-8601 date-time.', {
      param: 'expiresAt',
    });
  }
  if (time <= now.getTime()) {
    throw new ApiError('parameter_invalid', 'expiresAt must be in the future.', { param: 'expiresAt' });
  }
  return new Date(time).toISOString();
}

function normalizeRateLimit(value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_RATE_LIMIT_PER_MINUTE) {
    throw new ApiError(
      'parameter_invalid',
      `rateLimitPerMinute must be an integer from 1 to ${MAX_RATE_LIMIT_PER_MINUTE}.`,
      {
        param: 'rateLimitPerMinute',
      },
    );
  }
  return value;
}

function normalizeName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100) {
    throw new ApiError('parameter_invalid', 'A key name has 1 to 100 characters.', { param: 'name' });
  }
  return trimmed;
}

/** Only an active administrator of the account may own (create, roll, revoke) keys. */
async function assertAdministrator(
  ctx: ServiceContext,
  accountId: string,
  userId: string | null,
): Promise<void> {
  if (userId === null) return;
  const user = await findUser(ctx.database.db, accountId, userId);
  if (user?.active !== 1 || user.role !== 'administrator') {
    throw new ApiError(
      'administrator_required',
      'Only an active administrator of the account can manage API keys.',
    );
  }
}

/** Creates a key; the returned `key` is the only time the full key exists outside the caller's hands. */
export async function createApiKey(
  ctx: ServiceContext,
  accountId: string,
  input: CreateApiKeyInput,
): Promise<{ object: ApiKeyObject; key: string }> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const name = normalizeName(input.name);
  const scopes = normalizeScopes(ctx.resources, input.scopes);
  const fieldRestrictions = normalizeFieldRestrictions(ctx.resources, input.fieldRestrictions);
  const expiresAt = normalizeExpiry(input.expiresAt, now);
  const rateLimitPerMinute = normalizeRateLimit(input.rateLimitPerMinute);

  const key = generateApiKey();
  const row: ApiKeyRow = {
    id: newId(API_KEYS),
    account_id: accountId,
    name,
    key_hash: hashApiKey(key),
    display_prefix: displayPrefixOf(key),
    last4: last4Of(key),
    scopes: toDbJson(scopes),
    field_restrictions: fieldRestrictions ? toDbJson(fieldRestrictions) : null,
    expires_at: expiresAt,
    rate_limit_per_minute: rateLimitPerMinute,
    created_by: input.createdBy,
    revoked_at: null,
    rolled_to: null,
    last_used_at: null,
    created_at: nowIso,
    updated_at: nowIso,
  };

  const object = toApiKeyObject(row, now);
  await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    // The trial plan's one active key: counting keys and adding one must not interleave with another creation.
    await lockAccount(trx, accountId);
    const account = await findAccount(trx, accountId);
    if (!account) throw notFound('Account', accountId, 'account');
    await assertAdministrator({ ...ctx, database: { ...ctx.database, db: trx } }, accountId, input.createdBy);
    const limit = PLAN_LIMITS[account.plan].maxActiveKeys;
    if (limit !== null && (await repo.countActiveKeys(trx, accountId, nowIso)) >= limit) {
      throw new ApiError(
        'active_key_limit',
        `The ${account.plan} plan allows ${limit} active API key${limit === 1 ? '' : 's'}. Revoke one or upgrade the plan.`,
      );
    }
    await repo.insertApiKey(trx, row);
    await pinApiVersionIfUnset(trx, accountId, LATEST_API_VERSION, nowIso);
    return { result: undefined, events: [domainEvent(API_KEYS, 'created', object)] };
  });
  return { object, key };
}

/**
 * The account's keys, newest first, each with `ownerActive`: whether its owner lets it work, so the portal and the
 * CLI can say why an active key answers 401 `api_key_owner_inactive`.
 */
export async function listApiKeys(ctx: ServiceContext, accountId: string): Promise<ListedApiKey[]> {
  const now = ctx.clock.now();
  return (await repo.listApiKeys(ctx.database.db, accountId)).map(({ owner_active, owner_role, ...row }) => ({
    ...toApiKeyObject(row, now),
    ownerActive: ownerLetsKeyWork(row.created_by, { active: owner_active, role: owner_role }),
  }));
}

async function loadKey(ctx: ServiceContext, accountId: string, keyId: string): Promise<ApiKeyRow> {
  const row = await repo.findApiKey(ctx.database.db, accountId, keyId);
  if (!row) throw notFound('API key', keyId);
  return row;
}

export async function getApiKey(
  ctx: ServiceContext,
  accountId: string,
  keyId: string,
): Promise<ApiKeyObject> {
  return toApiKeyObject(await loadKey(ctx, accountId, keyId), ctx.clock.now());
}

/** Revokes one key. Revoking an already revoked key is a no-op (no event) that returns it. */
export async function revokeApiKey(
  ctx: ServiceContext,
  accountId: string,
  keyId: string,
  actor: string | null,
): Promise<ApiKeyObject> {
  await assertAdministrator(ctx, accountId, actor);
  await loadKey(ctx, accountId, keyId);
  const now = ctx.clock.now();
  const revoked = await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    if (!(await repo.revokeApiKey(trx, accountId, keyId, now.toISOString()))) {
      return { result: null, events: [] };
    }
    const row = await repo.findApiKey(trx, accountId, keyId);
    if (!row) throw notFound('API key', keyId);
    const object = toApiKeyObject(row, now);
    return { result: object, events: [domainEvent(API_KEYS, 'revoked', object)] };
  });
  ctx.keyCache.invalidateKey(keyId);
  return revoked ?? getApiKey(ctx, accountId, keyId);
}

/** Revokes every key of the account at once. Cannot be undone. */
export async function revokeAllApiKeys(
  ctx: ServiceContext,
  accountId: string,
  actor: string | null,
): Promise<{ revoked: number }> {
  await assertAdministrator(ctx, accountId, actor);
  const now = ctx.clock.now();
  const revoked = await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    // In id order, so the events come in the order the keys were created whatever order the database returns.
    const rows = (await repo.revokeAllApiKeys(trx, accountId, now.toISOString())).sort((a, b) =>
      a.id.localeCompare(b.id),
    );
    return {
      result: rows.length,
      events: rows.map((row) => domainEvent(API_KEYS, 'revoked', toApiKeyObject(row, now))),
    };
  });
  ctx.keyCache.invalidateAccount(accountId);
  return { revoked };
}

/**
 * Issues a replacement with the same settings and owner; the old key keeps working until the grace expiry
 * (default 24 h, or its own earlier expiry). Events: `api_key.rolled` with the old key (its `replacedBy` names the
 * replacement), then `api_key.created` with the replacement, since a new secret now exists.
 */
export async function rollApiKey(
  ctx: ServiceContext,
  accountId: string,
  keyId: string,
  options: { gracePeriodSeconds?: number | undefined; actor: string | null },
): Promise<{ object: ApiKeyObject; key: string; previous: ApiKeyObject }> {
  const grace = options.gracePeriodSeconds ?? DEFAULT_ROLL_GRACE_SECONDS;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_ROLL_GRACE_SECONDS) {
    throw new ApiError(
      'parameter_invalid',
      `gracePeriodSeconds must be an integer from 0 to ${MAX_ROLL_GRACE_SECONDS}.`,
      {
        param: 'gracePeriodSeconds',
      },
    );
  }
  await assertAdministrator(ctx, accountId, options.actor);
  const old = await loadKey(ctx, accountId, keyId);
  const now = ctx.clock.now();
  if (keyStatus(old, now) !== 'active' || old.rolled_to) {
    throw new ApiError(
      'api_key_not_active',
      `API key ${keyId} is ${old.rolled_to ? 'already rolled' : keyStatus(old, now)}.`,
    );
  }
  const graceEnd = new Date(now.getTime() + grace * 1000).toISOString();
  const oldExpiry = old.expires_at && old.expires_at < graceEnd ? old.expires_at : graceEnd;

  const key = generateApiKey();
  const nowIso = now.toISOString();
  const replacement: ApiKeyRow = {
    ...old,
    id: newId(API_KEYS),
    key_hash: hashApiKey(key),
    display_prefix: displayPrefixOf(key),
    last4: last4Of(key),
    rolled_to: null,
    revoked_at: null,
    last_used_at: null,
    created_at: nowIso,
    updated_at: nowIso,
  };
  const object = toApiKeyObject(replacement, now);
  const previous = await recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    // The check above ran outside the transaction; a concurrent roll or revoke may have won since.
    if (!(await repo.markRolled(trx, accountId, keyId, replacement.id, oldExpiry, nowIso))) {
      throw new ApiError('api_key_not_active', `API key ${keyId} is already rolled or revoked.`);
    }
    await repo.insertApiKey(trx, replacement);
    const rolled = await repo.findApiKey(trx, accountId, keyId);
    if (!rolled) throw notFound('API key', keyId);
    const rolledObject = toApiKeyObject(rolled, now);
    return {
      result: rolledObject,
      events: [domainEvent(API_KEYS, 'rolled', rolledObject), domainEvent(API_KEYS, 'created', object)],
    };
  });
  ctx.keyCache.invalidateKey(keyId);
  return { object, key, previous };
}
