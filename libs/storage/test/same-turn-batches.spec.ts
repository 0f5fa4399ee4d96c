import { StoreUnavailable } from '@piao/event-store';
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

  it('gathers no more than 16 per statement unless told', async () => {
    const { batches, asked } = squares();
    const all = Array.from({ length: 20 }, (_, i) => i);
    expect(await Promise.all(all.map((n) => batches.get(n)))).toEqual(all.map((n) => n * n));
    expect(asked).toEqual({ one: [], many: [all.slice(0, 16), all.slice(16)] });
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

  it('when the database is lost, gives every lookup of the statement that answer at once, without asking each again', async () => {
    const lost = new StoreUnavailable('PostgreSQL unavailable: Connection terminated');
    const one = jest.fn(async (n: number) => n);
    const batches = new SameTurnBatches<number, number>(one, async () => {
      throw lost;
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batches.get(n)));
    expect(results).toEqual([1, 2, 3].map(() => ({ status: 'rejected', reason: lost })));
    expect(one).not.toHaveBeenCalled();
  });

  it('drain sends what waits for the end of the turn at once, and returns once every lookup is answered', async () => {
    const { batches, asked } = squares();
    const answers: number[] = [];
    const asking = [2, 3].map((n) => batches.get(n).then((a) => answers.push(a)));
    await batches.drain();
    expect(answers.sort()).toEqual([4, 9]);
    expect(asked.many).toEqual([[2, 3]]);
    await Promise.all(asking);
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
  const statement = unionOfLookups('find', (lookup, $) => `SELECT ${lookup} AS lookup FROM t WHERE a = ${$(1)} AND b = ${$(2)}`, ['', -1], 'lookup');

  it('repeats the one-lookup statement per lookup, numbering each and its own parameters on', () => {
    expect(
      statement([
        ['x', 1],
        ['y', 2],
      ]),
    ).toEqual({
      name: 'find_2',
      text: 'SELECT * FROM (SELECT 1 AS lookup FROM t WHERE a = $1 AND b = $2\n UNION ALL SELECT 2 AS lookup FROM t WHERE a = $3 AND b = $4) AS lookups ORDER BY lookup',
      params: ['x', 1, 'y', 2],
    });
  });

  it('pads the lookups with the filler up to a power of two: one prepared statement per size, not per count', () => {
    const three = statement([
      ['x', 1],
      ['y', 2],
      ['z', 3],
    ]);
    expect(three.name).toBe('find_4');
    expect(three.params).toEqual(['x', 1, 'y', 2, 'z', 3, '', -1]);
    expect(three.text).toContain('SELECT 4 AS lookup FROM t WHERE a = $7 AND b = $8');
    expect(statement(Array.from({ length: 9 }, (_, i) => [`s${i}`, i])).name).toBe('find_16');
    expect(statement(Array.from({ length: 16 }, (_, i) => [`s${i}`, i])).params).toHaveLength(32);
  });
});
