/**
 * The comparison servers, each in a process of its own (bench/runner.ts starts them pinned to the server's core):
 * one route answering the very body GET /v1/api-key answers, serialized by the same response schema, on Fastify 5
 * with its defaults (no logger).
 *
 *   plain       — the route alone.
 *   rate-limit  — what a user would build instead of Punchclock's pipeline: @fastify/rate-limit (memory store,
 *                 limit out of reach) and a bearer check that looks up the SHA-256 of the key.
 *
 * Usage (IPC from the parent): node --import tsx bench/server-fastify.ts plain|rate-limit, with BENCH_BODY (the
 * body to answer) and, for rate-limit, BENCH_KEY (the one key accepted) in the environment.
 */
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { ApiKeySchema } from '../src/platform/api-keys/schema.js';
import type { ServerReady } from './support.js';

const variant = process.argv[2];
if (variant !== 'plain' && variant !== 'rate-limit')
  throw new Error('usage: server-fastify.ts plain|rate-limit');
const object: unknown = JSON.parse(process.env.BENCH_BODY ?? 'null');

const app = Fastify();
if (variant === 'rate-limit') {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  const keys = new Set([sha256(process.env.BENCH_KEY ?? '')]);
  await app.register(rateLimit, { max: 1_000_000_000, timeWindow: 60_000 });
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ') || !keys.has(sha256(header.slice(7)))) {
      return reply.code(401).send({ error: 'unauthorized' });
    }
  });
}
app.get('/v1/api-key', { schema: { response: { 200: ApiKeySchema } } }, async () => object);

const url = await app.listen({ host: '127.0.0.1', port: 0 });
const shutdown = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('disconnect', shutdown);
const ready: ServerReady = { type: 'ready', url, watch: { serverPid: process.pid } };
process.send?.(ready);
