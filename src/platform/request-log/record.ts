import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NewApiRequestLogRow } from '../../db/tables.js';
import { redactKeys } from '../api-keys/format.js';
import type { AppContext } from '../context.js';
import { routePatternOf } from '../http/api-request.js';

/** Long paths and user agents are cut: the buffer's memory bound counts rows, so rows must stay small. */
const MAX_PATH_LENGTH = 1024;
const MAX_USER_AGENT_LENGTH = 512;

/** A percent-encoded key (`pc%5Flive%5F…`) is still a key: look at the decoded form too. */
function redactedPath(path: string): string {
  // Nearly every path has neither a key nor an escape: skip the decoding and the regular expressions then.
  if (!path.includes('%') && !path.includes('pc_live_')) return path.slice(0, MAX_PATH_LENGTH);
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes: the raw form is all there is.
  }
  const safe = decoded !== path && redactKeys(decoded) !== decoded ? redactKeys(decoded) : redactKeys(path);
  return safe.slice(0, MAX_PATH_LENGTH);
}

function userAgentOf(request: FastifyRequest): string | null {
  const value = request.headers['user-agent'];
  if (!value) return null;
  return (value.includes('pc_live_') ? redactKeys(value) : value).slice(0, MAX_USER_AGENT_LENGTH);
}

/** One request as a log row. Keys never reach it: no headers but the user agent, and paths are redacted. */
export function requestLogRowOf(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  now: Date,
): NewApiRequestLogRow {
  // A refused key (revoked, expired…) still tells the account whose key is being tried.
  const key = request.principal ?? request.recognisedKey;
  return {
    id: request.id,
    account_id: key?.accountId ?? null,
    key_id: key?.keyId ?? null,
    method: request.method,
    route: routePatternOf(request),
    path: redactedPath(path),
    status: reply.statusCode,
    error_code: request.errorCode,
    duration_ms: Math.round(reply.elapsedTime),
    ip: request.ip,
    user_agent: userAgentOf(request),
    api_version: request.apiVersion,
    created_at: now.toISOString(),
  };
}

/**
 * Records every /v1 request once its response is sent. A root hook, so that requests no /v1 route matched and
 * requests refused in onRequest (401, 403, 429) are recorded too.
 */
export function registerRequestLog(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onResponse', (request, reply, done) => {
    const path = request.apiPath;
    if (path !== null) {
      ctx.requestLog.record(
        requestLogRowOf(request, reply, path, ctx.clock.now()),
        request.principal?.keyId ?? null,
      );
    }
    done();
  });
}
