import { SameTurnBatches, unionOfLookups } from '../src/sql/same-turn-batches';

/** Lookups of squares: `one` and `many` record what they were asked, `many` fails when it meets a negative number. */
function squares(most?: number) {
  const asked: { one: number[]; many: number[][] } = { one: [], many: [] };
  const batches = new SameTurnBatches<number, number>(
    async (n) => {
      asked.one.push(n);
      if (n < 0) throw new Error(`negative ${n}`);
      return n * n;
    },
    async (ns) => {
      asked.many.push(ns);
      if (ns.some((n) => n < 0)) throw new Error('a negative number in the statement');
      return ns.map((n) => n * n);
    },
    most,
  );
  return { batches, asked };
}

describe('lookups gathered per turn of the event loop', () => {
  it('asks the lookups of one turn together, each caller getting its own answer', async () => {
    const { batches, asked } = squares();
    expect(await Promise.all([1, 2, 3, 2].map((n) => batches.get(n)))).toEqual([1, 4, 9, 4]);
    expect(asked).toEqual({ one: [], many: [[1, 2, 3, 2]] });
  });

  it('asks a lookup alone in its turn by itself, and the next turn apart', async () => {
    const { batches, asked } = squares();
    expect(await batches.get(5)).toBe(25);
    expect(await Promise.all([batches.get(6), batches.get(7)])).toEqual([36, 49]);
    expect(asked).toEqual({ one: [5], many: [[6, 7]] });
  });

  it('gathers no more than its most per statement', async () => {
    const { batches, asked } = squares(3);
    const all = Array.from({ length: 7 }, (_, i) => i);
    expect(await Promise.all(all.map((n) => batches.get(n)))).toEqual(all.map((n) => n * n));
    expect(asked).toEqual({
      one: [6],
      many: [
        [0, 1, 2],
        [3, 4, 5],
      ],
    });
  });

  it('when a gathered statement fails, asks each lookup alone: only the bad one fails', async () => {
    const { batches, asked } = squares();
    const results = await Promise.allSettled([2, -1, 3].map((n) => batches.get(n)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 4 },
      { status: 'rejected', reason: new Error('negative -1') },
      { status: 'fulfilled', value: 9 },
    ]);
    expect(asked).toEqual({ one: [2, -1, 3], many: [[2, -1, 3]] });
  });

  it('turns a lookup that throws at once, not in a promise, into its caller’s rejection', async () => {
    const batches = new SameTurnBatches<number, number>(
      () => {
        throw new Error('at once');
      },
      () => {
        throw new Error('at once, together');
      },
    );
    await expect(batches.get(1)).rejects.toThrow('at once');
    await expect(Promise.all([batches.get(1), batches.get(2)])).rejects.toThrow('at once');
  });

  it('answers a wrong number of answers by asking each alone', async () => {
    const one = jest.fn(async (n: number) => n + 1);
    const batches = new SameTurnBatches<number, number>(one, async () => [1]);
    expect(await Promise.all([batches.get(10), batches.get(20)])).toEqual([11, 21]);
    expect(one).toHaveBeenCalledTimes(2);
  });
});

describe('the statement of several lookups', () => {
  it('repeats the one-lookup statement per lookup, numbering each and its own parameters on', () => {
    const statement = unionOfLookups((lookup, $) => `SELECT ${lookup} AS lookup FROM t WHERE a = ${$(1)} AND b = ${$(2)}`, 2, 'lookup');
    expect(statement(3)).toBe(
      'SELECT * FROM (SELECT 1 AS lookup FROM t WHERE a = $1 AND b = $2\n UNION ALL SELECT 2 AS lookup FROM t WHERE a = $3 AND b = $4' +
        '\n UNION ALL SELECT 3 AS lookup FROM t WHERE a = $5 AND b = $6) AS lookups ORDER BY lookup',
    );
    expect(statement(3)).toBe(statement(3));
  });
});
