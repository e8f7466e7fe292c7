/**
 * The crash run's HTTP client for a real server process: one JSON request with a full-access key, and a seeded
 * PRNG. A request that gets no complete answer (the process was killed while it was in flight) rejects; what
 * resolves is an acknowledged answer, the only kind the oracle holds the server to.
 */

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  /** `Idempotent-Replayed: true`: the stored answer of an earlier request with the same key. */
  readonly replayed: boolean;
  readonly retryAfterSeconds: number | null;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly idempotencyKey?: string | undefined;
  readonly timeoutMs?: number;
}

/** Sends one request and reads its whole answer; rejects when there is none (connection reset, refused, timeout). */
export async function send(
  baseUrl: string,
  key: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  const retryAfter = response.headers.get('retry-after');
  return {
    status: response.status,
    body,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    retryAfterSeconds: retryAfter === null ? null : Number(retryAfter),
  };
}

/** A read the oracle depends on: retried after a 429 (the account's budget), failing on anything else but 2xx/404. */
export async function read(baseUrl: string, key: string, path: string): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    const answer = await send(baseUrl, key, 'GET', path);
    if (answer.status !== 429 || attempt >= 10) return answer;
    await sleep(Math.min(65, answer.retryAfterSeconds ?? 1) * 1000);
  }
}

/** Every object of a list endpoint (`/v1/employees`), following its cursor; oldest first. */
export async function readAll(
  baseUrl: string,
  key: string,
  path: string,
): Promise<Record<string, unknown>[]> {
  const objects: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  for (;;) {
    const separator = path.includes('?') ? '&' : '?';
    const url = `${path}${separator}limit=100${cursor ? `&startingAfter=${cursor}` : ''}`;
    const answer = await read(baseUrl, key, url);
    if (answer.status !== 200) {
      throw new Error(`GET ${url} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    const page = answer.body as { data: Record<string, unknown>[]; hasMore: boolean };
    objects.push(...page.data);
    const last = page.data.at(-1);
    if (!page.hasMore || !last) break;
    cursor = String(last.id);
  }
  return objects.reverse();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** mulberry32: a small seeded PRNG, so a run is reproducible from its printed seed (up to the kill's timing). */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** A seed for one round of one dialect, derived from the run's seed. */
export function roundSeed(seed: number, dialect: string, round: number): number {
  let hash = seed >>> 0;
  for (const char of `${dialect}:${round}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}
