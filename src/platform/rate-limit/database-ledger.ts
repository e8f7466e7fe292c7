import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';

/** One counter as the memory store holds it: the fixed window it counts, its count and the previous window's. */
export interface StoredCounter {
  readonly scope: string;
  readonly name: string;
  readonly windowMs: number;
  readonly index: number;
  readonly current: number;
  readonly previous: number;
}

/** Where the memory store keeps the counters that must survive a restart (the daily write cap). */
export interface CounterLedger {
  /** Every counter that still weighs at `nowMs`; forgets the rest. */
  load(nowMs: number): Promise<StoredCounter[]>;
  /** Records a counter's new state. A state older than the stored one (a late write) changes nothing. */
  save(counter: StoredCounter): Promise<void>;
}

/**
 * The ledger in the app's own database (table rate_limit_counters), for embedded mode: one process, memory is the
 * truth while it runs and this table is where it starts from. With Redis configured the counters live in Redis and
 * this is not used.
 */
export class DatabaseCounterLedger implements CounterLedger {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async load(nowMs: number): Promise<StoredCounter[]> {
    const rows = await this.#db.selectFrom('rate_limit_counters').selectAll().execute();
    const live: StoredCounter[] = [];
    for (const row of rows) {
      const windowMs = Number(row.window_ms);
      const index = Number(row.window_index);
      // A window's count weighs until the end of the window after it (sliding-window.ts).
      if ((index + 2) * windowMs <= nowMs) {
        await this.#db
          .deleteFrom('rate_limit_counters')
          .where('scope', '=', row.scope)
          .where('bucket', '=', row.bucket)
          .where('window_index', '=', index)
          .execute();
        continue;
      }
      live.push({
        scope: row.scope,
        name: row.bucket,
        windowMs,
        index,
        current: Number(row.current_count),
        previous: Number(row.previous_count),
      });
    }
    return live;
  }

  async save(counter: StoredCounter): Promise<void> {
    await this.#db
      .insertInto('rate_limit_counters')
      .values({
        scope: counter.scope,
        bucket: counter.name,
        window_ms: counter.windowMs,
        window_index: counter.index,
        current_count: counter.current,
        previous_count: counter.previous,
      })
      .onConflict((oc) =>
        oc
          .columns(['scope', 'bucket'])
          .doUpdateSet((eb) => ({
            window_ms: eb.ref('excluded.window_ms'),
            window_index: eb.ref('excluded.window_index'),
            current_count: eb.ref('excluded.current_count'),
            previous_count: eb.ref('excluded.previous_count'),
          }))
          // Saves of one counter may finish out of order on a pool: only a later state replaces the stored one.
          .where((eb) =>
            eb.or([
              eb('rate_limit_counters.window_index', '<', eb.ref('excluded.window_index')),
              eb.and([
                eb('rate_limit_counters.window_index', '=', eb.ref('excluded.window_index')),
                eb('rate_limit_counters.current_count', '<', eb.ref('excluded.current_count')),
              ]),
            ]),
          ),
      )
      .execute();
  }
}
