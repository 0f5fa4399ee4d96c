import { fieldLabel } from './field-label';

describe('fieldLabel: a field a problem names, as people read it', () => {
  it.each([
    ['act.date', 'Data dell’atto'],
    ['reason', 'Motivazione'],
    ['code', 'Codice'],
    ['definition.title', 'Titolo'],
    ['definition.responsibleUnitId', 'Struttura responsabile'],
    ['definition.coordinatingUnitId', 'Struttura di coordinamento'],
    ['definition.contributingUnitIds.1', 'Struttura che concorre n. 2'],
    ['definition.horizon.toYear', 'Ultimo anno'],
    ['definition.phases.1.plannedEnd', 'Fase n. 2: fine prevista'],
    ['definition.phases.0', 'Fase n. 1'],
    ['definition.indicators.2.target.text', 'Indicatore n. 3: target'],
    ['definition.indicators.2.unitTargets.0.unitId', 'Indicatore n. 3, target della struttura n. 1: Struttura'],
    ['indicators.0.indicatorId', 'Indicatore n. 1: identificativo'],
    ['phases.3.progressPercent', 'Fase n. 4: avanzamento'],
  ])('%s → %s', (path, label) => expect(fieldLabel(path)).toBe(label));

  it('shows a path it does not know as it came, and a known field inside it as far as it knows', () => {
    expect(fieldLabel('definition.colour')).toBe('definition.colour');
    expect(fieldLabel('steps.4.objective')).toBe('steps.4.objective');
    expect(fieldLabel('definition.phases.0.colour')).toBe('Fase n. 1: colour');
  });
});
