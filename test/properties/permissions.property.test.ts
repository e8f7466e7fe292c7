/**
 * The permission property (issue 11, "Proof in the repo"): what a key may read is the same on every channel.
 *
 * A random key — a random subset of every grantable scope (from the descriptors) or `*`, times random field
 * restrictions (random non-empty subsets of each restrictable scope's fields, from the descriptors) — pinned to a
 * random API version, in an account of its own, is run against:
 * - every /v1 operation of the OpenAPI document, on real objects made by the resources' fixture factories: an
 *   operation whose scope the key lacks is 403 missing_scope, a write touching a field outside its restriction is
 *   403 field_not_permitted, and no response reveals more than the key may read (write responses included);
 * - idempotent replays: the account's full-access key writes with an Idempotency-Key, the random key replays it and
 *   must get exactly the model's projection of the first response (or the refusal its scopes call for);
 * - list filters: each filter (and `updatedSince`) on a field the key may not read is 403 field_not_permitted;
 * - search: a unique marker planted in each searchable field is found by the key exactly when it may read the field;
 * - the events feed, `GET /v1/events/{id}` and `?type=` filters: only events of resources the key may read, projected;
 * - webhook payloads of endpoints the key created: only events it may read (and subscribing to others is 403
 *   missing_scope), every payload projected through its permissions.
 * The oracle (permission-oracle.ts) is computed from the descriptors, never from the product's projection code.
 * test/platform/permissions/channels.test.ts holds the five leaks of the issue as examples; this generalises them.
 * Exports: the document has no export operation (every 2xx is JSON, checked below), so there is none to test.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { ResourceDescriptor } from '../../src/platform/descriptors/descriptor.js';
import type { ErrorCode } from '../../src/platform/errors/catalogue.js';
import { SUPPORTED_API_VERSIONS } from '../../src/platform/versioning/versions.js';
import { RESOURCES } from '../../src/resources/registry.js';
import {
  type ApiResponse,
  createTestAccount,
  createTestApp,
  createTestKey,
  type TestApp,
} from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { assertApiError, bearer, bodyFor, fillPath, fixtureFor, send } from '../helpers/security-suite.js';
import {
  eventVisible,
  holds,
  type KeyModel,
  leaks,
  mayReadField,
  mayReadResource,
  projectForKey,
  writeRestriction,
} from './permission-oracle.js';
import {
  API,
  type ApiOperation,
  drainWebhooks,
  freshObjectId,
  idPrefixOf,
  PROPERTY_RATE_LIMITS,
  PROPERTY_SEED,
  propertyRuns,
  RecordingWebhookSender,
  type SchemaNode,
  withQuery,
} from './support.js';

type Json = Record<string, unknown>;

/** Keys per dialect in `npm test` (each in an account of its own, against every operation and channel). */
const RUNS = propertyRuns(10);

/** A public IP literal: the SSRF check accepts it without DNS, and the recording sender never sends. */
const WEBHOOK_BASE = 'https://93.184.215.14/property';

const PAGING = new Set(['limit', 'startingAfter', 'endingBefore', 'include']);

// ---------------------------------------------------------------------------------------------------------------
// The random keys, from the descriptors.

const RESTRICTABLE: readonly { scope: string; fields: readonly string[] }[] = RESOURCES.scopes.flatMap(
  (scope) => {
    const fields = RESOURCES.restrictableFields(scope.name);
    return fields ? [{ scope: scope.name, fields }] : [];
  },
);

const scopesArbitrary: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<string[]>(['*']) },
  { weight: 6, arbitrary: fc.subarray([...RESOURCES.grantableScopes], { minLength: 1 }) },
);

const restrictionsArbitrary: fc.Arbitrary<Record<string, string[]> | null> = fc
  .tuple(
    ...RESTRICTABLE.map(({ scope, fields }) =>
      fc.option(
        fc.subarray([...fields], { minLength: 1 }).map((chosen) => [scope, chosen] as const),
        { nil: undefined, freq: 2 },
      ),
    ),
  )
  .map((entries) => {
    const chosen = entries.filter((entry) => entry !== undefined);
    return chosen.length > 0 ? Object.fromEntries(chosen) : null;
  });

const keyArbitrary: fc.Arbitrary<KeyModel> = fc.record({
  scopes: scopesArbitrary,
  fieldRestrictions: restrictionsArbitrary,
});

const EVENT_TYPES = RESOURCES.events.map((event) => event.type);

/**
 * Besides the random keys, four that each channel must get exactly right (issue 11's leaks, generalised); between
 * them every operation is called with its scope and refused without it, whatever the random keys turn out to be.
 */
const EXAMPLE_KEYS: readonly KeyModel[] = [
  { scopes: ['*'], fieldRestrictions: null },
  // Write-only: write responses and replays are receipts; no read, no feed, no webhook endpoint.
  {
    scopes: RESOURCES.grantableScopes.filter(
      (scope) => scope.endsWith(':write') && !scope.startsWith('webhooks:'),
    ),
    fieldRestrictions: null,
  },
  // The side doors: the feed and webhook endpoints of a key that may read no resource of the workforce.
  { scopes: ['events:read', 'webhooks:read', 'webhooks:write'], fieldRestrictions: null },
  // Everything, each restrictable scope limited to its first field: every channel projects.
  {
    scopes: ['*'],
    fieldRestrictions: Object.fromEntries(
      RESTRICTABLE.map(({ scope, fields }) => [scope, fields.slice(0, 1)]),
    ),
  },
];

// ---------------------------------------------------------------------------------------------------------------
// What one run checks.

/** Counts over all runs, so a property that checks nothing fails instead of passing. */
interface Coverage {
  success: Map<string, number>;
  refused: Map<string, number>;
  replays: number;
  filtersRefused: number;
  searchHits: number;
  searchMisses: number;
  feedEvents: number;
  webhookPayloads: number;
  restrictedPayloads: number;
}

function newCoverage(): Coverage {
  return {
    success: new Map(),
    refused: new Map(),
    replays: 0,
    filtersRefused: 0,
    searchHits: 0,
    searchMisses: 0,
    feedEvents: 0,
    webhookPayloads: 0,
    restrictedPayloads: 0,
  };
}

function bump(map: Map<string, number>, label: string): void {
  map.set(label, (map.get(label) ?? 0) + 1);
}

let runCounter = 0;

class Run {
  readonly findings: string[] = [];
  readonly name = `r${++runCounter}-${randomBytes(3).toString('hex')}`;
  /** Every endpoint the random key creates has a URL under this, so its payloads can be told apart. */
  readonly keyHooks = `${WEBHOOK_BASE}/${this.name}/key/`;
  readonly #shared = new Map<string, Promise<Record<string, string>>>();
  readonly #ids = new Map<string, Promise<string>>();
  #urls = 0;
  admin = '';
  key = '';

  constructor(
    readonly t: TestApp,
    readonly model: KeyModel,
    readonly version: string,
    readonly coverage: Coverage,
  ) {}

  get headers(): Record<string, string> {
    return { 'x-api-version': this.version };
  }

  /** One object per resource for the reads: made once per run by the admin. */
  sharedFixture(operation: ApiOperation): Promise<Record<string, string>> {
    if (operation.pathParams.length === 0) return Promise.resolve({});
    let made = this.#shared.get(operation.resourcePath);
    if (!made) {
      made = fixtureFor(this.t, this.admin, operation);
      this.#shared.set(operation.resourcePath, made);
    }
    return made;
  }

  /** An id of this kind in the run's account, for filters. */
  idOf(prefix: string): Promise<string> {
    let made = this.#ids.get(prefix);
    if (!made) {
      made = freshObjectId(this.t, this.admin, prefix);
      this.#ids.set(prefix, made);
    }
    return made;
  }

  /** The body the admin's fixture factory gives, its `url` (webhook endpoints) moved under this run's URLs. */
  async body(operation: ApiOperation, owner: 'key' | 'admin'): Promise<unknown> {
    const body = await bodyFor(this.t, this.admin, operation);
    if (typeof body !== 'object' || body === null || typeof (body as Json).url !== 'string') return body;
    const base = owner === 'key' ? this.keyHooks : `${WEBHOOK_BASE}/${this.name}/admin/`;
    return { ...(body as Json), url: `${base}${++this.#urls}` };
  }

  leak(
    value: unknown,
    where: string,
    options: { envelope?: boolean; operationScope?: string | null | undefined } = {},
  ): void {
    this.findings.push(...leaks(this.model, value, where, options));
  }

  expectError(
    response: ApiResponse,
    where: string,
    status: number,
    code: ErrorCode,
    expected: { param?: string; messageIncludes?: string } = {},
  ): void {
    try {
      assertApiError(response, status, code, expected);
    } catch (error) {
      const why = (error instanceof Error ? error.message.split('\n')[0] : String(error))?.slice(0, 120);
      this.findings.push(`${where}: expected ${status} ${code} (${why}), got ${response.raw.slice(0, 300)}`);
    }
  }

  /** What the key should get for this request before anything else: a refusal for its scopes, or null. */
  refusal(
    operation: ApiOperation,
    body: unknown,
  ): { code: ErrorCode; param?: string; message?: string } | null {
    if (operation.scope && !holds(this.model, operation.scope)) {
      return { code: 'missing_scope', message: operation.scope };
    }
    const restriction = writeRestriction(this.model, operation.scope);
    if (restriction && typeof body === 'object' && body !== null) {
      const outside = Object.keys(body).filter((field) => !restriction.includes(field));
      if (outside.length > 0) return { code: 'field_not_permitted' };
    }
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The channels.

/** The key's webhook endpoints, made before any other write of the run so they are sent every later event. */
async function createKeyEndpoints(run: Run, subscription: readonly string[]): Promise<string | null> {
  const { t, model } = run;
  if (!holds(model, 'webhooks:write')) return null;
  const chosen = await send(t, 'POST', '/v1/webhook-endpoints', {
    authorization: run.key,
    body: { url: `${run.keyHooks}chosen`, enabledEvents: subscription },
    headers: run.headers,
  });
  const unreadable = subscription.filter((type) => !eventVisible(model, type));
  if (unreadable.length > 0) {
    run.expectError(chosen, `subscribing to ${unreadable.join(', ')}`, 403, 'missing_scope', {
      param: 'enabledEvents',
    });
  } else if (chosen.status !== 201) {
    run.findings.push(`subscribing to ${subscription.join(', ')}: ${chosen.status} ${chosen.raw}`);
  }
  run.leak(chosen.body, 'POST /v1/webhook-endpoints (chosen events)', { operationScope: 'webhooks:write' });

  // The admin's endpoint, its URL then changed by the key: from then on it records the key's permissions.
  const made = await send(t, 'POST', '/v1/webhook-endpoints', {
    authorization: run.admin,
    body: { url: `${WEBHOOK_BASE}/${run.name}/admin/taken`, enabledEvents: subscription },
  });
  assert.equal(made.status, 201, made.raw);
  const taken = await send(t, 'PATCH', `/v1/webhook-endpoints/${made.body.id}`, {
    authorization: run.key,
    body: { url: `${run.keyHooks}taken` },
    headers: run.headers,
  });
  const takeOver = `pointing the admin's endpoint for ${subscription.join(', ')} elsewhere`;
  if (unreadable.length > 0) run.expectError(taken, takeOver, 403, 'missing_scope');
  else if (taken.status !== 200) run.findings.push(`${takeOver}: ${taken.status} ${taken.raw}`);
  run.leak(taken.body, takeOver, { operationScope: 'webhooks:write' });

  const everything = await send(t, 'POST', '/v1/webhook-endpoints', {
    authorization: run.key,
    body: { url: `${run.keyHooks}everything`, enabledEvents: ['*'] },
    headers: run.headers,
  });
  if (everything.status !== 201) {
    run.findings.push(`an endpoint for ["*"]: ${everything.status} ${everything.raw}`);
    return null;
  }
  run.leak(everything.body, 'POST /v1/webhook-endpoints (every event)', { operationScope: 'webhooks:write' });
  return everything.body.id as string;
}

/** One searchable field of one resource holding a marker no other value contains. */
interface Marker {
  readonly listPath: string;
  readonly resource: ResourceDescriptor;
  readonly field: string;
  readonly text: string;
  readonly id: string;
}

/** A value the body schema accepts for the field, containing `text`. */
function markerValue(schema: SchemaNode | undefined, text: string): string {
  const formats = [schema?.format, ...(schema?.anyOf ?? []).map((alternative) => alternative.format)];
  return formats.includes('email') ? `${text}@example.com` : text;
}

async function plantMarkers(run: Run): Promise<Marker[]> {
  const markers: Marker[] = [];
  for (const resource of RESOURCES.resources) {
    const searched = resource.queries?.search;
    if (!searched) continue;
    const listPath = `/v1${resource.path}`;
    const create = API.find((op) => op.method === 'POST' && op.path === listPath);
    assert.ok(create, `${resource.object} is searchable but has no POST ${listPath} to plant a marker with`);
    for (const field of searched) {
      const schema = create.bodySchema?.properties?.[field];
      assert.ok(schema, `POST ${listPath} cannot write the searchable field ${field}`);
      const text = `zq${randomBytes(5).toString('hex')}`;
      const body: Json = {
        ...((await run.body(create, 'admin')) as Json),
        [field]: markerValue(schema, text),
      };
      const created: ApiResponse = await send(run.t, 'POST', listPath, { authorization: run.admin, body });
      assert.equal(created.status, 201, `planting a marker in ${resource.object}.${field}: ${created.raw}`);
      markers.push({ listPath, resource, field, text, id: created.body.id as string });
    }
  }
  return markers;
}

function isWrite(operation: ApiOperation): boolean {
  return operation.method === 'POST' || operation.method === 'PATCH';
}

/**
 * The key against one operation, then, for a write, the admin's same write replayed by the key. A request the
 * model expects to be refused names the run's shared object (it must change nothing); one expected to go through
 * gets a fresh object, so every write, deletion and action really happens.
 */
async function checkOperation(run: Run, operation: ApiOperation): Promise<void> {
  const { t, coverage } = run;
  const body = await run.body(operation, 'key');
  const refusal = run.refusal(operation, body);
  const params =
    operation.method === 'GET' || refusal
      ? await run.sharedFixture(operation)
      : await fixtureFor(t, run.admin, operation);
  const url = fillPath(operation.path, params);
  const response = await send(t, operation.method, url, {
    authorization: run.key,
    body,
    headers: run.headers,
  });
  const where = `${operation.label} (${url})`;
  if (refusal) {
    run.expectError(response, where, 403, refusal.code, { messageIncludes: refusal.message });
    if (response.status === 403) bump(coverage.refused, operation.label);
  } else if (response.status >= 500) {
    run.findings.push(`${where}: ${response.status} ${response.raw.slice(0, 300)}`);
  } else if (response.status < 300) {
    bump(coverage.success, operation.label);
  }
  run.leak(response.body, where, { operationScope: operation.scope });
  if (isWrite(operation)) await checkReplay(run, operation);
}

async function checkReplay(run: Run, operation: ApiOperation): Promise<void> {
  const { t, model, coverage } = run;
  const body = await run.body(operation, 'admin');
  const refusal = run.refusal(operation, body);
  const params = refusal ? await run.sharedFixture(operation) : await fixtureFor(t, run.admin, operation);
  const url = fillPath(operation.path, params);
  const headers = { ...run.headers, 'idempotency-key': `${run.name}:${operation.label}` };
  const first = await send(t, operation.method, url, { authorization: run.admin, body, headers });
  const replay = await send(t, operation.method, url, { authorization: run.key, body, headers });
  const where = `replay of ${operation.label} (${url})`;
  if (refusal) {
    run.expectError(replay, where, 403, refusal.code, { messageIncludes: refusal.message });
  } else if (replay.headers['idempotent-replayed'] !== 'true' || replay.status !== first.status) {
    run.findings.push(
      `${where}: not replayed (${replay.status} after ${first.status}) ${replay.raw.slice(0, 200)}`,
    );
  } else if (first.status < 300) {
    coverage.replays++;
    const expected = projectForKey(model, first.body, operation.scope);
    if (!isDeepStrictEqual(replay.body, expected)) {
      run.findings.push(
        `${where}: replayed ${JSON.stringify(replay.body)}, the key may read ${JSON.stringify(expected)}`,
      );
    }
  }
  run.leak(replay.body, where, { operationScope: operation.scope });
}

/** Runs `work` on every item, at most `limit` at once. */
async function eachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Every operation, the operations of one resource path in the document's order and the resource paths side by side
 * (PostgreSQL spends most of a write waiting for its commit). Webhook operations last, so the admin's fixture
 * endpoints are not sent every event of the run.
 */
async function everyOperation(run: Run): Promise<void> {
  const byPath = new Map<string, ApiOperation[]>();
  for (const operation of API)
    byPath.set(operation.resourcePath, [...(byPath.get(operation.resourcePath) ?? []), operation]);
  const groups = [...byPath.values()];
  const isWebhooks = (group: ApiOperation[]) => group[0]?.resourcePath.startsWith('/v1/webhook') ?? false;
  const sequentially = async (group: ApiOperation[]) => {
    for (const operation of group) await checkOperation(run, operation);
  };
  await eachConcurrently(
    groups.filter((group) => !isWebhooks(group)),
    4,
    sequentially,
  );
  await eachConcurrently(groups.filter(isWebhooks), 4, sequentially);
}

/** A value the query parameter accepts. */
async function queryValue(run: Run, schema: SchemaNode): Promise<string> {
  const prefix = idPrefixOf(schema);
  if (prefix) return run.idOf(prefix);
  const enumerated = schema.enum?.[0] ?? schema.anyOf?.find((alternative) => alternative.enum)?.enum?.[0];
  if (enumerated !== undefined) return String(enumerated);
  if (schema.type === 'boolean') return 'true';
  if (schema.format === 'date-time') return '2026-10-01T00:00:00Z';
  if (schema.format === 'date') return '2026-10-01';
  if (schema.type === 'integer' || schema.type === 'number') return '1';
  return 'x';
}

/** Each filter of each list the key may read: refused exactly when it reads a field the key may not. */
async function everyFilter(run: Run): Promise<void> {
  const { t, model, coverage } = run;
  for (const resource of RESOURCES.resources) {
    const listPath = `/v1${resource.path}`;
    const list = API.find((op) => op.method === 'GET' && op.path === listPath);
    if (!list || !mayReadResource(model, resource) || !resource.restrictable) continue;
    const reads: Record<string, readonly string[]> = { ...resource.queries };
    if (list.queryParams.some((parameter) => parameter.name === 'updatedSince'))
      reads.updatedSince = ['updatedAt'];
    for (const [name, fields] of Object.entries(reads)) {
      const parameter = list.queryParams.find((p) => p.name === name);
      if (!parameter) {
        run.findings.push(
          `${resource.object} declares the filter ${name}, which GET ${listPath} does not document`,
        );
        continue;
      }
      const url = withQuery(listPath, { [name]: await queryValue(run, parameter.schema) });
      const response = await send(t, 'GET', url, { authorization: run.key, headers: run.headers });
      const unreadable = fields.filter((field) => !mayReadField(model, resource, field));
      const refused = name === 'search' ? unreadable.length === fields.length : unreadable.length > 0;
      if (refused) {
        run.expectError(response, `GET ${url}`, 403, 'field_not_permitted', { param: name });
        coverage.filtersRefused++;
      } else if (response.status !== 200) {
        run.findings.push(
          `GET ${url}: filters on fields the key may read, got ${response.status} ${response.raw}`,
        );
      }
      run.leak(response.body, `GET ${url}`);
    }
  }
}

/** Each marker is found exactly when the key may read the field that holds it. */
async function everySearch(run: Run, markers: readonly Marker[]): Promise<void> {
  const { t, model, coverage } = run;
  for (const marker of markers) {
    const searched = marker.resource.queries?.search ?? [];
    const canSearch = searched.some((field) => mayReadField(model, marker.resource, field));
    if (!mayReadResource(model, marker.resource) || !canSearch) continue; // refused: everyFilter checks how
    const url = withQuery(marker.listPath, { search: marker.text });
    const response = await send<{ data?: Json[] }>(t, 'GET', url, {
      authorization: run.key,
      headers: run.headers,
    });
    const where = `GET ${url} (a marker in ${marker.resource.object}.${marker.field})`;
    if (response.status !== 200) {
      run.findings.push(`${where}: ${response.status} ${response.raw}`);
      continue;
    }
    const found = (response.body.data ?? []).some((object) => object.id === marker.id);
    if (mayReadField(model, marker.resource, marker.field)) {
      if (found) coverage.searchHits++;
      else run.findings.push(`${where}: the key may read ${marker.field} but the search missed it`);
    } else {
      coverage.searchMisses++;
      if (found || response.raw.includes(marker.text)) {
        run.findings.push(`${where}: found by a field the key may not read`);
      }
    }
    run.leak(response.body, where);
  }
}

async function wholeFeed(run: Run, authorization: string): Promise<{ page: ApiResponse; events: Json[] }> {
  const events: Json[] = [];
  let page: ApiResponse<{ data?: Json[]; hasMore?: boolean }>;
  let cursor: string | undefined;
  do {
    const url = withQuery('/v1/events', { limit: '100', ...(cursor ? { startingAfter: cursor } : {}) });
    page = await send(run.t, 'GET', url, { authorization, headers: run.headers });
    if (page.status !== 200) return { page, events };
    if (authorization === run.key) run.leak(page.body, `GET ${url}`);
    events.push(...(page.body.data ?? []));
    cursor = events.at(-1)?.id as string | undefined;
  } while (page.body.hasMore && cursor);
  return { page, events };
}

/** The feed holds exactly the account's events of resources the key may read, projected; so do by-id and by-type. */
async function eventsFeed(run: Run): Promise<void> {
  const { t, model, coverage } = run;
  if (!holds(model, 'events:read')) return; // GET /v1/events was 403 missing_scope in everyOperation
  const all = await wholeFeed(run, run.admin);
  assert.equal(all.page.status, 200, all.page.raw);
  const mine = await wholeFeed(run, run.key);
  if (mine.page.status !== 200) {
    run.findings.push(`GET /v1/events: ${mine.page.status} ${mine.page.raw}`);
    return;
  }
  coverage.feedEvents += mine.events.length;
  const expected = all.events
    .filter((event) => eventVisible(model, event.type as string))
    .map((event) => event.id);
  const shown = mine.events.map((event) => event.id);
  const hidden = new Set(expected);
  const extra = mine.events
    .filter((event) => !hidden.has(event.id))
    .map((event) => `${event.type} ${event.id}`);
  if (extra.length > 0)
    run.findings.push(`GET /v1/events shows events the key may not read: ${extra.join(', ')}`);
  else if (JSON.stringify(shown) !== JSON.stringify(expected)) {
    run.findings.push(`GET /v1/events: ${shown.length} events, the key may read ${expected.length}`);
  }

  const oneOfEachType = new Map(all.events.map((event) => [event.type as string, event.id as string]));
  for (const [type, id] of oneOfEachType) {
    const response = await send(t, 'GET', `/v1/events/${id}`, {
      authorization: run.key,
      headers: run.headers,
    });
    const where = `GET /v1/events/${id} (${type})`;
    if (!eventVisible(model, type)) run.expectError(response, where, 404, 'resource_not_found');
    else if (response.status !== 200 || response.body.type !== type) {
      run.findings.push(`${where}: ${response.status} ${response.raw.slice(0, 200)}`);
    }
    run.leak(response.body, where);
  }

  for (const resource of RESOURCES.resources) {
    if (!resource.events) continue;
    const url = withQuery('/v1/events', { type: `${resource.object}.*`, limit: '100' });
    const response = await send<{ data?: Json[] }>(t, 'GET', url, {
      authorization: run.key,
      headers: run.headers,
    });
    if (!mayReadResource(model, resource)) {
      run.expectError(response, `GET ${url}`, 403, 'missing_scope');
    } else if (
      response.status !== 200 ||
      (response.body.data ?? []).some((event) => !String(event.type).startsWith(`${resource.object}.`))
    ) {
      run.findings.push(`GET ${url}: ${response.status} ${response.raw.slice(0, 200)}`);
    }
    run.leak(response.body, `GET ${url}`);
  }
}

/** Every payload sent to an endpoint the key made: only events it may read, projected through its permissions. */
async function webhookPayloads(
  run: Run,
  webhooks: RecordingWebhookSender,
  endpointId: string | null,
): Promise<void> {
  const { t, model, coverage } = run;
  // A ping reaches the endpoint whatever its creator may read: only the endpoint's receipt if that is all it may.
  if (endpointId) {
    const ping = await send(t, 'POST', `/v1/webhook-endpoints/${endpointId}/test`, {
      authorization: run.admin,
    });
    assert.equal(ping.status, 200, ping.raw);
  }
  // The admin's fixture endpoints are no channel of the key's: deleting them spares sending them the run's events.
  const endpoints = await send<{ data: { id: string; url: string }[] }>(
    t,
    'GET',
    '/v1/webhook-endpoints?limit=100',
    {
      authorization: run.admin,
    },
  );
  for (const endpoint of endpoints.body.data.filter((e) => !e.url.startsWith(run.keyHooks))) {
    await send(t, 'DELETE', `/v1/webhook-endpoints/${endpoint.id}`, { authorization: run.admin });
  }
  await drainWebhooks(t);
  const payloads = webhooks.take(run.keyHooks);
  webhooks.take(`${WEBHOOK_BASE}/${run.name}/`);
  const restricted = model.fieldRestrictions !== null || !model.scopes.includes('*');
  for (const request of payloads) {
    const event = JSON.parse(request.body) as Json;
    const where = `webhook payload ${String(event.type)} to ${request.url}`;
    coverage.webhookPayloads++;
    if (restricted) coverage.restrictedPayloads++;
    if (event.type !== 'ping' && !eventVisible(model, event.type as string)) {
      run.findings.push(`${where}: sent to an endpoint whose creator may not read it`);
    }
    run.leak(event, where, { envelope: true });
  }
}

async function checkEveryChannel(
  t: TestApp,
  webhooks: RecordingWebhookSender,
  coverage: Coverage,
  model: KeyModel,
  version: string,
  subscription: readonly string[],
): Promise<void> {
  const run = new Run(t, model, version, coverage);
  const account = await createTestAccount(t, { plan: 'enterprise' });
  run.admin = bearer(account.key);
  const { key } = await createTestKey(t, account, [...model.scopes], {
    fieldRestrictions: model.fieldRestrictions
      ? (structuredClone(model.fieldRestrictions) as Record<string, string[]>)
      : undefined,
  });
  run.key = bearer(key);

  const endpointId = await createKeyEndpoints(run, subscription);
  const markers = await plantMarkers(run);
  await everyOperation(run);
  await everyFilter(run);
  await everySearch(run, markers);
  await eventsFeed(run);
  await webhookPayloads(run, webhooks, endpointId);
  webhooks.sent.length = 0;
  assert.deepEqual(
    run.findings,
    [],
    `the key ${JSON.stringify(model)} (API version ${version}) read what it may not`,
  );
}

// ---------------------------------------------------------------------------------------------------------------

describe('the permission property: prerequisites', () => {
  test('no operation answers anything but JSON (an export would need a channel of its own here)', () => {
    const other = API.flatMap((op) =>
      op.successTypes.filter((type) => type !== 'application/json').map((type) => `${op.label}: ${type}`),
    );
    assert.deepEqual(other, []);
  });

  test('every filter of a restrictable resource’s list is declared in its descriptor, so it can be checked', () => {
    for (const resource of RESOURCES.resources.filter((r) => r.restrictable)) {
      const list = API.find((op) => op.method === 'GET' && op.path === `/v1${resource.path}`);
      if (!list) continue;
      const undeclared = list.queryParams
        .map((parameter) => parameter.name)
        .filter((name) => !PAGING.has(name) && name !== 'updatedSince' && !resource.queries?.[name]);
      assert.deepEqual(undeclared, [], `GET ${list.path} filters on fields its descriptor does not name`);
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`the permission property (${dialect})`, () => {
    const webhooks = new RecordingWebhookSender();
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, {
        webhooks: { send: webhooks.send, perEndpointConcurrency: 1000, maxInFlight: 1000 },
        rateLimitPolicy: PROPERTY_RATE_LIMITS,
      });
    });
    after(() => t?.close());

    test('random keys × every operation × every channel: nothing reveals what the key may not read', async () => {
      const coverage = newCoverage();
      const versions = fc.constantFrom(...SUPPORTED_API_VERSIONS);
      const subscriptions = fc.subarray(EVENT_TYPES, { minLength: 1, maxLength: 4 });
      await fc.assert(
        fc.asyncProperty(keyArbitrary, versions, subscriptions, (model, version, subscription) =>
          checkEveryChannel(t, webhooks, coverage, model, version, subscription),
        ),
        {
          seed: PROPERTY_SEED,
          numRuns: RUNS,
          examples: EXAMPLE_KEYS.map((model, index) => [
            model,
            SUPPORTED_API_VERSIONS[index % SUPPORTED_API_VERSIONS.length] as string,
            EVENT_TYPES.slice(index, index + 2),
          ]),
        },
      );

      // The property checked something on every operation and channel.
      const secured = API.filter((op) => !op.isPublic);
      assert.deepEqual(
        secured.filter((op) => !coverage.success.has(op.label)).map((op) => op.label),
        [],
        'operations no key ever called successfully',
      );
      assert.deepEqual(
        secured.filter((op) => op.scope && !coverage.refused.has(op.label)).map((op) => op.label),
        [],
        'operations no key was ever refused',
      );
      assert.ok(coverage.replays > 0, 'no replay was checked');
      assert.ok(coverage.filtersRefused > 0, 'no filter was refused');
      assert.ok(coverage.searchHits > 0 && coverage.searchMisses > 0, 'search was not checked both ways');
      assert.ok(coverage.feedEvents > 0, 'no event of the feed was checked');
      assert.ok(coverage.restrictedPayloads > 0, 'no webhook payload of a restricted key was checked');
    });
  });
}
