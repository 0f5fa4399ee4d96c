import fixtures from '../fixtures/real-objectives.json';

/** Italian decimal as written in the plans: "20,00" → 20, "150.000,00" → 150000. */
export function italianNumber(text: string | null | undefined): number | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  return Number(text.replace(/\./g, '').replace(',', '.'));
}

/**
 * The three real objectives of the end-to-end cycle, as the API receives them. The mapping is what a clerk (or
 * a future importer) does by hand: values and dates as the plans wrote them, nothing invented.
 */
export function cinisello(unitId: string) {
  const o = fixtures.cinisello_2025_S08_04;
  return {
    code: o.code,
    definition: {
      title: o.title,
      implementation: o.modalita_di_attuazione,
      assessorato: o.assessorato,
      place: {
        publicValueArea: o.valore_pubblico,
        mandateObjective: o.collegato_a.obiettivo_di_mandato,
        dupMission: o.collegato_a.obiettivo_di_missione,
        dupProgramme: o.collegato_a.obiettivo_di_programma,
      },
      kind: { level: 'esecutivo' },
      responsibleUnitId: unitId,
      responsiblePerson: o.responsabile,
      horizon: { fromYear: 2025, toYear: 2025 },
      phases: o.fasi.map((f, i) => ({
        id: `f${i + 1}`,
        description: f.descrizione,
        plannedStart: f.inizio_previsto, // "01/01/2025": the API reads Italian dates
        plannedEnd: f.fine_prevista,
        weight: italianNumber(f.peso),
        responsiblePerson: f.responsabile ?? undefined,
      })),
      indicators: o.indicatori.map((ind, i) => ({
        id: `i${i + 1}`,
        description: ind.descrizione,
        target: { text: ind.valore_atteso },
        historicalValues: ind.valore_raggiunto_2024 ? [{ year: 2024, value: ind.valore_raggiunto_2024 }] : undefined,
      })),
    },
  };
}

export function segratePtpct(unitId: string, contributingUnitIds: string[]) {
  const o = fixtures.segrate_ptpct;
  return {
    code: 'SEGRATE_1.01.02',
    definition: {
      title: o.titolo_obiettivo,
      description: o.descrizione_obiettivo,
      purpose: o.finalita,
      assessorato: o.assessore,
      place: { dupMission: o.missione, dupProgramme: o.programma, strategicObjective: o.obiettivo_strategico, operationalObjective: o.progetto },
      kind: { nature: 'gestionale', level: 'esecutivo', crossCutting: 'intersettoriale' },
      tags: ['anticorruption-transparency'],
      responsibleUnitId: unitId,
      contributingUnitIds,
      responsiblePerson: o.po_responsabile,
      people: o.personale.map((p) => ({ name: p.cognome_nome, category: p.cat, participationPercent: italianNumber(p.partecipazione.replace('%', '')) })),
      horizon: { fromYear: 2022, toYear: 2022, cyclical: true },
      phases: o.fasi.map((f) => ({
        id: `f${f.numero}`,
        description: f.descrizione,
        // The plan gives no weights: none are invented.
        plannedPercentAt: {
          ...(f.cronoprogramma.target_31_lug ? { '2022-07-31': italianNumber(f.cronoprogramma.target_31_lug.replace('%', '')) } : {}),
          ...(f.cronoprogramma.target_31_dic ? { '2022-12-31': italianNumber(f.cronoprogramma.target_31_dic.replace('%', '')) } : {}),
        },
      })),
      indicators: o.indicatori.map((ind, i) => ({
        id: `i${i + 1}`,
        description: ind.descrizione,
        type: ind.tipo === 'Tempo' ? 'tempo' : 'quantita',
        target: { text: ind.atteso },
      })),
    },
  };
}

export function cesanoTrasparenza(unitId: string) {
  const o = fixtures.cesano_trasparenza;
  return {
    code: 'CESANO_SEG_TRASP',
    definition: {
      title: o.description,
      tags: ['anticorruption-transparency'],
      responsibleUnitId: unitId,
      horizon: { fromYear: 2025, toYear: 2025 },
      phases: [{ id: 'f1', description: o.verification_instrument, plannedPeriodText: o.timing, weight: 100 }],
      // The target is text: kept as written, with no structured reading.
      indicators: [{ id: 'i1', description: o.verification_instrument, target: { text: o.expected_result } }],
    },
  };
}
