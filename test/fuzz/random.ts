/**
 * The fuzzer's only source of randomness: a seeded PRNG (mulberry32), so a seed reproduces the requests of a run.
 * Each request draws from its own generator derived from (seed, request index), so the n-th request of a seed is
 * the same whatever the concurrency or the order in which earlier responses arrived.
 */

/** A 32-bit seed from any integer, mixed so that neighbouring seeds give unrelated streams. */
function mix(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = mix(seed);
  }

  /** A generator for one sub-task (a request, a batch), independent of how much this one has been used. */
  static derive(seed: number, ...path: number[]): Random {
    let state = mix(seed);
    for (const step of path) state = mix(state ^ mix(step + 0x9e3779b9));
    return new Random(state);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, max). */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** One of the options, each as likely as its weight. */
  weighted<T>(options: readonly (readonly [T, number])[]): T {
    const total = options.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of options) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return (options.at(-1) as readonly [T, number])[0];
  }

  /** Up to `max` distinct items, in random order. */
  some<T>(items: readonly T[], max: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < max && pool.length > 0) out.push(pool.splice(this.int(pool.length), 1)[0] as T);
    return out;
  }
}

/** A fresh seed when none is given: printed, so the run can be repeated. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
