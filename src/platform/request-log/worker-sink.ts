import { Worker } from 'node:worker_threads';
import type { DatabaseOptions } from '../../db/database.js';
import type { NewApiRequestLogRow } from '../../db/tables.js';
import { type RequestLogColumns, toRequestLogColumns } from './repository.js';
import type { RequestLogSink } from './sink.js';

export type SinkRequest =
  | { kind: 'write'; id: number; columns: RequestLogColumns; keyUses: [string, string][] }
  | { kind: 'close'; id: number };
export type SinkReply = { id: number; stored: [string, string][] } | { id: number; error: string };

interface Pending {
  resolve(stored: Map<string, string>): void;
  reject(error: Error): void;
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);

/**
 * The built server starts dist/…/worker.js. Run from source (tests, `tsx`), a worker thread does not inherit the
 * TypeScript loader, so it registers tsx itself before importing worker.ts.
 */
function startWorker(workerData: DatabaseOptions): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Sends batches to a worker thread with its own connection to the same database (file SQLite in WAL mode, or
 * PostgreSQL). A worker that dies fails its pending batches — the writer keeps those rows and retries — and is
 * started again on the next batch.
 */
export class WorkerSink implements RequestLogSink {
  readonly #options: DatabaseOptions;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | null = null;
  #nextId = 1;

  constructor(options: DatabaseOptions) {
    // Only plain data crosses to the thread: a query logger is a function and stays here.
    const { onQuery: _onQuery, ...plain } = options;
    this.#options = { ...plain, poolSize: 2 };
  }

  write(
    rows: readonly NewApiRequestLogRow[],
    keyUses: ReadonlyMap<string, string>,
  ): Promise<Map<string, string>> {
    // Columns, not row objects: they are what the thread copy is cheapest for (see RequestLogColumns).
    return this.#send({
      kind: 'write',
      id: this.#nextId++,
      columns: toRequestLogColumns(rows),
      keyUses: [...keyUses],
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    await this.#send({ kind: 'close', id: this.#nextId++ }).catch(() => undefined);
    this.#worker = null;
    await worker.terminate();
  }

  #send(request: SinkRequest): Promise<Map<string, string>> {
    const worker = this.#ensureWorker();
    return new Promise((resolve, reject) => {
      this.#pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker(this.#options);
    // A logging thread must never keep the process alive: shutdown closes it explicitly.
    worker.unref();
    worker.on('message', (reply: SinkReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(new Map(reply.stored));
    });
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = null;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`request-log worker exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }
}
