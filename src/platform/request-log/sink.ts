import type { Db, NewApiRequestLogRow } from '../../db/tables.js';
import { recordLastUsed } from '../api-keys/repository.js';
import { insertRequestLogColumns, type RequestLogColumns, toRequestLogColumns } from './repository.js';

/**
 * Where batches of the request log go: one transaction with the rows and the keys' lastUsedAt. Resolves with each
 * key's lastUsedAt as stored afterwards.
 */
export interface RequestLogSink {
  write(
    rows: readonly NewApiRequestLogRow[],
    keyUses: ReadonlyMap<string, string>,
  ): Promise<Map<string, string>>;
  close(): Promise<void>;
}

/** One batch and the keys' lastUsedAt, in one transaction (on this thread, or in the worker). */
export function writeRequestLogBatch(
  db: Db,
  columns: RequestLogColumns,
  keyUses: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  return db.transaction().execute(async (trx) => {
    await insertRequestLogColumns(trx, columns);
    return recordLastUsed(trx, keyUses);
  });
}

/** Writes on the calling thread, through the app's own connection (in-memory SQLite, tests). */
export function databaseSink(db: Db): RequestLogSink {
  return {
    write: (rows, keyUses) => writeRequestLogBatch(db, toRequestLogColumns(rows), keyUses),
    close: async () => {},
  };
}
