import { type FastifyBaseLogger, type FastifyServerOptions, LogController } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogMethod = (...args: unknown[]) => void;

/**
 * `request.log` of one request: the pino child with the request id, made only when something is written through it.
 * Fastify's own factory makes that child for every request, at any level (pino builds a logger with the redaction
 * and serializers each time), while nearly every request writes nothing: the request log records it, and errors
 * are rare.
 * What is written goes through the same child as before, so the request id and the redaction are the same.
 */
class LazyRequestLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#logger().level = level;
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options);
  }

  #logger(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  /** A line below the level is dropped before the child exists, as the child itself would drop it. */
  #write(level: LevelName, args: unknown[]): void {
    if (this.#child === undefined && !this.#enabled(level)) return;
    const logger = this.#logger();
    (logger[level] as LogMethod).apply(logger, args);
  }

  #enabled(level: LevelName): boolean {
    // A route's own log level is the child's: only the child can say what it lets through.
    if (this.#options.level !== undefined) return true;
    const parent = this.#parent as Partial<{ isLevelEnabled(level: string): boolean }>;
    return parent.isLevelEnabled?.(level) ?? true;
  }
}

/** Fastify's `childLoggerFactory`: a LazyRequestLogger per request. */
export const lazyRequestLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
  logger,
  bindings,
  options,
) => new LazyRequestLogger(logger, bindings, options);

/**
 * Fastify's per-request log lines with the access log (`PUNCHCLOCK_ACCESS_LOG`) off: no "incoming request" and no
 * "request completed" — the request log is the access log — but a response that failed while being sent is still
 * logged, and so is everything else Fastify logs about a request (stream and serializer errors).
 */
export class AccessLogController extends LogController {
  readonly #accessLog: boolean;

  constructor(accessLog: boolean) {
    super();
    this.#accessLog = accessLog;
  }

  override incomingRequest(...args: Parameters<LogController['incomingRequest']>): void {
    if (this.#accessLog) super.incomingRequest(...args);
  }

  override requestCompleted(...args: Parameters<LogController['requestCompleted']>): void {
    if (this.#accessLog || args[0]) super.requestCompleted(...args);
  }
}
