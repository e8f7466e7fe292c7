import type { Clock } from '../../shared/clock.js';
import type { KeyAuthRow } from './repository.js';

interface Entry {
  row: KeyAuthRow;
  loadedAt: number;
}

/** What one process tells the others to forget. */
export interface KeyCacheInvalidation {
  kind: 'key' | 'account';
  id: string;
}

/** Delivers invalidations to the other processes (Redis pub/sub); resolves once sent. */
export type InvalidationPublisher = (invalidation: KeyCacheInvalidation) => Promise<void>;

/**
 * In-process cache of verified key rows, by key hash. Changes made in this process invalidate at once; with a
 * publisher (Redis), they reach every other process at once too. Entries also live at most `maxAgeMs` (5 s), which
 * bounds staleness when no publisher exists or a message is lost. Decisions that depend on time (expiry) are re-made
 * on every request from the cached row.
 */
export class KeyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #maxAgeMs: number;
  readonly #publish: InvalidationPublisher | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  hits = 0;
  misses = 0;

  constructor(clock: Clock, options: { maxAgeMs?: number; publish?: InvalidationPublisher } = {}) {
    this.#clock = clock;
    this.#maxAgeMs = options.maxAgeMs ?? 5000;
    this.#publish = options.publish;
  }

  /** The cached row, unless it is older than maxAgeMs at `nowMs` (a request's time; by default the clock's now). */
  get(keyHash: string, nowMs?: number): KeyAuthRow | undefined {
    const entry = this.#entries.get(keyHash);
    if (entry && (nowMs ?? this.#clock.now().getTime()) - entry.loadedAt < this.#maxAgeMs) {
      this.hits++;
      return entry.row;
    }
    if (entry) this.#entries.delete(keyHash);
    this.misses++;
    return undefined;
  }

  set(keyHash: string, row: KeyAuthRow): void {
    this.#entries.set(keyHash, { row, loadedAt: this.#clock.now().getTime() });
  }

  invalidateKey(keyId: string): void {
    this.apply({ kind: 'key', id: keyId });
    this.#broadcast({ kind: 'key', id: keyId });
  }

  invalidateAccount(accountId: string): void {
    this.apply({ kind: 'account', id: accountId });
    this.#broadcast({ kind: 'account', id: accountId });
  }

  /** Forgets what an invalidation names, locally only (used for messages from other processes). */
  apply(invalidation: KeyCacheInvalidation): void {
    for (const [hash, entry] of this.#entries) {
      const id = invalidation.kind === 'key' ? entry.row.id : entry.row.account_id;
      if (id === invalidation.id) this.#entries.delete(hash);
    }
  }

  /** Keeps a cached key's lastUsedAt in step with what was just stored (no re-read needed for this column). */
  noteLastUsed(keyId: string, lastUsedAt: string): void {
    for (const entry of this.#entries.values()) {
      if (entry.row.id === keyId && entry.row.last_used_at !== lastUsedAt) {
        entry.row = { ...entry.row, last_used_at: lastUsedAt };
      }
    }
  }

  /** Resolves when every invalidation published so far has been sent (the CLI waits before it exits). */
  async settle(): Promise<void> {
    await Promise.all(this.#inFlight);
  }

  get size(): number {
    return this.#entries.size;
  }

  #broadcast(invalidation: KeyCacheInvalidation): void {
    if (!this.#publish) return;
    const sending = this.#publish(invalidation).finally(() => this.#inFlight.delete(sending));
    this.#inFlight.add(sending);
  }
}
