/** The plan's tree as the Segretario reads it (BRIEF §3): Valore Pubblico area → strategic line → objectives. */

export interface TreeObjective {
  objectiveId: string;
  code: string;
  title: string;
  status: string;
  responsibleUnitId: string;
  phasesPercent: number | null;
  publicValueArea: string | null;
  strategicLine: string | null;
}

export interface TreeLine<O extends TreeObjective> {
  /** null: the objectives' definitions name no strategic line. */
  line: string | null;
  objectives: O[];
}

export interface TreeArea<O extends TreeObjective> {
  /** null: the objectives' definitions name no area of Valore Pubblico. */
  area: string | null;
  lines: TreeLine<O>[];
  /** Mean phase progress of the area's objectives that have one (null: none). */
  progressPercent: number | null;
}

/**
 * Groups objectives (in code order) by area and line, each in the order it first appears; what names no area or no
 * line is gathered last under its own heading rather than guessed.
 */
export function planTree<O extends TreeObjective>(objectives: readonly O[]): TreeArea<O>[] {
  const areas = new Map<string | null, Map<string | null, O[]>>();
  for (const o of objectives) {
    const area = o.publicValueArea?.trim() || null;
    const line = o.strategicLine?.trim() || null;
    const lines = areas.get(area) ?? new Map<string | null, O[]>();
    areas.set(area, lines);
    lines.set(line, [...(lines.get(line) ?? []), o]);
  }
  const unnamedLast = <K>(entries: [K | null, ...unknown[]][]) => [...entries.filter(([k]) => k !== null), ...entries.filter(([k]) => k === null)];
  return unnamedLast([...areas.entries()]).map(([area, lines]) => {
    const all = [...(lines as Map<string | null, O[]>).values()].flat();
    const measured = all.map((o) => o.phasesPercent).filter((p): p is number => p !== null);
    return {
      area,
      lines: unnamedLast([...(lines as Map<string | null, O[]>).entries()]).map(([line, list]) => ({ line, objectives: list as O[] })),
      progressPercent: measured.length ? measured.reduce((a, b) => a + b, 0) / measured.length : null,
    };
  });
}
