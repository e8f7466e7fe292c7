import type { FastifyReply, FastifyRequest } from 'fastify';
import type { NewApiRequestLogRow } from '../../db/tables.js';
import { redactKeys } from '../api-keys/format.js';

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

/**
 * The last instant formatted, and its text: under load most requests share their millisecond with the one before,
 * and toISOString was the dearest part of building a row. A pure memo, keyed by the millisecond.
 */
let formattedMs = Number.NaN;
let formatted = '';
function isoTimestamp(now: Date): string {
  const ms = now.getTime();
  if (ms !== formattedMs) {
    formatted = now.toISOString();
    formattedMs = ms;
  }
  return formatted;
}

/** One request as a log row. Keys never reach it: no headers but the user agent, and paths are redacted. */
export function requestLogRowOf(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  route: string | null,
  durationMs: number,
  now: Date,
): NewApiRequestLogRow {
  // A refused key (revoked, expired…) still tells the account whose key is being tried.
  const key = request.principal ?? request.recognisedKey;
  return {
    id: request.id,
    account_id: key?.accountId ?? null,
    key_id: key?.keyId ?? null,
    method: request.method,
    route,
    path: redactedPath(path),
    status: reply.statusCode,
    error_code: request.errorCode,
    duration_ms: Math.round(durationMs),
    ip: request.ip,
    user_agent: userAgentOf(request),
    api_version: request.apiVersion,
    created_at: isoTimestamp(now),
  };
}
