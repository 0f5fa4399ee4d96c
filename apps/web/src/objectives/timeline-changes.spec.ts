import { type components } from '@piao/api-client';
import { changeText } from './timeline-changes';

type Definition = components['schemas']['ObjectiveView']['definition'];

const definition = {
  title: 'Sostegno alle famiglie',
  responsibleUnitId: 'welfare',
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [{ id: 'f2', description: 'Avvio del servizio', plannedEnd: '2025-12-31', weight: 50 }],
  indicators: [{ id: 'i1', description: 'Famiglie raggiunte', target: { text: '>= 100' } }],
} as unknown as Definition;

const text = (path: string, from: unknown, to: unknown) => changeText({ path, from, to }, definition);

describe('a timeline change as people read it', () => {
  it('names statuses, reports and evaluations in Italian', () => {
    expect(text('status', 'proposed', 'approved')).toBe('Stato: Proposto → Approvato');
    expect(text('monitoringReports[2025-07-31].status', null, 'submitted')).toBe('Monitoraggio al 31/07/2025: — → presentato');
    expect(text('yearEndReport.status', 'submitted', 'returned')).toBe('Relazione finale: presentato → restituito');
    expect(text('evaluation.status', 'shared', 'contested')).toBe('Valutazione: comunicata → contestata');
    expect(text('evaluation.achievementPercent', null, 82.5)).toBe('Grado di raggiungimento: — → 82,5 %');
  });

  it('names phases and indicators by their description, values as written here', () => {
    expect(text('progress[f2].progressPercent', 30, 40.5)).toBe('Avanzamento di «Avvio del servizio»: 30 % → 40,5 %');
    expect(text('progress[f2].actualEnd', null, '2025-11-30')).toBe('Fine effettiva di «Avvio del servizio»: — → 30/11/2025');
    expect(text('indicatorValues[i1]', '80', '95')).toBe('Valore di «Famiglie raggiunte»: 80 → 95');
    expect(text('unitIndicatorValues[i1][cultura]', null, '12')).toBe('Valore di «Famiglie raggiunte» per la struttura cultura: — → 12');
    expect(text('definition.phases[f2].plannedEnd', '2025-12-31', '2025-11-30')).toBe('Fase «Avvio del servizio»: fine prevista: 31/12/2025 → 30/11/2025');
    expect(text('definition.indicators[i1].target.text', '>= 100', '>= 80')).toBe('Indicatore «Famiglie raggiunte»: target: >= 100 → >= 80');
    expect(text('proposed.definition.title', 'A', 'B')).toBe('Riprogrammazione proposta – Titolo: A → B');
    expect(text('definition.tags', [], ['anticorruption-transparency'])).toBe('Etichette: — → anticorruption-transparency');
  });

  it('a phase no longer in the definition by its id; a path it does not know as it came, never dropped', () => {
    expect(text('definition.phases[f9]', null, { id: 'f9' })).toBe('Fase «f9»: — → {"id":"f9"}');
    expect(text('definition.indicators[i1].formula', 'a', 'b')).toBe('Indicatore «Famiglie raggiunte»: formula: a → b');
    expect(text('somethingNew.field', 1, 2)).toBe('somethingNew.field: 1 → 2');
  });
});
