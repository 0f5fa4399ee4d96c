import { compareDefinitions } from './compare';

const before = {
  title: 'Sostegno alle famiglie',
  responsibleUnitId: 'welfare',
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [
    { id: 'f1', description: 'Analisi dei bisogni', weight: 50, plannedEnd: '2025-06-30' },
    { id: 'f2', description: 'Erogazione', weight: 50, plannedEnd: '2025-12-31' },
  ],
  indicators: [{ id: 'i1', description: 'Famiglie sostenute', target: { text: 'almeno n. 100' } }],
};

describe('two versions of a definition side by side', () => {
  it('marks each changed field with its old and new value as people read them, and only those', () => {
    const after = {
      ...before,
      phases: [before.phases[0], { ...before.phases[1], plannedEnd: '2026-03-31', weight: 50.5 }],
      indicators: [{ ...before.indicators[0], target: { text: 'almeno n. 80' } }],
    };
    const rows = compareDefinitions(before, after, (u) => (u === 'welfare' ? 'Settore Welfare' : u));
    const changed = rows.filter((r) => r.changed);
    expect(changed).toEqual([
      { field: 'Fase 2: fine prevista', before: '31/12/2025', after: '31/03/2026', changed: true },
      { field: 'Fase 2: peso', before: '50', after: '50,5', changed: true },
      { field: 'Indicatore 1: target', before: 'almeno n. 100', after: 'almeno n. 80', changed: true },
    ]);
    expect(rows.find((r) => r.field === 'Struttura responsabile')).toEqual({
      field: 'Struttura responsabile',
      before: 'Settore Welfare',
      after: 'Settore Welfare',
      changed: false,
    });
  });

  it('pairs phases by id: a phase added or removed is a row with a dash on the other side', () => {
    const after = { ...before, phases: [before.phases[1], { id: 'f3', description: 'Rendicontazione', weight: 50 }] };
    const rows = compareDefinitions(before, after);
    expect(rows.find((r) => r.field === 'Fase 1')).toMatchObject({ before: 'Analisi dei bisogni', after: '—', changed: true });
    expect(rows.find((r) => r.field === 'Fase 2')).toMatchObject({ before: 'Erogazione', after: 'Erogazione', changed: false });
    expect(rows.find((r) => r.field === 'Fase 3')).toMatchObject({ before: '—', after: 'Rendicontazione', changed: true });
  });
});
