import { parentPort, workerData } from 'node:worker_threads';
import { type DatabaseOptions, openDatabase } from '../../db/database.js';
import { writeRequestLogBatch } from './sink.js';
import type { SinkReply, SinkRequest } from './worker-sink.js';

/**
 * The request-log writer's thread: it owns its own database connection, so the SQLite work (or the PostgreSQL
 * round trips and result parsing) of every batch stays off the thread that serves requests.
 */
const database = openDatabase(workerData as DatabaseOptions);
const port = parentPort;
if (!port) throw new Error('the request-log worker must run in a worker thread');

port.on('message', (request: SinkRequest) => {
  if (request.kind === 'close') {
    void database.close().finally(() => port.postMessage({ id: request.id, stored: [] } satisfies SinkReply));
    return;
  }
  writeRequestLogBatch(database.db, request.columns, new Map(request.keyUses)).then(
    (stored) => port.postMessage({ id: request.id, stored: [...stored] } satisfies SinkReply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies SinkReply),
  );
});
