import { progressOn, type ObjectiveEvent, type ProgressLog } from '@piao/lifecycle';
import { evolveExtras, type ObjectiveExtras } from '../src/plan-objectives.projection';

const progress = (phaseId: string, progressPercent: number) => ({ type: 'PhaseProgressRecorded', data: { phaseId, progressPercent } }) as ObjectiveEvent;

describe("the read model's progress log", () => {
  it("keeps one entry per phase and business date, that day's last figure", () => {
    let extras: ObjectiveExtras = { progressLog: {} };
    for (const [on, percent] of [
      ['2025-07-10', 10],
      ['2025-07-10', 90],
      ['2025-07-11', 50],
      ['2025-07-10', 30],
    ] as const)
      extras = evolveExtras(extras, progress('f1', percent), on);
    extras = evolveExtras(extras, progress('f2', 5), '2025-07-10');
    expect(extras.progressLog).toEqual({
      f1: [
        { on: '2025-07-11', percent: 50 },
        { on: '2025-07-10', percent: 30 },
      ],
      f2: [{ on: '2025-07-10', percent: 5 }],
    });
  });

  it('reads at every date what the log of every figure recorded would read, in any order of business dates', () => {
    const days = ['2025-07-01', '2025-07-02', '2025-07-03', '2025-07-04'];
    let seed = 7;
    // Park–Miller: exact in doubles.
    const random = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    for (let run = 0; run < 200; run++) {
      let extras: ObjectiveExtras = { progressLog: {} };
      const everything: ProgressLog = { f1: [] };
      for (let i = 0; i < 1 + random(20); i++) {
        const [on, percent] = [days[random(days.length)], random(101)];
        extras = evolveExtras(extras, progress('f1', percent), on);
        everything.f1.push({ on, percent });
      }
      expect(extras.progressLog.f1.length).toBeLessThanOrEqual(days.length);
      for (const date of ['2025-06-30', ...days, '2025-12-31']) expect(progressOn(extras.progressLog, 'f1', date)).toBe(progressOn(everything, 'f1', date));
    }
  });
});
