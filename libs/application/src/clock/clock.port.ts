/**
 * Where the application reads the time. Domain and application code never call `new Date()`: they ask the clock,
 * so that tests can set it and move it forward (a deadline passes, a lease expires) without waiting.
 */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('Clock');

/** The machine's clock: what runs in production. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands still until told to move: for tests. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = new Date()) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
