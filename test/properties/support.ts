/**
 * What the property tests of this folder share: the /v1 operations as the app's own OpenAPI document describes them
 * (with their query parameters and body schemas, which the security suite's list leaves out), where ids of which kind
 * go in paths, queries and bodies, the fixed seed, and a webhook sender that records instead of sending.
 *
 * Nothing here names a resource: operations come from the document, id kinds from the id patterns it documents, and
 * objects from the resources' own fixture factories (test/helpers/security-suite.ts), so a new route or resource is
 * covered by the properties as soon as it is documented and has its fixture.
 */
import { DEFAULT_RATE_LIMIT_POLICY, type RateLimitPolicy } from '../../src/platform/rate-limit/limiter.js';
import type { WebhookRequest, WebhookResponse } from '../../src/platform/webhooks/http-sender.js';
import { accountTables } from '../helpers/account-tables.js';
import type { TestApp } from '../helpers/app.js';
import {
  type DocumentedOperation,
  documentedOperations,
  FIXTURE_FACTORIES,
  withTestApp,
} from '../helpers/security-suite.js';

/**
 * The fixed seed `npm test` runs the properties with; `PROPERTY_SEED` replays another (fast-check prints the seed and
 * the path of any failure), `PROPERTY_RUNS` runs more keys.
 */
export const PROPERTY_SEED = integerFromEnv('PROPERTY_SEED') ?? 1_102_026;

export function propertyRuns(runs: number): number {
  return integerFromEnv('PROPERTY_RUNS') ?? runs;
}

function integerFromEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}

/** The part of a JSON schema the properties read. */
export interface SchemaNode {
  readonly type?: string;
  readonly format?: string;
  readonly pattern?: string;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly SchemaNode[];
  readonly items?: SchemaNode;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
}

export interface QueryParameter {
  readonly name: string;
  readonly schema: SchemaNode;
}

/** A documented operation with what the properties need besides the security suite's view of it. */
export interface ApiOperation extends DocumentedOperation {
  readonly queryParams: readonly QueryParameter[];
  /** The `application/json` request body schema, if the operation takes a body. */
  readonly bodySchema: SchemaNode | undefined;
  /** The media types of its documented 2xx responses. */
  readonly successTypes: readonly string[];
}

interface DocumentOperation {
  readonly parameters?: readonly { in: string; name: string; schema: SchemaNode }[];
  readonly requestBody?: { content?: Record<string, { schema?: SchemaNode }> };
  readonly responses?: Record<string, { content?: Record<string, unknown> }>;
}

/** What the properties read from the app once: its operations, the kinds of id its paths take, its account tables. */
async function readApp(t: TestApp): Promise<{
  operations: ApiOperation[];
  resourcePathByPrefix: Map<string, string>;
  accountTables: string[];
}> {
  const document = t.app.swagger() as unknown as { paths: Record<string, Record<string, DocumentOperation>> };
  const operations: ApiOperation[] = [];
  const resourcePathByPrefix = new Map<string, string>();
  for (const operation of documentedOperations(t)) {
    const op = document.paths[operation.path]?.[operation.method.toLowerCase()] ?? {};
    const parameters = op.parameters ?? [];
    operations.push({
      ...operation,
      queryParams: parameters.filter((p) => p.in === 'query').map(({ name, schema }) => ({ name, schema })),
      bodySchema: op.requestBody?.content?.['application/json']?.schema,
      successTypes: Object.entries(op.responses ?? {})
        .filter(([status]) => status.startsWith('2'))
        .flatMap(([, response]) => Object.keys(response.content ?? {})),
    });
    const first = parameters.find((p) => p.in === 'path' && p.name === operation.pathParams[0]);
    const prefix = idPrefixOf(first?.schema);
    if (prefix && !resourcePathByPrefix.has(prefix)) resourcePathByPrefix.set(prefix, operation.resourcePath);
  }
  return { operations, resourcePathByPrefix, accountTables: [...(await accountTables())] };
}

const APP = await withTestApp('sqlite', readApp);

/** Every /v1 operation of the document. */
export const API: readonly ApiOperation[] = APP.operations;

/**
 * Which fixture factory makes objects of an id kind: the resource path whose routes take that kind of id in their
 * path (`emp` → `/v1/employees`), from the document's path parameter patterns.
 */
export const RESOURCE_PATH_BY_PREFIX: ReadonlyMap<string, string> = APP.resourcePathByPrefix;

/** Every table whose rows belong to an account (the same migrations make the same tables on every dialect). */
export const ACCOUNT_TABLES: readonly string[] = APP.accountTables;

/** `^emp_[0-9A-HJKMNP-TV-Z]{26}$` (or an anyOf holding it) → `emp`: the kind of id a value must be. */
export function idPrefixOf(schema: SchemaNode | undefined): string | undefined {
  if (!schema) return undefined;
  const match = schema.pattern ? /^\^([a-z]+)_\[/.exec(schema.pattern) : null;
  if (match) return match[1];
  for (const alternative of schema.anyOf ?? []) {
    const prefix = idPrefixOf(alternative);
    if (prefix) return prefix;
  }
  return undefined;
}

/** The `emp_` of `emp_01J...`. */
export function prefixOfId(id: string): string {
  return id.slice(0, id.indexOf('_'));
}

/** A place in a request body that names another object by id: a property, or the items of an array property. */
export interface BodyIdSite {
  readonly property: string;
  readonly prefix: string;
  readonly array: boolean;
}

export function bodyIdSites(operation: ApiOperation): BodyIdSite[] {
  const sites: BodyIdSite[] = [];
  for (const [property, schema] of Object.entries(operation.bodySchema?.properties ?? {})) {
    const single = idPrefixOf(schema);
    if (single) sites.push({ property, prefix: single, array: false });
    const items = schema.type === 'array' ? idPrefixOf(schema.items) : undefined;
    if (items) sites.push({ property, prefix: items, array: true });
  }
  return sites;
}

/** Query parameters that take an id (filters such as `employeeId`, and the cursors). */
export function queryIdSites(operation: ApiOperation): { name: string; prefix: string }[] {
  return operation.queryParams.flatMap((parameter) => {
    const prefix = idPrefixOf(parameter.schema);
    return prefix ? [{ name: parameter.name, prefix }] : [];
  });
}

/** A fresh object of this id kind in the account of `authorization`, made by its resource's fixture factory. */
export async function freshObjectId(t: TestApp, authorization: string, prefix: string): Promise<string> {
  const resourcePath = RESOURCE_PATH_BY_PREFIX.get(prefix);
  const factory = resourcePath ? FIXTURE_FACTORIES[resourcePath] : undefined;
  if (!factory) throw new Error(`No fixture factory makes objects with ids "${prefix}_…".`);
  const params = await factory.create(t, authorization);
  const id = Object.values(params)[0];
  if (id === undefined || prefixOfId(id) !== prefix) {
    throw new Error(
      `The fixture factory of ${resourcePath} returned ${JSON.stringify(params)}, not a ${prefix} id.`,
    );
  }
  return id;
}

/** `/v1/employees?active=true&search=x`. */
export function withQuery(path: string, query: Readonly<Record<string, string>>): string {
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

/** Every webhook request the app's dispatcher makes, answered 200 without leaving the process. */
export class RecordingWebhookSender {
  readonly sent: WebhookRequest[] = [];
  readonly send = async (request: WebhookRequest): Promise<WebhookResponse> => {
    this.sent.push(request);
    return { statusCode: 200, body: '', retryAfter: null, error: null };
  };

  /** The requests sent to URLs that start with `prefix`, and forgets them. */
  take(prefix: string): WebhookRequest[] {
    const taken = this.sent.filter((request) => request.url.startsWith(prefix));
    const rest = this.sent.filter((request) => !request.url.startsWith(prefix));
    this.sent.length = 0;
    this.sent.push(...rest);
    return taken;
  }
}

/** Runs the dispatcher until nothing is due: every delivery of the events written so far is attempted. */
export async function drainWebhooks(t: TestApp): Promise<number> {
  let attempted = 0;
  for (;;) {
    const round = await t.app.context.webhooks.runOnce();
    if (round.attempted === 0) return attempted;
    attempted += round.attempted;
  }
}

/**
 * The properties make hundreds of requests a minute per account: no per-minute limit may answer 429 in the middle of
 * a run. Every other limit (daily write cap, failed authentications) stays as in production.
 */
export const PROPERTY_RATE_LIMITS: RateLimitPolicy = {
  ...DEFAULT_RATE_LIMIT_POLICY,
  plans: Object.fromEntries(
    Object.entries(DEFAULT_RATE_LIMIT_POLICY.plans).map(([plan, limits]) => [
      plan,
      { ...limits, requestsPerMinute: 1_000_000 },
    ]),
  ) as RateLimitPolicy['plans'],
};
