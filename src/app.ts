import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { Redis } from 'ioredis';
import type { Config, LogLevel } from './config.js';
import { type DatabaseHandle, isShareable } from './db/database.js';
import { requestScoped } from './db/request-transaction.js';
import { KeyCache } from './platform/api-keys/cache.js';
import { redactKeys } from './platform/api-keys/format.js';
import { redisInvalidationPublisher, subscribeToInvalidations } from './platform/api-keys/invalidation.js';
import type { AppContext } from './platform/context.js';
import { registerApi } from './platform/http/api-plugin.js';
import { apiPathOf } from './platform/http/api-request.js';
import { answerClientError } from './platform/http/client-errors.js';
import {
  BODY_LIMIT_BYTES,
  registerJsonParser,
  registerNulCheck,
  registerResponseSerializer,
  registerValidators,
} from './platform/http/content.js';
import { registerErrorHandling, routerRefusal, sendError } from './platform/http/error-handler.js';
import { registerRequestTelemetry } from './platform/http/telemetry.js';
import { AppMetrics } from './platform/metrics/metrics.js';
import { metricsRoutes } from './platform/metrics/routes.js';
import { registerDocs } from './platform/openapi/docs.js';
import { opsRoutes } from './platform/ops/routes.js';
import { DatabaseCounterLedger } from './platform/rate-limit/database-ledger.js';
import { DAY_MS, RateLimiter, type RateLimitPolicy } from './platform/rate-limit/limiter.js';
import { MemoryRateLimitStore } from './platform/rate-limit/memory-store.js';
import { RedisRateLimitStore } from './platform/rate-limit/redis-store.js';
import type { RateLimitStore } from './platform/rate-limit/store.js';
import { AccessLogController, lazyRequestLogger } from './platform/request-log/request-logger.js';
import { WorkerSink } from './platform/request-log/worker-sink.js';
import { type RequestLogOptions, RequestLogWriter } from './platform/request-log/writer.js';
import { logPasswordLinks, type PasswordLinkDelivery } from './platform/users/delivery.js';
import { LATEST_API_VERSION, type VersionContext } from './platform/versioning/versions.js';
import { type DispatcherOptions, WebhookDispatcher } from './platform/webhooks/dispatcher.js';
import { httpSender, type WebhookSender } from './platform/webhooks/http-sender.js';
import { type HostResolver, systemResolver } from './platform/webhooks/ssrf.js';
import { registerPortal } from './portal/plugin.js';
import { RESOURCE_MODULES, RESOURCES } from './resources/registry.js';
import { type Clock, systemClock } from './shared/clock.js';
import { newRequestId } from './shared/ids.js';
import './platform/http/fastify-types.js';

export interface AppDependencies {
  database: DatabaseHandle;
  /** A Redis client to share state with other processes; by default one is opened when config.redisUrl is set. */
  redis?: Redis | null;
  clock?: Clock;
  /**
   * `false` for no log; otherwise overrides of the level (default from config) and the destination (default
   * stdout). Whatever the overrides, the Authorization header stays redacted.
   */
  logger?: false | { level?: LogLevel; stream?: LogStream };
  /** Overrides of the request log's batching and timers (tests turn the timers off and flush explicitly). */
  requestLog?: Partial<RequestLogOptions>;
  /**
   * Write the request log from a worker thread with its own connection (default: whenever the database can be
   * opened twice, i.e. file SQLite or PostgreSQL), keeping its SQLite work off the thread that serves requests.
   */
  requestLogInWorker?: boolean;
  /**
   * Rate limiting: by default the plan table's limits, counted in Redis when there is a client, else in memory.
   * Tests inject a store (Redis on the test clock); the benchmark a policy whose limits it never reaches.
   */
  rateLimit?: { store?: RateLimitStore; policy?: RateLimitPolicy };
  /**
   * The webhook dispatcher runs in the background only with `autoStart` (the server sets it): tests leave it
   * stopped and drive `app.context.webhooks.runOnce()`. They may also replace the HTTP sender, the resolution of
   * webhook host names (this machine may have no DNS), the retry jitter and the loop's timings.
   */
  webhooks?: Partial<Omit<DispatcherOptions, 'send' | 'claimTtlMs'>> & {
    autoStart?: boolean;
    send?: WebhookSender;
    resolve?: HostResolver;
  };
  /** Where "forgot password" links go; by default the server log at warn level (tests capture them). */
  passwordLinks?: PasswordLinkDelivery;
}

export interface LogStream {
  write(line: string): void;
}

export type App = FastifyInstance;

/**
 * Never write a key: Authorization is redacted wherever it appears, and key-shaped tokens are cut out of logged URLs
 * (clients do put keys in query strings). Fastify's access-log lines are written only with `config.accessLog` (the
 * request log records every /v1 request), and a request's child logger is made only when something is logged
 * through it (platform/request-log/request-logger.ts).
 */
function loggingOptions(
  config: Config,
  overrides: AppDependencies['logger'],
): Pick<FastifyServerOptions, 'logger' | 'logController' | 'childLoggerFactory'> {
  if (overrides === false) return { logger: false };
  const stream = overrides?.stream;
  return {
    logger: {
      level: overrides?.level ?? config.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.authorization'],
        censor: '[redacted]',
      },
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactKeys(request.url),
          remoteAddress: request.ip,
        }),
      },
      ...(stream ? { stream } : {}),
    },
    logController: new AccessLogController(config.accessLog),
    childLoggerFactory: lazyRequestLogger,
  };
}

/** A hop count trusts that many proxies in front of us; Fastify's typings take that form as a function. */
function trustProxyOption(
  trust: Config['trustProxy'],
): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
}

/** Builds the Fastify app with every face (API, docs, ops). Never listens: main.ts and tests decide that. */
export async function buildApp(config: Config, deps: AppDependencies): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    ...loggingOptions(config, deps.logger),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    trustProxy: trustProxyOption(config.trustProxy),
    // What Node's HTTP parser refuses (headers over 16 KiB, a garbage request line) never reaches Fastify's routing.
    clientErrorHandler: answerClientError,
    // A URL the router cannot read never reaches a hook: answer it in the envelope here.
    frameworkErrors: (error, request, reply) => {
      reply.header('X-Request-Id', request.id);
      return sendError(reply, request, routerRefusal(error));
    },
  });

  // A client passed in belongs to the caller; one opened here is closed with the app.
  const ownsRedis = deps.redis === undefined && config.redisUrl !== undefined;
  const redis = deps.redis !== undefined ? deps.redis : config.redisUrl ? new Redis(config.redisUrl) : null;
  const { autoStart, send, resolve, ...dispatcherOptions } = deps.webhooks ?? {};
  const resolveHost = resolve ?? systemResolver;
  const logInvalidationError = (error: unknown) =>
    app.log.error({ err: error }, 'key-cache invalidation failed');
  // Embedded mode counts in memory; the daily write cap is also kept in the database so a restart keeps it.
  const rateLimitStore =
    deps.rateLimit?.store ??
    (redis
      ? new RedisRateLimitStore(redis)
      : new MemoryRateLimitStore(clock, {
          durable: { ledger: new DatabaseCounterLedger(deps.database.db), minWindowMs: DAY_MS },
        }));
  if (rateLimitStore instanceof MemoryRateLimitStore) await rateLimitStore.load();
  deps.database.onIdleConnectionError((error) =>
    app.log.warn(
      { err: error },
      'a PostgreSQL connection was lost while idle; the pool opens another when needed',
    ),
  );
  const context: AppContext = {
    config,
    redis,
    // Services see the transaction of an idempotent write as their database (db/request-transaction.ts).
    database: requestScoped(deps.database),
    clock,
    resources: RESOURCES,
    keyCache: new KeyCache(clock, {
      ...(redis ? { publish: redisInvalidationPublisher(redis, logInvalidationError) } : {}),
    }),
    requestLog: new RequestLogWriter(deps.database.db, clock, app.log, {
      retentionDays: config.logRetentionDays,
      ...((deps.requestLogInWorker ?? isShareable(deps.database.options))
        ? { sink: new WorkerSink(deps.database.options) }
        : {}),
      // GET /v1/api-key answers from the cached key row, so the cached copy follows its lastUsedAt.
      onKeyUsesStored: (lastUsedAt) => {
        for (const [keyId, at] of lastUsedAt) context.keyCache.noteLastUsed(keyId, at);
      },
      ...deps.requestLog,
    }),
    // Read at scrape time, so the context is complete by then.
    metrics: new AppMetrics(() => context),
    rateLimiter: new RateLimiter({
      store: rateLimitStore,
      clock,
      logger: app.log,
      policy: deps.rateLimit?.policy,
    }),
    logger: app.log,
    webhooks: new WebhookDispatcher(deps.database.db, { clock, resources: RESOURCES }, app.log, {
      send: send ?? httpSender({ allowPrivate: config.webhookAllowPrivate, resolve: resolveHost }),
      claimTtlMs: config.webhookClaimTtlSeconds * 1000,
      ...dispatcherOptions,
    }),
    resolveHost,
    passwordLinks: deps.passwordLinks ?? logPasswordLinks(app.log),
  };
  context.rateLimiter.onRefused((refusal) => context.metrics.recordRateLimitRefusal(refusal.reason));
  app.decorate('context', context);
  app.decorateRequest('principal', null);
  app.decorateRequest('apiVersion', null);
  app.decorateRequest('recognisedKey', null);
  app.decorateRequest('errorCode', null);
  // Each request gets its own object in onRequest (Fastify forbids shared reference values on decorators).
  app.decorateRequest('versionContext', undefined as unknown as VersionContext);
  app.decorateRequest('apiPath', null);
  // Set in onRequest, before anything reads it.
  app.decorateRequest('receivedAt', undefined as unknown as Date);
  app.decorateRequest('routeConfig', undefined as unknown as FastifyRequest['routeOptions']['config']);

  // Per-request hooks are synchronous callbacks where they can be: an async hook costs a promise and a microtask
  // on every request (measured with the old in-process bench/pipeline.ts).
  app.addHook('onRequest', (request, reply, done) => {
    request.receivedAt = clock.now();
    request.apiPath = apiPathOf(request.url);
    request.routeConfig = request.routeOptions.config;
    request.versionContext = {};
    reply.header('X-Request-Id', request.id);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.apiPath !== null) {
      reply.header('X-Api-Version', request.apiVersion ?? LATEST_API_VERSION);
    }
    done(null, payload);
  });
  // Other processes' revocations reach this one's key cache at once, not only when entries expire.
  const unsubscribe = redis
    ? await subscribeToInvalidations(redis, context.keyCache, logInvalidationError)
    : async () => {};
  if (autoStart) app.addHook('onReady', async () => context.webhooks.start());
  app.addHook('onClose', async () => {
    // First: attempts in flight still write their outcomes through the database and may emit events.
    await context.webhooks.stop();
    await unsubscribe();
    await context.requestLog.close();
    if (ownsRedis) await redis?.quit();
  });

  // Root hooks, added before any route: they must see /v1 requests that no route matched or that auth refused.
  registerRequestTelemetry(app, context);
  registerErrorHandling(app);
  registerJsonParser(app);
  registerNulCheck(app);
  registerResponseSerializer(app);
  registerValidators(app);

  await registerDocs(app, config, RESOURCES);
  await registerApi(app, context, (api) => {
    for (const module of RESOURCE_MODULES) module.register(api, context);
  });
  await registerPortal(app, context);
  opsRoutes(app, context);
  metricsRoutes(app, context);
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs'));

  return app;
}
