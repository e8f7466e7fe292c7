/**
 * What a resource's fixture for the shared security suite is made of. Each resource keeps its own `fixture.ts` next
 * to its tests (test/resources/<name>/fixture.ts, test/platform/webhooks/<name>/fixture.ts), exporting `fixtures`:
 * the suite finds every such file, so a new resource adds its fixture in its own test folder and nowhere else.
 */
import assert from 'node:assert/strict';
import type { HTTPMethods } from 'fastify';
import { call, type TestApp } from './app.js';

/** An operation as the security suite knows it from the OpenAPI document. */
export interface FixtureOperation {
  readonly method: string;
  /** OpenAPI form, `/v1/employees/{id}`. */
  readonly path: string;
  /** The first example of the JSON request body schema, if the operation has a body and documents one. */
  readonly bodyExample: unknown;
}

/** Makes real objects of one resource for the suite, through the API, with the given account's key. */
export interface FixtureFactory {
  /** Creates one object and returns the path parameters of the resource's routes (e.g. `{ id }`). */
  create(t: TestApp, authorization: string): Promise<Record<string, string>>;
  /**
   * A body that succeeds for this operation (in the caller's account, with these path parameters), when the
   * documented example cannot (it names ids that do not exist, or a value that must be unique).
   */
  body?(t: TestApp, authorization: string, operation: FixtureOperation): Promise<unknown>;
}

/** A resource's fixtures, keyed by the path before the first parameter (`/v1/employees`). */
export type Fixtures = Readonly<Record<string, FixtureFactory>>;

let counter = 0;

/** A number no other fixture of this process has used: for values that must be unique (codes, references). */
export function nextFixtureNumber(): number {
  counter++;
  return counter;
}

/** POSTs the body with the caller's key; the created object's id, asserting a 201. */
export async function createdId(
  t: TestApp,
  authorization: string,
  path: string,
  body: Record<string, unknown>,
): Promise<string> {
  const created = await call<{ id: string }>(t, 'POST' as HTTPMethods, path, {
    body,
    headers: { authorization },
  });
  assert.equal(created.status, 201, created.raw);
  return created.body.id;
}

/** Creates an object with this body through the API and returns its id as the `{ id }` path parameter. */
export async function createFixture(
  t: TestApp,
  authorization: string,
  path: string,
  body: Record<string, unknown>,
): Promise<Record<string, string>> {
  return { id: await createdId(t, authorization, path, body) };
}

/** GETs a list with the caller's key and returns its objects, asserting a 200. */
export async function listed<T>(t: TestApp, authorization: string, url: string): Promise<T[]> {
  const response = await call<{ data: T[] }>(t, 'GET', url, { headers: { authorization } });
  assert.equal(response.status, 200, response.raw);
  return response.body.data;
}

/** A new employee of the caller's account, for objects that belong to one (a fresh one is off the clock). */
export function fixtureEmployee(t: TestApp, authorization: string): Promise<string> {
  return createdId(t, authorization, '/v1/employees', { firstName: 'Fixture', lastName: 'Worker' });
}
