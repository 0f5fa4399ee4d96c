import { StoreUnavailable } from '@piao/event-store';

interface Waiting<Input, Output> {
  input: Input;
  resolve: (output: Output) => void;
  reject: (error: unknown) => void;
}

/**
 * Lookups asked for in the same turn of the event loop, answered together by one statement. Under load many
 * commands arrive together, and each reads a few stream tails and looks its Idempotency-Key up: every statement is a
 * pool checkout, a socket write and a reply to parse, on the API's one thread and on the server. Gathered, the
 * lookups of one turn share a round trip. A lookup alone in its turn runs by itself, as before; it waits one
 * `setImmediate` at most, the end of the turn it was asked in.
 *
 * Each lookup still sees the database as it was when it was asked, or later: the statement leaves after every
 * lookup of the turn was asked, so a command reading after its own append sees it.
 */
export class SameTurnBatches<Input, Output> {
  private waiting: Waiting<Input, Output>[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    /** One lookup by itself: the statement with the simplest plan. */
    private readonly one: (input: Input) => Promise<Output>,
    /** Several at once: one answer per input, in the inputs' order. */
    private readonly many: (inputs: Input[]) => Promise<Output[]>,
    /** The most one statement gathers; more make several statements. */
    private readonly most = MOST_GATHERED,
  ) {}

  get(input: Input): Promise<Output> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Sends what waits for the end of the turn now, and settles everything sent: before the database is closed. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (let start = 0; start < waiting.length; start += this.most) {
      const group = waiting.slice(start, start + this.most);
      this.track(group.length === 1 ? this.alone(group[0]) : this.together(group));
    }
  }

  private alone(waiting: Waiting<Input, Output>): Promise<void> {
    // Async, so that a lookup throwing at once reaches its caller instead of escaping the setImmediate.
    return (async () => this.one(waiting.input))().then(waiting.resolve, waiting.reject);
  }

  private together(group: Waiting<Input, Output>[]): Promise<void> {
    return (async () => {
      const outputs = await this.many(group.map((w) => w.input));
      if (outputs.length !== group.length) throw new Error(`${outputs.length} answers to ${group.length} lookups`);
      return outputs;
    })().then(
      (outputs) => group.forEach((w, i) => w.resolve(outputs[i])),
      async (error: unknown) => {
        // The database lost: every lookup gets that answer now, not a second wait each.
        if (error instanceof StoreUnavailable) return group.forEach((w) => w.reject(error));
        // Otherwise one bad input must not fail the others gathered with it: each is asked again alone.
        await Promise.all(group.map((w) => this.alone(w)));
      },
    );
  }

  private track(settling: Promise<void>): void {
    this.inFlight.add(settling);
    void settling.finally(() => this.inFlight.delete(settling));
  }
}

/** Lookups per statement at most: a few under load (4.75 on average in bench:http), 16 on a burst. */
const MOST_GATHERED = 16;

/**
 * The statement for several lookups at once: the one-lookup statement repeated, one `UNION ALL` branch per lookup,
 * each numbered by `lookup` (from 1) and with its own parameters (its n-th is `param(n)`). Each branch keeps the
 * one-lookup statement's index scan; a join on arrays of inputs would be planned anew on every call, which costs
 * PostgreSQL more than the lookups themselves.
 *
 * Each statement is prepared once per connection under its name, and holds server memory there: the lookups are
 * padded with `filler` (the parameters of a lookup that finds nothing) up to a power of two, so that there are four
 * statements (2, 4, 8, 16), not one per count. Measured: the eight of the stream reads and the key lookups take
 * about 2 MB of a connection; one statement per count up to 64 took 70 MB. Rows of the padding, numbered after
 * the lookups asked, are to be ignored.
 */
export function unionOfLookups(name: string, branch: (lookup: number, param: (n: number) => string) => string, filler: readonly unknown[], orderBy: string) {
  const texts = new Map<number, string>();
  const textOf = (size: number): string => {
    let text = texts.get(size);
    if (!text) {
      const branches = Array.from({ length: size }, (_, i) => branch(i + 1, (n) => `$${i * filler.length + n}`));
      text = `SELECT * FROM (${branches.join('\n UNION ALL ')}) AS lookups ORDER BY ${orderBy}`;
      texts.set(size, text);
    }
    return text;
  };
  return (lookups: readonly (readonly unknown[])[]): { name: string; text: string; params: unknown[] } => {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, lookups.length)));
    const padding = Array.from({ length: size - lookups.length }, () => filler);
    return { name: `${name}_${size}`, text: textOf(size), params: [...lookups, ...padding].flat() };
  };
}
