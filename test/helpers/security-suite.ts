/**
 * The shared security suite's machinery (DESIGN §5): which /v1 operations exist, how to make a real object of
 * each resource for them, and how to check the error envelope. test/security/every-route.test.ts runs it.
 *
 * Operations are discovered from the app itself — the OpenAPI document, cross-checked against Fastify's route
 * table — so a new route is covered the moment it is registered. A route with path parameters needs a fixture
 * factory, which its resource keeps in a `fixture.ts` beside its tests (keyed by the path before the first
 * parameter); the suite fails for a route that has none.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HTTPMethods } from 'fastify';
import type { Dialect } from '../../src/db/database.js';
import type { CreatedAccount } from '../../src/platform/accounts/service.js';
import { ApiError } from '../../src/platform/errors/api-error.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/platform/errors/catalogue.js';
import { insertUser } from '../../src/platform/users/repository.js';
import { USERS } from '../../src/platform/users/resource.js';
import { newId } from '../../src/shared/ids.js';
import { type ApiResponse, call, createTestApp, type ErrorBody, type TestApp } from './app.js';
import type { FixtureFactory, Fixtures } from './fixtures.js';

type Json = Record<string, unknown>;

/** Methods a /v1 operation may use; anything else in the document is a suite failure. */
export const OPERATION_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type OperationMethod = (typeof OPERATION_METHODS)[number];

/** Operations that need no key. Anything else documented as public fails the suite. */
export const PUBLIC_OPERATIONS: ReadonlySet<string> = new Set(['GET /v1/versions']);

export interface DocumentedOperation {
  /** `GET /v1/employees/{id}`: how tests name the operation. */
  readonly label: string;
  readonly method: OperationMethod;
  /** OpenAPI form, `/v1/employees/{id}`. */
  readonly path: string;
  /** `x-required-scope`: a scope, `null` for any valid key, `undefined` when the operation is public. */
  readonly scope: string | null | undefined;
  /** `security: []` in the document. */
  readonly isPublic: boolean;
  /** Path parameter names in order of appearance. */
  readonly pathParams: readonly string[];
  readonly hasBody: boolean;
  /** The first example of the JSON request body schema, if the operation has a body and documents one. */
  readonly bodyExample: unknown;
  /** The path before the first parameter (`/v1/employees`): the key of the fixture factory map. */
  readonly resourcePath: string;
}

function isOperationMethod(value: string): value is OperationMethod {
  return (OPERATION_METHODS as readonly string[]).includes(value);
}

function pathParamsOf(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
}

/** `/v1/time-off/{id}/approve` → `/v1/time-off`. */
export function resourcePathOf(path: string): string {
  const brace = path.indexOf('{');
  return brace === -1 ? path : path.slice(0, brace).replace(/\/$/, '');
}

/**
 * The first example of a JSON media type: @fastify/swagger moves a body schema's `examples` to the media type
 * (`example`, or an `examples` map of `{ value }`); a schema that kept its own `examples` counts too.
 */
function firstExample(media: Json | undefined): unknown {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const named = media.examples as Record<string, { value?: unknown }> | undefined;
  const firstNamed = named ? Object.values(named)[0] : undefined;
  if (firstNamed?.value !== undefined) return firstNamed.value;
  const schemaExamples = (media.schema as { examples?: unknown } | undefined)?.examples;
  return Array.isArray(schemaExamples) ? schemaExamples[0] : undefined;
}

/** Every /v1 operation of the app's OpenAPI document. */
export function documentedOperations(t: TestApp): DocumentedOperation[] {
  const document = t.app.swagger() as unknown as { paths?: Record<string, Record<string, Json>> };
  const operations: DocumentedOperation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!path.startsWith('/v1/')) continue;
    for (const [lowerMethod, op] of Object.entries(item)) {
      const method = lowerMethod.toUpperCase();
      if (method === 'PARAMETERS' || method === 'SUMMARY' || method === 'DESCRIPTION') continue;
      if (!isOperationMethod(method)) throw new Error(`Unexpected method ${method} ${path} in the document.`);
      const requestBody = op.requestBody as Json | undefined;
      const content = requestBody?.content as Record<string, Json> | undefined;
      operations.push({
        label: `${method} ${path}`,
        method,
        path,
        scope: 'x-required-scope' in op ? (op['x-required-scope'] as string | null) : undefined,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        pathParams: pathParamsOf(path),
        hasBody: requestBody !== undefined,
        bodyExample: firstExample(content?.['application/json']),
        resourcePath: resourcePathOf(path),
      });
    }
  }
  return operations.sort((a, b) => a.label.localeCompare(b.label));
}

/**
 * Every /v1 route in Fastify's own router, as `METHOD /v1/path/{param}`, parsed from `printRoutes`. HEAD and
 * OPTIONS are Fastify's automatic companions (HEAD of GET, CORS preflight) and are not operations.
 */
export function registeredV1Routes(t: TestApp): string[] {
  const tree = t.app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    if (line.trim() === '') continue;
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) throw new Error(`Cannot parse route table line: ${JSON.stringify(line)}`);
    const depth = (match[1] as string).length / 4;
    const path = (depth === 0 ? '' : (stack[depth - 1] ?? '')) + (match[2] as string);
    stack[depth] = path;
    stack.length = depth + 1;
    if (!match[3] || !path.startsWith('/v1/')) continue;
    const openApiPath = path.replace(/:(\w+)/g, '{$1}');
    for (const method of match[3].split(', ')) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      routes.push(`${method} ${openApiPath}`);
    }
  }
  return routes.sort();
}

/** `/v1/employees/{id}` → `/v1/employees/:id`, the router's form. */
export function routerPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** Fills the path's parameters; throws when one is missing, so a fixture factory must supply all of them. */
export function fillPath(path: string, params: Readonly<Record<string, string>>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`No value for path parameter {${name}} of ${path}.`);
    return encodeURIComponent(value);
  });
}

/** One request with full control of the Authorization header (undefined = none). */
export function send<T = Json>(
  t: TestApp,
  method: OperationMethod,
  url: string,
  options: { authorization?: string | undefined; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  Object.assign(headers, options.headers);
  return call<T>(t, method as HTTPMethods, url, { body: options.body, headers });
}

export const bearer = (key: string): string => `Bearer ${key}`;

/**
 * Asserts the exact status and code and the contract's envelope: `{ error: { type, code, message, param?,
 * requestId } }`, type from the catalogue, requestId equal to the X-Request-Id header.
 */
export function assertApiError(
  response: ApiResponse,
  status: number,
  code: ErrorCode,
  expected: { param?: string; messageIncludes?: string } = {},
): ErrorBody['error'] {
  const context = `${response.status} ${response.raw}`;
  assert.equal(response.status, status, context);
  assert.equal(String(response.headers['content-type']).split(';')[0], 'application/json', context);
  const body = response.body as unknown as ErrorBody;
  assert.deepEqual(Object.keys(body), ['error'], context);
  const error = body.error;
  const keys = Object.keys(error).sort();
  const expectedKeys = ['code', 'message', 'requestId', 'type', ...(expected.param ? ['param'] : [])].sort();
  if (expected.param === undefined) {
    assert.ok(
      keys.every((key) => ['code', 'message', 'param', 'requestId', 'type'].includes(key)),
      `unexpected keys in ${context}`,
    );
  } else {
    assert.deepEqual(keys, expectedKeys, context);
    assert.equal(error.param, expected.param, context);
  }
  assert.equal(error.code, code, context);
  assert.equal(error.type, ERROR_CATALOGUE[code].type, context);
  assert.equal(typeof error.message, 'string', context);
  assert.ok(error.message.length > 0, context);
  if (expected.messageIncludes !== undefined) {
    assert.ok(
      error.message.includes(expected.messageIncludes),
      `message should name "${expected.messageIncludes}": ${context}`,
    );
  }
  assert.match(error.requestId, /^req_[0-9A-HJKMNP-TV-Z]{26}$/, context);
  assert.equal(error.requestId, response.headers['x-request-id'], context);
  return error;
}

/** Test files named so hold a resource's fixtures (see helpers/fixtures.ts). */
const FIXTURE_FILE = 'fixture.ts';

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return fixtureFiles(full);
      return name === FIXTURE_FILE ? [full] : [];
    })
    .sort();
}

/**
 * Every resource's fixture factories, from the `fixture.ts` files next to its tests: the suite lists no resource
 * itself, so a new resource's routes are covered once its own folder has a fixture (the coverage test says so).
 */
async function loadFixtureFactories(): Promise<Readonly<Record<string, FixtureFactory>>> {
  const factories: Record<string, FixtureFactory> = {};
  for (const file of fixtureFiles(fileURLToPath(new URL('..', import.meta.url)))) {
    const module = (await import(pathToFileURL(file).href)) as { fixtures?: Fixtures };
    if (!module.fixtures) throw new Error(`${file} exports no \`fixtures\`.`);
    for (const [resourcePath, factory] of Object.entries(module.fixtures)) {
      if (factories[resourcePath]) throw new Error(`Two fixture files make ${resourcePath} objects.`);
      factories[resourcePath] = factory;
    }
  }
  return factories;
}

/** One entry per resource path (the path before the first parameter), from the resources' fixture files. */
export const FIXTURE_FACTORIES: Readonly<Record<string, FixtureFactory>> = await loadFixtureFactories();

/** A body the operation accepts: the factory's, else the documented example. */
export async function bodyFor(
  t: TestApp,
  authorization: string,
  operation: DocumentedOperation,
): Promise<unknown> {
  if (!operation.hasBody) return undefined;
  const factory = FIXTURE_FACTORIES[operation.resourcePath];
  const body = factory?.body ? await factory.body(t, authorization, operation) : operation.bodyExample;
  if (body === undefined) {
    throw new Error(
      `${operation.label} has a request body but documents no example; add examples to its schema or a body to its fixture factory.`,
    );
  }
  return body;
}

/** Path parameters of a fresh object of the operation's resource, in the account of `authorization`. */
export async function fixtureFor(
  t: TestApp,
  authorization: string,
  operation: DocumentedOperation,
): Promise<Record<string, string>> {
  if (operation.pathParams.length === 0) return {};
  const factory = FIXTURE_FACTORIES[operation.resourcePath];
  if (!factory) {
    throw new Error(
      `${operation.label} has path parameters but no test folder has a fixture.ts for "${operation.resourcePath}".`,
    );
  }
  const params = await factory.create(t, authorization);
  for (const name of operation.pathParams) {
    if (params[name] === undefined) {
      throw new Error(`The fixture factory for "${operation.resourcePath}" returns no {${name}}.`);
    }
  }
  return params;
}

/** Runs `work` against a fresh app on a fresh database of the dialect, and closes it whatever happens. */
export async function withTestApp<T>(
  dialect: Dialect,
  work: (t: TestApp) => Promise<T>,
  options: Parameters<typeof createTestApp>[1] = {},
): Promise<T> {
  const t = await createTestApp(dialect, options);
  try {
    return await work(t);
  } finally {
    await t.close();
  }
}

/** Asserts that a service call fails with this catalogue code (and `param`, when given). */
export async function assertRejectsWithApiError(
  work: Promise<unknown>,
  code: ErrorCode,
  expected: { param?: string; messageIncludes?: string } = {},
): Promise<ApiError> {
  let caught: unknown;
  try {
    await work;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ApiError, `expected ApiError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.status, ERROR_CATALOGUE[code].status);
  if ('param' in expected) assert.equal(caught.param, expected.param, caught.message);
  if (expected.messageIncludes !== undefined) {
    assert.ok(caught.message.includes(expected.messageIncludes), caught.message);
  }
  return caught;
}

/**
 * Adds a user to the account directly (of any stored role, `employee` included, which no service gives) and returns
 * it in the shape of an account's admin, so helpers such as createTestKey and deactivateUser act on this user instead.
 */
export async function addUser(
  t: TestApp,
  account: CreatedAccount,
  role: 'administrator' | 'manager' | 'employee',
  options: { active?: boolean } = {},
): Promise<CreatedAccount> {
  const now = t.clock.now().toISOString();
  const id = newId(USERS);
  const email = `${role}.${id.toLowerCase()}@test.punchclock.test`;
  await insertUser(t.db.db, {
    id,
    account_id: account.account.id,
    email,
    name: role,
    password_hash: 'not-a-real-hash',
    role,
    active: options.active === false ? 0 : 1,
    created_at: now,
    updated_at: now,
  });
  return { account: account.account, admin: { id, email, password: '' } };
}
