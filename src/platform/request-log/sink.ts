import type { Db, NewApiRequestLogRow } from '../../db/tables.js';
import { recordLastUsed } from '../api-keys/repository.js';
import { insertRequestLogRows } from './repository.js';

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

/** Writes on the calling thread, through the app's own connection (in-memory SQLite, tests). */
export function databaseSink(db: Db): RequestLogSink {
  return {
    write: (rows, keyUses) =>
      db.transaction().execute(async (trx) => {
        await insertRequestLogRows(trx, rows);
        return recordLastUsed(trx, keyUses);
      }),
    close: async () => {},
  };
}
