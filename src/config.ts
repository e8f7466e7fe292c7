import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Everything the process reads from its environment, parsed once. See README "Configuration". */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly demo: boolean;
  readonly logRetentionDays: number;
  readonly webhookAllowPrivate: boolean;
  /**
   * How long a dispatcher's claim on a webhook delivery lasts: a claim older than this was abandoned (its process
   * died) and another dispatcher takes the delivery again. Deliveries time out well within it.
   */
  readonly webhookClaimTtlSeconds: number;
  readonly logLevel: LogLevel;
  /**
   * Fastify's two lines per request ("incoming request", "request completed") at `info`. Off by default: every /v1
   * request is in the request log already, and writing the two lines is work on every request.
   */
  readonly accessLog: boolean;
  /** Where people reach this server (`PUNCHCLOCK_PUBLIC_URL`): http(s), no trailing slash. */
  readonly publicUrl: string;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (per-address limits, the request log):
   * false (none), true (any), a hop count, or a comma-separated list of addresses/CIDRs.
   */
  readonly trustProxy: boolean | number | string;
  /** When an SQLite commit is durable: `normal` survives a process crash, `full` a power loss too (README). */
  readonly sqliteSynchronous: 'normal' | 'full';
}

export class ConfigError extends Error {}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}".`);
}

function parseInteger(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}".`);
  }
  return value;
}

function optional(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function parseTrustProxy(raw: string | undefined): boolean | number | string {
  const value = optional(raw);
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (/^\d+$/.test(value)) return parseInteger('PUNCHCLOCK_TRUST_PROXY', value, 0, 0, 32);
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry))) {
    throw new ConfigError(
      `PUNCHCLOCK_TRUST_PROXY must be true, false, a hop count or a list of addresses/CIDRs, got "${value}".`,
    );
  }
  return entries.join(',');
}

/**
 * Where people reach this server: an http(s) URL without a trailing slash. Portal links (invitations, password
 * resets), the demo banner and the OpenAPI document's server are made from it.
 */
function parsePublicUrl(raw: string | undefined, port: number): string {
  const value = optional(raw);
  if (value === undefined) return `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`PUNCHCLOCK_PUBLIC_URL must be an http(s) URL, got "${value}".`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new ConfigError(
      `PUNCHCLOCK_PUBLIC_URL must be an http(s) URL without a query or fragment, got "${value}".`,
    );
  }
  return value.replace(/\/+$/, '');
}

function parseSqliteSynchronous(raw: string | undefined): Config['sqliteSynchronous'] {
  const value = optional(raw)?.toLowerCase() ?? 'normal';
  if (value !== 'normal' && value !== 'full') {
    throw new ConfigError(`PUNCHCLOCK_SQLITE_SYNCHRONOUS must be normal or full, got "${raw}".`);
  }
  return value;
}

/** Parses the environment into a frozen Config. The only place in the code base that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}".`);
  }
  const port = parseInteger('PORT', env.PORT, 3000, 0, 65535);
  const publicUrl = parsePublicUrl(env.PUNCHCLOCK_PUBLIC_URL, port);
  return Object.freeze({
    port,
    host: optional(env.HOST) ?? '127.0.0.1',
    dataDir: path.resolve(optional(env.PUNCHCLOCK_DATA_DIR) ?? './data'),
    databaseUrl: optional(env.DATABASE_URL),
    redisUrl: optional(env.REDIS_URL),
    demo: parseBoolean('PUNCHCLOCK_DEMO', env.PUNCHCLOCK_DEMO, true),
    logRetentionDays: parseInteger(
      'PUNCHCLOCK_LOG_RETENTION_DAYS',
      env.PUNCHCLOCK_LOG_RETENTION_DAYS,
      30,
      1,
      3650,
    ),
    webhookAllowPrivate: parseBoolean(
      'PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE',
      env.PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE,
      false,
    ),
    webhookClaimTtlSeconds: parseInteger(
      'PUNCHCLOCK_WEBHOOK_CLAIM_TTL_SECONDS',
      env.PUNCHCLOCK_WEBHOOK_CLAIM_TTL_SECONDS,
      60,
      2,
      3600,
    ),
    logLevel,
    accessLog: parseBoolean('PUNCHCLOCK_ACCESS_LOG', env.PUNCHCLOCK_ACCESS_LOG, false),
    publicUrl,
    trustProxy: parseTrustProxy(env.PUNCHCLOCK_TRUST_PROXY),
    sqliteSynchronous: parseSqliteSynchronous(env.PUNCHCLOCK_SQLITE_SYNCHRONOUS),
  });
}
