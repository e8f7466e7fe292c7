/**
 * A value now, or later. The /v1 hot path uses it where a step is usually answered from memory (a cached key, the
 * in-process rate-limit counters) but sometimes needs I/O (a cache miss, Redis): a promise and a microtask on every
 * request cost more than the step itself (measured with the old in-process bench/pipeline.ts).
 */
export type MaybePromise<T> = T | Promise<T>;

/** Runs `next` on the value at once when there is one, or when the promise resolves. */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
