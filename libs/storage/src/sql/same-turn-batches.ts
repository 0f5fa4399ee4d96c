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

  constructor(
    /** One lookup by itself: the statement with the simplest plan. */
    private readonly one: (input: Input) => Promise<Output>,
    /** Several at once: one answer per input, in the inputs' order. */
    private readonly many: (inputs: Input[]) => Promise<Output[]>,
    /** The most one statement gathers; more make several statements. */
    private readonly most = 64,
  ) {}

  get(input: Input): Promise<Output> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => this.flush());
    });
  }

  private alone(waiting: Waiting<Input, Output>): void {
    (async () => this.one(waiting.input))().then(waiting.resolve, waiting.reject);
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (let start = 0; start < waiting.length; start += this.most) {
      const group = waiting.slice(start, start + this.most);
      if (group.length === 1) {
        this.alone(group[0]);
        continue;
      }
      // Async, so that a lookup throwing at once reaches its callers instead of escaping the setImmediate.
      (async () => {
        const outputs = await this.many(group.map((w) => w.input));
        if (outputs.length !== group.length) throw new Error(`${outputs.length} answers to ${group.length} lookups`);
        return outputs;
      })().then(
        (outputs) => group.forEach((w, i) => w.resolve(outputs[i])),
        // One bad input must not fail the others gathered with it: each is asked again alone, and gets its own answer.
        () => group.forEach((w) => this.alone(w)),
      );
    }
  }
}

/**
 * The statement for `count` lookups at once: the one-lookup statement repeated, one `UNION ALL` branch per lookup,
 * each numbered by `lookup` (from 1) and with its own `perLookup` parameters (its n-th is `param(n)`). Each branch keeps the one-lookup statement's index scan; a join on arrays of inputs would be planned
 * anew on every call, which costs PostgreSQL more than the lookups themselves. One text per count, kept.
 */
export function unionOfLookups(branch: (lookup: number, param: (n: number) => string) => string, perLookup: number, orderBy: string) {
  const texts = new Map<number, string>();
  return (count: number): string => {
    let text = texts.get(count);
    if (!text) {
      const branches = Array.from({ length: count }, (_, i) => branch(i + 1, (n) => `$${i * perLookup + n}`));
      text = `SELECT * FROM (${branches.join('\n UNION ALL ')}) AS lookups ORDER BY ${orderBy}`;
      texts.set(count, text);
    }
    return text;
  };
}
