import { bandOf, distribution, namedBands, scoreOf } from './score-bands';

const FOUR = {
  kind: 'bands' as const,
  bands: [
    { fromPercent: 75, score: 75 },
    { fromPercent: 0, score: 0 },
    { fromPercent: 100, score: 100 },
    { fromPercent: 50, score: 50 },
  ],
};

describe('the SMVP score bands', () => {
  it('names the bands from the lowest, each from its start to the next one', () => {
    expect(namedBands(FOUR)).toEqual([
      { n: 1, fromPercent: 0, toPercent: 50, score: 0 },
      { n: 2, fromPercent: 50, toPercent: 75, score: 50 },
      { n: 3, fromPercent: 75, toPercent: 100, score: 75 },
      { n: 4, fromPercent: 100, toPercent: undefined, score: 100 },
    ]);
    expect(namedBands({ kind: 'linear' })).toEqual([]);
  });

  it('puts an achievement in its band, the start inclusive, as the API scores it', () => {
    expect(bandOf(50, FOUR)?.n).toBe(2);
    expect(bandOf(74.99, FOUR)?.n).toBe(2);
    expect(bandOf(75, FOUR)?.n).toBe(3);
    expect(bandOf(120, FOUR)?.n).toBe(4);
    expect(scoreOf(30, FOUR)).toBe(0);
    expect(scoreOf(95, FOUR)).toBe(75);
    expect(scoreOf(130, { kind: 'linear' })).toBe(100);
    expect(scoreOf(-5, { kind: 'linear' })).toBe(0);
  });

  it('counts the objectives of each band, leaving out what cannot be measured', () => {
    expect(distribution([30, 50, 60, null, 100], FOUR).map((d) => d.count)).toEqual([1, 2, 0, 1]);
    const linear = distribution([0, 9.5, 10, 100, 55], { kind: 'linear' });
    expect(linear.map((d) => d.count)).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(linear[9].name).toEqual({ from: 90, to: 100 });
  });
});
