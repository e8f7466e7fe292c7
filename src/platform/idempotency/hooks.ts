import type {
  FastifyInstance,
  FastifyRequest,
  onSendAsyncHookHandler,
  preHandlerAsyncHookHandler,
  preValidationHookHandler,
} from 'fastify';
import type { AppContext } from '../context.js';
import { addRouteHook, isWriteRoute } from '../http/route-hooks.js';
import type { Claim } from './repository.js';
import {
  claimIdempotencyKey,
  finishIdempotencyKey,
  releaseIdempotencyKey,
  requestFingerprint,
  runClaimedWrite,
  sweepExpiredIdempotencyKeys,
} from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Idempotency-Key this request claimed, until its answer is stored (with its write, or when it is sent). */
    idempotencyClaim: Claim | null;
    /**
     * Runs the route's work; for a request that claimed an Idempotency-Key, in one transaction with the storing of
     * its answer (the work's result, sent with `status()`). Null when the request claimed no key.
     */
    runWrite: (<T>(work: () => Promise<T>, status: () => number) => Promise<T>) | null;
    /** Fingerprint of the request as sent (before validation fills in defaults). */
    idempotencyFingerprint: string | null;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const SWEEP_EVERY_MS = 3600 * 1000;

/** The error code of a stored error response, so the request log records a replayed error as what it is. */
function storedErrorCode(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? parsed.error.code : null;
  } catch {
    return null;
  }
}

function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers[IDEMPOTENCY_HEADER];
  return Array.isArray(header) ? header[0] : header;
}

/**
 * Idempotent writes (DESIGN §3.7) for every POST and PATCH of the /v1 context. Runs after authentication and
 * validation, so invalid requests (400) are never stored; the claim and the stored response live in the database,
 * so every process behind the load balancer sees them.
 */
export function registerIdempotency(api: FastifyInstance, ctx: AppContext): void {
  api.decorateRequest('idempotencyClaim', null);
  api.decorateRequest('idempotencyFingerprint', null);
  api.decorateRequest('runWrite', null);

  // The body as the client sent it: after validation it also holds schema defaults.
  const fingerprint: preValidationHookHandler = (request, _reply, done) => {
    if (idempotencyKeyOf(request) !== undefined) {
      request.idempotencyFingerprint = requestFingerprint(request.method, request.url, request.body);
    }
    done();
  };

  const claim: preHandlerAsyncHookHandler = async (request, reply) => {
    const key = idempotencyKeyOf(request);
    const fingerprint = request.idempotencyFingerprint;
    if (key === undefined || fingerprint === null || !request.principal) return;
    const outcome = await claimIdempotencyKey(ctx, request.principal.accountId, key, fingerprint);
    if (outcome.kind === 'replay') {
      request.errorCode = storedErrorCode(outcome.body);
      reply
        .code(outcome.status)
        .header('Idempotent-Replayed', 'true')
        .type('application/json; charset=utf-8');
      // An error is replayed as it was sent. A result is the object as stored, before any projection: sent as an
      // object, it is projected for the replaying key and rendered in its version like any response.
      return reply.send(outcome.status >= 400 ? outcome.body : JSON.parse(outcome.body));
    }
    const { claim } = outcome;
    request.idempotencyClaim = claim;
    request.runWrite = async (work, status) => {
      const result = await runClaimedWrite(ctx, claim, work, (value) => ({
        status: status(),
        body: JSON.stringify(value),
      }));
      // Stored with the write: nothing is left for onSend to store.
      request.idempotencyClaim = null;
      return result;
    };
  };

  // What is left to store here is an error: a result is stored with its write (runWrite), before projection, so
  // that its replays are projected for whoever replays them. Errors changed nothing and are replayed as sent.
  const finish: onSendAsyncHookHandler = async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (claim === null) return payload;
    request.idempotencyClaim = null;
    try {
      if (reply.statusCode < 400) {
        // Only a route that bypassed runWrite gets here; its body is projected for this key, so it is not kept.
        request.log.error(
          { url: request.url },
          'a write answered outside runWrite: its answer is not stored',
        );
        await releaseIdempotencyKey(ctx, claim);
      } else {
        const sent = typeof payload === 'string' ? payload : String(payload ?? '');
        await finishIdempotencyKey(ctx, claim, { status: reply.statusCode, body: sent });
      }
    } catch (error) {
      // The response itself succeeded; the claim stays in progress until its lock lapses and a retry takes over.
      request.log.error({ err: error }, 'could not store the idempotent response');
    }
    return payload;
  };

  // Only POST and PATCH take an Idempotency-Key: reads never pay for these hooks.
  api.addHook('onRoute', (route) => {
    if (!isWriteRoute(route.method)) return;
    addRouteHook(route, 'preValidation', fingerprint);
    addRouteHook(route, 'preHandler', claim);
    addRouteHook(route, 'onSend', finish);
  });

  const sweep = setInterval(() => {
    sweepExpiredIdempotencyKeys(ctx).catch((error: unknown) =>
      ctx.logger.error({ err: error }, 'idempotency sweep failed'),
    );
  }, SWEEP_EVERY_MS);
  sweep.unref();
  api.addHook('onClose', async () => clearInterval(sweep));
}
