/**
 * Real objects for the fuzzer's valid requests: a pool of live objects per resource path of account A (and a few
 * of account B, whose ids A must never reach), made by the resources' own fixture factories — the security suite's
 * (test/helpers/security-suite.ts) — and topped up between batches as requests delete or use them up.
 *
 * Webhook endpoints are the exception: the shared factory points them at a public address, whose deliveries could
 * never settle during a run. The fuzzer's point at the local receiver and subscribe to a few rare events only, so
 * the fan-out of deliveries stays small; the audit endpoint (see target.ts) is the one that receives everything.
 */
import assert from 'node:assert/strict';
import { call, type TestApp } from '../helpers/app.js';
import { createFixture, type FixtureFactory, type Fixtures } from '../helpers/fixtures.js';
import { bearer, FIXTURE_FACTORIES } from '../helpers/security-suite.js';
import type { FuzzOperation } from './document.js';
import type { Random } from './random.js';

const WEBHOOK_ENDPOINTS = '/v1/webhook-endpoints';

/** The body of a webhook endpoint the fuzzer creates. */
export function fuzzEndpointBody(
  webhookUrl: string,
  rareEventTypes: readonly string[],
): Record<string, unknown> {
  return { url: webhookUrl, enabledEvents: [...rareEventTypes], description: 'Fuzz endpoint' };
}

/** The shared factories, with the webhook ones replaced (see above). */
export function fuzzFactories(webhookUrl: string, rareEventTypes: readonly string[]): Fixtures {
  const endpoint = (t: TestApp, authorization: string) =>
    createFixture(t, authorization, WEBHOOK_ENDPOINTS, fuzzEndpointBody(webhookUrl, rareEventTypes));
  return {
    ...FIXTURE_FACTORIES,
    [WEBHOOK_ENDPOINTS]: { create: endpoint },
    // A test ping queues a delivery of its own endpoint: a delivery id for `POST /v1/webhook-deliveries/{id}/retry`.
    '/v1/webhook-deliveries': {
      create: async (t, authorization) => {
        const { id } = await endpoint(t, authorization);
        const sent = await call<{ id: string }>(t, 'POST', `${WEBHOOK_ENDPOINTS}/${id}/test`, {
          headers: { authorization },
        });
        assert.equal(sent.status, 200, sent.raw);
        return { id: sent.body.id };
      },
    },
  };
}

type Params = Readonly<Record<string, string>>;

/** Live objects per resource path; changes made during a batch apply at its end, so a batch draws from a fixed state. */
export class ObjectPools {
  readonly #factories: Fixtures;
  readonly #resourcePaths: readonly string[];
  readonly #live = new Map<string, Params[]>();
  readonly #created: [string, Params][] = [];
  readonly #gone = new Set<string>();
  /** The most objects kept per resource: older ones are left alone (their ids still turn up in lists). */
  static readonly MAX_PER_RESOURCE = 12;

  constructor(factories: Fixtures, operations: readonly FuzzOperation[]) {
    this.#factories = factories;
    this.#resourcePaths = [
      ...new Set(operations.filter((op) => op.pathParams.length > 0).map((op) => op.documented.resourcePath)),
    ].sort();
    for (const resourcePath of this.#resourcePaths) {
      if (!factories[resourcePath]) throw new Error(`No fixture factory makes ${resourcePath} objects.`);
    }
  }

  get resourcePaths(): readonly string[] {
    return this.#resourcePaths;
  }

  /** Makes `count` objects of every resource with the caller's key (sequentially: the order is reproducible). */
  async add(t: TestApp, key: string, count: number): Promise<void> {
    for (const resourcePath of this.#resourcePaths) {
      const factory = this.#factories[resourcePath] as FixtureFactory;
      for (let i = 0; i < count; i++) this.#remember(resourcePath, await factory.create(t, bearer(key)));
    }
  }

  #remember(resourcePath: string, params: Params): void {
    const live = this.#live.get(resourcePath) ?? [];
    // Some factories hand out a shared object (the oldest pay period, the newest key event).
    if (live.some((known) => JSON.stringify(known) === JSON.stringify(params))) return;
    live.push(params);
    this.#live.set(resourcePath, live.slice(-ObjectPools.MAX_PER_RESOURCE));
  }

  pick(random: Random, resourcePath: string): Params | undefined {
    const live = this.#live.get(resourcePath);
    return live && live.length > 0 ? random.pick(live) : undefined;
  }

  /** Every live id with this prefix (`emp`), in a stable order. */
  idsWithPrefix(prefix: string): string[] {
    const ids: string[] = [];
    for (const live of this.#live.values()) {
      for (const params of live) {
        for (const value of Object.values(params)) if (value.startsWith(`${prefix}_`)) ids.push(value);
      }
    }
    return [...new Set(ids)];
  }

  /** Any live id at all (of any kind): the wrong kind of id for most places. */
  anyId(random: Random): string | undefined {
    const all = [...this.#live.values()].flat().flatMap((params) => Object.values(params));
    return all.length > 0 ? random.pick(all) : undefined;
  }

  /** A 201 of a collection's POST: the new object joins the pool at the end of the batch. */
  noteCreated(resourcePath: string, id: string): void {
    if (this.#live.has(resourcePath)) this.#created.push([resourcePath, { id }]);
  }

  /** A 2xx DELETE or a 404 for a live object: it leaves the pool at the end of the batch. */
  noteGone(id: string): void {
    this.#gone.add(id);
  }

  /** Applies the batch's creations and deletions. */
  settle(): void {
    for (const [resourcePath, params] of this.#created.splice(0)) this.#remember(resourcePath, params);
    for (const [resourcePath, live] of this.#live) {
      this.#live.set(
        resourcePath,
        live.filter((params) => !Object.values(params).some((value) => this.#gone.has(value))),
      );
    }
    this.#gone.clear();
  }

  /** How many live objects each resource has, for the report. */
  sizes(): Record<string, number> {
    return Object.fromEntries([...this.#live].map(([resourcePath, live]) => [resourcePath, live.length]));
  }
}
