import { planTree, type TreeObjective } from './plan-tree';

const objective = (code: string, area: string | null, line: string | null, phasesPercent: number | null = null): TreeObjective => ({
  objectiveId: code,
  code,
  title: `Obiettivo ${code}`,
  status: 'approved',
  responsibleUnitId: 'welfare',
  phasesPercent,
  publicValueArea: area,
  strategicLine: line,
});

describe('the plan tree', () => {
  it('groups by area, then line, each in the order first met, keeping the objectives in their order', () => {
    const tree = planTree([
      objective('A1', 'Inclusione', 'Cura', 40),
      objective('A2', 'Ambiente', 'Verde'),
      objective('A3', 'Inclusione', 'Casa', 60),
      objective('A4', 'Inclusione', 'Cura'),
    ]);
    expect(tree.map((a) => a.area)).toEqual(['Inclusione', 'Ambiente']);
    expect(tree[0].lines.map((l) => [l.line, l.objectives.map((o) => o.code)])).toEqual([
      ['Cura', ['A1', 'A4']],
      ['Casa', ['A3']],
    ]);
    // The mean of the objectives measured (40 and 60), not of all four.
    expect(tree[0].progressPercent).toBe(50);
    expect(tree[1].progressPercent).toBeNull();
  });

  it('gathers what names no area or no line last, under its own heading, rather than guessing; blank counts as unnamed', () => {
    const tree = planTree([
      objective('B1', null, null),
      objective('B2', 'Ambiente', '  '),
      objective('B3', 'Ambiente', 'Verde'),
      objective('B4', ' ', 'Verde'),
    ]);
    expect(tree.map((a) => a.area)).toEqual(['Ambiente', null]);
    expect(tree[0].lines.map((l) => l.line)).toEqual(['Verde', null]);
    expect(tree[1].lines.map((l) => [l.line, l.objectives.map((o) => o.code)])).toEqual([
      ['Verde', ['B4']],
      [null, ['B1']],
    ]);
  });
});
