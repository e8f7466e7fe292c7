/**
 * What the /v1 pipeline costs (issue 3): an authenticated GET /v1/api-key with everything on — authentication, scope
 * check, rate limit, version rendering, request log — against an unauthenticated control route on the same server
 * that returns the same body. Measured side by side in one run, for the memory store and, when REDIS_URL is set,
 * the Redis store. Target: pipeline ÷ control throughput ≥ 0.85 with the memory store. Prints, never asserts.
 *
 * A third route splits the gap in two: the control's body with the very headers a /v1 response carries (CORS,
 * rate limit, version), requested with the same Authorization header. It does no work, so what it costs over the
 * control is what the contract's headers cost on the wire (server and client); the rest is the pipeline's work.
 *
 * Run: npm run bench (or REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/pipeline.ts)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import type { Static } from '@sinclair/typebox';
import { Redis } from 'ioredis';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { createAccountWithAdmin } from '../src/platform/accounts/service.js';
import { ApiKeySchema } from '../src/platform/api-keys/schema.js';
import { createApiKey } from '../src/platform/api-keys/service.js';
import { BENCH_RATE_LIMITS, type LoadResult, ratio, runLoad } from './support.js';

const CONNECTIONS = 10;
const WARMUP_SECONDS = 1;
const DURATION_SECONDS = 4;
/** The routes alternate this many times so drift (thermal, GC, other load) hits them alike. */
const ROUNDS = 2;

interface StoreResult {
  store: string;
  control: LoadResult;
  wire: LoadResult;
  pipeline: LoadResult;
  bodyBytes: number;
}

/** Headers every response has, whatever the route: not the /v1 contract's. */
const TRANSPORT_HEADERS = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'x-request-id',
]);

function best(results: LoadResult[]): LoadResult {
  return results.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
}

async function measureStore(store: 'memory' | 'redis', redisUrl: string | undefined): Promise<StoreResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'punchclock-pipeline-'));
  const database = openDatabase({ sqliteFile: path.join(dir, 'bench.sqlite') });
  await migrateToLatest(database.db);
  const redis = store === 'redis' && redisUrl ? new Redis(redisUrl) : null;
  const config = loadConfig({ LOG_LEVEL: 'silent', PUNCHCLOCK_DATA_DIR: dir, PUNCHCLOCK_DEMO: 'false' });
  const app = await buildApp(config, {
    database,
    logger: false,
    redis,
    rateLimit: { policy: BENCH_RATE_LIMITS },
  });
  try {
    // The control: same server, the same object serialized by the same response schema (so the same body), none of
    // the /v1 machinery — what the ratio isolates is auth, scope, rate limit, versioning and the request log.
    // Routes must exist before the app is ready (the first inject readies it): the object is filled in later.
    let keyObject: Static<typeof ApiKeySchema> | undefined;
    let contractHeaders: Record<string, string> = {};
    const controlSchema = { schema: { hide: true, response: { 200: ApiKeySchema } } };
    app.get('/bench/control', controlSchema, async () => keyObject);
    app.get('/bench/wire', controlSchema, async (_request, reply) => {
      reply.headers(contractHeaders);
      return keyObject;
    });
    const { account, admin } = await createAccountWithAdmin(app.context, {
      name: 'Pipeline Co',
      plan: 'enterprise',
      adminEmail: `pipeline-${store}-${Date.now()}@example.com`,
    });
    const { key } = await createApiKey(app.context, account.id, {
      name: 'Bench',
      scopes: ['*'],
      createdBy: admin.id,
    });
    const authorization = `Bearer ${key}`;
    const pipelineResponse = () =>
      app.inject({ method: 'GET', url: '/v1/api-key', headers: { authorization } });
    // One use first: the key's lastUsedAt is then stored (and not stored again for a minute, longer than a run),
    // so the body the pipeline serves during the run is the one the control is given.
    await pipelineResponse();
    await app.context.requestLog.flush();
    const served = await pipelineResponse();
    const body = served.body;
    keyObject = JSON.parse(body) as Static<typeof ApiKeySchema>;
    contractHeaders = Object.fromEntries(
      Object.entries(served.headers)
        .filter(([name]) => !TRANSPORT_HEADERS.has(name))
        .map(([name, value]) => [name, String(value)]),
    );
    for (const url of ['/bench/control', '/bench/wire']) {
      if ((await app.inject({ method: 'GET', url })).body !== body) {
        throw new Error(`${url} must answer the same body as GET /v1/api-key`);
      }
    }
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    const load = (url: string, headers: Record<string, string> = {}) =>
      runLoad({
        url: origin + url,
        headers,
        connections: CONNECTIONS,
        warmupSeconds: WARMUP_SECONDS,
        durationSeconds: DURATION_SECONDS,
      });
    const controls: LoadResult[] = [];
    const wires: LoadResult[] = [];
    const pipelines: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      controls.push(await load('/bench/control'));
      wires.push(await load('/bench/wire', { authorization }));
      pipelines.push(await load('/v1/api-key', { authorization }));
    }
    if ((await pipelineResponse()).body !== body) {
      console.log(`  ${store}: warning — the pipeline's body changed during the run (lastUsedAt moved?)`);
    }
    const logged = await app.context.requestLog.flush().then(() =>
      database.db
        .selectFrom('api_request_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
    );
    console.log(`  ${store}: ${Number(logged?.n ?? 0).toLocaleString('en')} requests in the request log`);
    return {
      store,
      control: best(controls),
      wire: best(wires),
      pipeline: best(pipelines),
      bodyBytes: Buffer.byteLength(body),
    };
  } finally {
    await app.close();
    await redis?.quit();
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const redisUrl = loadConfig(process.env).redisUrl;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `pipeline benchmark — ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `autocannon (in this process): ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${DURATION_SECONDS} s ` +
      `per run, best of ${ROUNDS} alternating runs each\n`,
  );
  const results = [await measureStore('memory', undefined)];
  if (redisUrl) results.push(await measureStore('redis', redisUrl));
  else console.log('  (REDIS_URL not set: Redis store skipped)');

  console.log('\nstore    route                                  req/s   p50 ms  p99 ms  statuses');
  for (const { store, control, wire, pipeline } of results) {
    for (const [name, r] of [
      ['control (no auth, same body)', control],
      ['control + /v1 headers, no work (wire)', wire],
      ['GET /v1/api-key (pipeline)', pipeline],
    ] as const) {
      console.log(
        `${store.padEnd(8)} ${name.padEnd(38)} ${Math.round(r.requestsPerSecond).toString().padStart(6)}  ` +
          `${r.latencyP50.toString().padStart(6)}  ${r.latencyP99.toString().padStart(6)}  ${r.statuses}`,
      );
    }
  }
  console.log('\nratios of throughput (target: pipeline ÷ control ≥ 0.85 with the memory store)');
  for (const { store, control, wire, pipeline, bodyBytes } of results) {
    const rps = (r: LoadResult) => r.requestsPerSecond;
    const us = (r: LoadResult) => 1e6 / Math.max(rps(r), 1);
    console.log(
      `  ${store.padEnd(8)} pipeline ÷ control ${ratio(rps(pipeline), rps(control))}` +
        `   wire ÷ control ${ratio(rps(wire), rps(control))}   pipeline ÷ wire ${ratio(rps(pipeline), rps(wire))}` +
        `   (body ${bodyBytes} B; per request: headers on the wire +${(us(wire) - us(control)).toFixed(1)} µs,` +
        ` pipeline work +${(us(pipeline) - us(wire)).toFixed(1)} µs)`,
    );
  }
}

await main();
