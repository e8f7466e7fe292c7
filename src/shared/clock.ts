/** Time source. Everything time-dependent takes a Clock so tests can freeze or move time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  #time: number;
  constructor(start: Date | string = '2026-11-01T12:00:00.000Z') {
    this.#time = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#time);
  }
  set(time: Date | string): void {
    this.#time = new Date(time).getTime();
  }
  advance(ms: number): void {
    this.#time += ms;
  }
}
