import { performance } from 'node:perf_hooks';
import type { Db, NewApiRequestLogRow } from '../../db/tables.js';
import type { Clock } from '../../shared/clock.js';
import { KEY_USE_RECORD_INTERVAL_MS } from '../api-keys/repository.js';
import { sweepRequestLog } from './retention.js';
import { databaseSink, type RequestLogSink } from './sink.js';

export interface RequestLogOptions {
  /** How often buffered rows are written; null writes only when a batch fills, on flush() and on close(). */
  readonly flushIntervalMs: number | null;
  /** Rows per transaction; a full batch is written at once instead of waiting for the timer. */
  readonly batchSize: number;
  /** The most rows kept in memory while the database does not take them; beyond it the oldest are dropped. */
  readonly maxBufferedRows: number;
  /** Rows older than this many days are deleted by the retention sweep. */
  readonly retentionDays: number;
  /** How often the retention sweep runs; null never (tests, or an operator who sweeps from the CLI). */
  readonly retentionSweepIntervalMs: number | null;
  /** Where batches are written; by default the app's own connection, on this thread. */
  readonly sink?: RequestLogSink | undefined;
  /** Told each key's lastUsedAt as now stored (the app updates its cached copies of the keys). */
  readonly onKeyUsesStored?: ((lastUsedAt: ReadonlyMap<string, string>) => void) | undefined;
}

export const DEFAULT_REQUEST_LOG_OPTIONS: RequestLogOptions = {
  flushIntervalMs: 250,
  batchSize: 500,
  maxBufferedRows: 10_000,
  retentionDays: 30,
  retentionSweepIntervalMs: 3_600_000,
};

/** A sweep soon after start, so a process that restarts more often than hourly still sweeps. */
const FIRST_SWEEP_DELAY_MS = 60_000;
/** Wait between attempts while the database refuses writes: from 1 s, doubling, at most 30 s. */
const MIN_RETRY_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 30_000;

/** The part of the app's logger the writer uses. */
export interface RequestLogLogger {
  error(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** What a drain writes: everything buffered when it starts, or only full batches. */
type DrainExtent = 'all' | 'full-batches';

interface BufferedRequest {
  readonly row: NewApiRequestLogRow;
  /** The key that authenticated the request, if one did: such requests move the key's lastUsedAt. */
  readonly usedKeyId: string | null;
}

/**
 * The request log (DESIGN §3.9) and keys' lastUsedAt, written off the request path: a request only appends a row
 * to memory; batches are written in one transaction each, every `flushIntervalMs` or as soon as a batch is
 * full. Memory stays bounded when the database is down: failed batches go back to the buffer, and once it holds
 * `maxBufferedRows` the oldest rows are dropped and counted (a metric) rather than growing until the process dies.
 */
export class RequestLogWriter {
  readonly #db: Db;
  readonly #sink: RequestLogSink;
  readonly #clock: Clock;
  readonly #log: RequestLogLogger;
  readonly #options: RequestLogOptions;
  readonly #buffer: BufferedRequest[] = [];
  /** Each key's lastUsedAt as last known to be stored (ms, by the clock): it is written at most once a minute. */
  readonly #keyUseWritten = new Map<string, number>();
  readonly #flushTimer: NodeJS.Timeout | null;
  #sweepTimer: NodeJS.Timeout | null = null;
  #sweeping: Promise<unknown> = Promise.resolve();
  /** Drains run one after another, so two batches never race for the same rows. */
  #queue: Promise<void> = Promise.resolve();
  #queuedDrains = 0;
  /** Set by a failed write: timer-driven drains wait until then (performance.now()); explicit flushes do not. */
  #retryAt = 0;
  #retryDelayMs = MIN_RETRY_DELAY_MS;
  #failing = false;
  #droppedDuringFailure = 0;
  #droppedRows = 0;
  #failedFlushes = 0;
  #closed = false;

  constructor(db: Db, clock: Clock, log: RequestLogLogger, options: Partial<RequestLogOptions> = {}) {
    this.#db = db;
    this.#clock = clock;
    this.#log = log;
    this.#options = { ...DEFAULT_REQUEST_LOG_OPTIONS, ...options };
    this.#sink = this.#options.sink ?? databaseSink(db);
    const every = this.#options.flushIntervalMs;
    this.#flushTimer = every === null ? null : setInterval(() => this.#drainSoon('all'), every);
    // Timers never keep a process alive: shutdown flushes explicitly through close().
    this.#flushTimer?.unref();
    if (this.#options.retentionSweepIntervalMs !== null) {
      this.#scheduleSweep(Math.min(FIRST_SWEEP_DELAY_MS, this.#options.retentionSweepIntervalMs));
    }
  }

  /** Rows waiting in memory (a gauge). */
  get bufferedRows(): number {
    return this.#buffer.length;
  }

  /** Rows dropped since start because the buffer was full (a counter). */
  get droppedRows(): number {
    return this.#droppedRows;
  }

  /** Batches the database refused since start (a counter). */
  get failedFlushes(): number {
    return this.#failedFlushes;
  }

  /** Appends one request; never waits and never throws, so logging cannot slow or fail a request. */
  record(row: NewApiRequestLogRow, usedKeyId: string | null): void {
    this.#buffer.push({ row, usedKeyId });
    this.#enforceBound();
    if (this.#buffer.length >= this.#options.batchSize) this.#drainSoon('full-batches');
  }

  /**
   * Writes everything recorded before the call (unless the database refuses it: then the rows stay buffered and
   * the error is logged). Never rejects.
   */
  flush(): Promise<void> {
    return this.#enqueueDrain('all');
  }

  /** Deletes rows older than the retention period now; returns how many. */
  sweep(): Promise<number> {
    const run = sweepRequestLog(this.#db, this.#clock, this.#options.retentionDays);
    this.#sweeping = run.catch(() => undefined);
    return run;
  }

  /** Stops the timers and writes what is buffered: the last step of a graceful shutdown, before the db closes. */
  async close(): Promise<void> {
    if (this.#flushTimer) clearInterval(this.#flushTimer);
    if (this.#sweepTimer) clearTimeout(this.#sweepTimer);
    this.#closed = true;
    await this.#sweeping;
    await this.flush();
    if (this.#buffer.length > 0) {
      this.#log.error(
        { lostRows: this.#buffer.length },
        'request log rows could not be written before shutdown and are lost',
      );
    }
    await this.#sink.close();
  }

  #drainSoon(extent: DrainExtent): void {
    if (this.#queuedDrains > 0 || this.#buffer.length === 0) return;
    if (performance.now() < this.#retryAt) return;
    void this.#enqueueDrain(extent);
  }

  #enqueueDrain(extent: DrainExtent): Promise<void> {
    this.#queuedDrains++;
    this.#queue = this.#queue.then(async () => {
      try {
        await this.#drain(extent);
      } finally {
        this.#queuedDrains--;
      }
    });
    return this.#queue;
  }

  /**
   * Writes full batches, and with 'all' also the rows buffered when the drain starts. Rows that arrive while a
   * batch is being written wait for a full batch or the next timer: writing them at once, a few at a time, would
   * cost a transaction (and a message to the worker) for every handful of requests.
   */
  async #drain(extent: DrainExtent): Promise<void> {
    let owed = extent === 'all' ? this.#buffer.length : 0;
    while (owed > 0 || this.#buffer.length >= this.#options.batchSize) {
      const batch = this.#buffer.splice(0, this.#options.batchSize);
      owed -= batch.length;
      try {
        await this.#write(batch);
      } catch (error) {
        this.#onWriteFailed(batch, error);
        return;
      }
      this.#onWriteSucceeded();
    }
  }

  async #write(batch: readonly BufferedRequest[]): Promise<void> {
    const keyUses = this.#keyUsesToWrite(batch);
    const stored = await this.#sink.write(
      batch.map((entry) => entry.row),
      keyUses,
    );
    // What is stored now, whoever wrote it, decides when this process writes the key again.
    for (const [keyId, lastUsedAt] of stored) this.#keyUseWritten.set(keyId, Date.parse(lastUsedAt));
    if (stored.size > 0) this.#options.onKeyUsesStored?.(stored);
    this.#forgetOldKeyUses();
  }

  /**
   * The latest use of each key in the batch, leaving out keys this process wrote less than a minute ago. The
   * update itself also checks the stored time, which covers writes by other processes.
   */
  #keyUsesToWrite(batch: readonly BufferedRequest[]): Map<string, string> {
    const latest = new Map<string, string>();
    for (const { row, usedKeyId } of batch) {
      if (usedKeyId === null) continue;
      const seen = latest.get(usedKeyId);
      if (seen === undefined || row.created_at > seen) latest.set(usedKeyId, row.created_at);
    }
    for (const [keyId, usedAt] of latest) {
      const written = this.#keyUseWritten.get(keyId);
      if (written !== undefined && Date.parse(usedAt) - written < KEY_USE_RECORD_INTERVAL_MS) {
        latest.delete(keyId);
      }
    }
    return latest;
  }

  /** Entries older than the interval decide nothing any more; dropping them bounds the map by recent keys. */
  #forgetOldKeyUses(): void {
    const now = this.#clock.now().getTime();
    for (const [keyId, written] of this.#keyUseWritten) {
      if (now - written >= KEY_USE_RECORD_INTERVAL_MS) this.#keyUseWritten.delete(keyId);
    }
  }

  #onWriteFailed(batch: BufferedRequest[], error: unknown): void {
    // Back in front, in order: when the buffer is full, these are the oldest and the first to be dropped.
    this.#buffer.unshift(...batch);
    this.#enforceBound();
    this.#failedFlushes++;
    this.#retryAt = performance.now() + this.#retryDelayMs;
    this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, MAX_RETRY_DELAY_MS);
    // Once per outage, not once per attempt: a database that is down for an hour must not flood the log.
    if (!this.#failing) {
      this.#failing = true;
      this.#droppedDuringFailure = 0;
      this.#log.error(
        { err: error, bufferedRows: this.#buffer.length },
        'request log write failed; keeping rows in memory (bounded) and retrying',
      );
    }
  }

  #onWriteSucceeded(): void {
    this.#retryAt = 0;
    this.#retryDelayMs = MIN_RETRY_DELAY_MS;
    if (!this.#failing) return;
    this.#failing = false;
    this.#log.info({ droppedRows: this.#droppedDuringFailure }, 'request log writes recovered');
  }

  #enforceBound(): void {
    const excess = this.#buffer.length - this.#options.maxBufferedRows;
    if (excess <= 0) return;
    this.#buffer.splice(0, excess);
    this.#droppedRows += excess;
    this.#droppedDuringFailure += excess;
  }

  #scheduleSweep(delayMs: number): void {
    if (this.#closed) return;
    this.#sweepTimer = setTimeout(() => {
      this.sweep()
        .then((deleted) => {
          if (deleted > 0) this.#log.info({ deleted }, 'request log retention sweep');
        })
        .catch((error: unknown) => this.#log.error({ err: error }, 'request log retention sweep failed'))
        .finally(() => {
          const every = this.#options.retentionSweepIntervalMs;
          if (every !== null) this.#scheduleSweep(every);
        });
    }, delayMs);
    this.#sweepTimer.unref();
  }
}
