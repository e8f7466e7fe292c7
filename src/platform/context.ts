import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { KeyCache } from './api-keys/cache.js';
import type { ResourceRegistry } from './descriptors/registry.js';
import type { AppMetrics } from './metrics/metrics.js';
import type { RateLimiter } from './rate-limit/limiter.js';
import type { RequestLogWriter } from './request-log/writer.js';
import type { PasswordLinkDelivery } from './users/delivery.js';
import type { WebhookDispatcher } from './webhooks/dispatcher.js';
import type { HostResolver } from './webhooks/ssrf.js';

/** What services need, built once per process (or per test) and passed in: no globals. */
export interface AppContext {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly clock: Clock;
  readonly keyCache: KeyCache;
  /** Every resource of the API, from their descriptors: what the platform knows of the resources it serves. */
  readonly resources: ResourceRegistry;
  /** The request log, and keys' lastUsedAt with it: buffered, written in batches (DESIGN §3.9). */
  readonly requestLog: RequestLogWriter;
  readonly metrics: AppMetrics;
  /** The /v1 rate limits (DESIGN §3.6): counters in Redis when `redis` is set, else in this process. */
  readonly rateLimiter: RateLimiter;
  readonly logger: FastifyBaseLogger;
  /** Shared state across processes (rate-limit counters, cache invalidation); null in embedded mode. */
  readonly redis: Redis | null;
  /** Sends webhook deliveries from the outbox (DESIGN §3.10); `wake()` it after queuing a delivery to send now. */
  readonly webhooks: WebhookDispatcher;
  /** Resolves webhook hosts for the address checks (at save and before every delivery); injectable for tests. */
  readonly resolveHost: HostResolver;
  /** Hands "forgot password" links to their users: by default, the server log (no mail server is assumed). */
  readonly passwordLinks: PasswordLinkDelivery;
}

/** The part of the context that the operator CLI and the portal share with the API. */
export type ServiceContext = Pick<AppContext, 'database' | 'clock' | 'keyCache' | 'resources'>;
