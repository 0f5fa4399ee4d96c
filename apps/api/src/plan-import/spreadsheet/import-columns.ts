/**
 * The import template's columns: one sheet (or one CSV file), one row per line of an objective. The rows of one
 * objective share its code; the objective's own fields are read from its first row (later rows leave them blank or
 * repeat them unchanged), and each row may carry one phase, one indicator, one person and one resource of it, so a
 * plan table copied from the PIAO document fits as it is. Headers are Italian, matched without regard to case,
 * accents, spaces and punctuation; a column the template does not know is reported and ignored, never guessed.
 */
export interface ImportColumn {
  /** The key the code uses. */
  key: string;
  /** The header as the template writes it. */
  header: string;
  /** Which part of the objective the column fills. */
  part: 'objective' | 'phase' | 'indicator' | 'person' | 'resource';
  /** What a person filling the template reads in the instructions sheet. */
  help: string;
  /** An example value for the template's example row. */
  example?: string;
}

export const IMPORT_COLUMNS = [
  // The objective (its first row)
  {
    key: 'code',
    header: 'Codice obiettivo',
    part: 'objective',
    help: 'Obbligatorio. Stesso codice su tutte le righe dello stesso obiettivo.',
    example: '2025_S08_04',
  },
  { key: 'title', header: 'Titolo', part: 'objective', help: "Obbligatorio sulla prima riga dell'obiettivo.", example: 'Sostegno alle famiglie' },
  { key: 'description', header: 'Descrizione', part: 'objective', help: 'Facoltativo.' },
  { key: 'purpose', header: 'Finalità', part: 'objective', help: 'Facoltativo.' },
  { key: 'implementation', header: 'Modalità di attuazione', part: 'objective', help: 'Facoltativo.' },
  { key: 'criticalFactors', header: 'Fattori critici', part: 'objective', help: 'Facoltativo.' },
  { key: 'publicValueArea', header: 'Area di valore pubblico', part: 'objective', help: 'Facoltativo.' },
  { key: 'strategicLine', header: 'Linea strategica', part: 'objective', help: 'Facoltativo.' },
  { key: 'mandateObjective', header: 'Obiettivo di mandato', part: 'objective', help: 'Facoltativo.' },
  { key: 'dupMission', header: 'Missione DUP', part: 'objective', help: 'Facoltativo.' },
  { key: 'dupProgramme', header: 'Programma DUP', part: 'objective', help: 'Facoltativo.' },
  { key: 'strategicObjective', header: 'Obiettivo strategico', part: 'objective', help: 'Facoltativo.' },
  { key: 'operationalObjective', header: 'Obiettivo operativo', part: 'objective', help: 'Facoltativo.' },
  { key: 'nature', header: 'Natura', part: 'objective', help: 'istituzionale oppure gestionale.' },
  { key: 'level', header: 'Livello', part: 'objective', help: 'strategico, operativo oppure esecutivo.' },
  { key: 'crossCutting', header: 'Trasversalità', part: 'objective', help: 'intersettoriale oppure trasversale.' },
  { key: 'multiYear', header: 'Fase pluriennale', part: 'objective', help: '"1 di 3", oppure "1" quando il piano non dice di quante.' },
  { key: 'fromYear', header: 'Anno inizio', part: 'objective', help: 'Facoltativo: il primo anno del piano quando manca.' },
  { key: 'toYear', header: 'Anno fine', part: 'objective', help: "Facoltativo: l'anno di inizio quando manca." },
  { key: 'cyclical', header: 'Annuale ciclico', part: 'objective', help: 'sì oppure no.' },
  { key: 'tags', header: 'Etichette', part: 'objective', help: 'Separate da punto e virgola (es. anticorruption-transparency; pnrr).' },
  { key: 'pnrrMeasure', header: 'Misura PNRR', part: 'objective', help: 'Facoltativo.' },
  { key: 'cup', header: 'CUP', part: 'objective', help: 'Facoltativo.' },
  { key: 'assessorato', header: 'Assessorato', part: 'objective', help: 'Facoltativo.' },
  {
    key: 'responsibleUnit',
    header: 'Unità responsabile',
    part: 'objective',
    help: "Obbligatorio: il codice o il nome dell'unità come in Organizzazione.",
    example: 'welfare',
  },
  { key: 'responsiblePerson', header: 'Responsabile', part: 'objective', help: 'Facoltativo.', example: 'DAL PIAZ BARBARA' },
  { key: 'contributingUnits', header: 'Unità che contribuiscono', part: 'objective', help: 'Codici o nomi separati da punto e virgola.' },
  { key: 'coordinatingUnit', header: 'Unità di coordinamento', part: 'objective', help: "Di un obiettivo condiviso, l'unità che lo coordina." },
  { key: 'deadline', header: 'Scadenza', part: 'objective', help: 'gg/mm/aaaa.' },
  { key: 'notes', header: 'Note', part: 'objective', help: 'Facoltativo.' },
  // One phase per row
  {
    key: 'phaseDescription',
    header: 'Fase - descrizione',
    part: 'phase',
    help: 'Una fase per riga.',
    example: 'Monitorare lo Sportello Legale per le famiglie',
  },
  { key: 'phaseStart', header: 'Fase - inizio', part: 'phase', help: 'gg/mm/aaaa.', example: '01/01/2025' },
  { key: 'phaseEnd', header: 'Fase - fine', part: 'phase', help: 'gg/mm/aaaa.', example: '31/12/2025' },
  { key: 'phasePeriod', header: 'Fase - periodo come scritto', part: 'phase', help: 'Quando il piano non dà un giorno: "II trim", "1 sem", "annuale".' },
  { key: 'phaseWeight', header: 'Fase - peso', part: 'phase', help: 'Numero da 0 a 100; vuoto se il piano non lo indica.', example: '50' },
  { key: 'phasePercentJuly', header: 'Fase - % prevista al 31/07', part: 'phase', help: "Percentuale della fase prevista al 31/07 dell'anno di inizio." },
  { key: 'phasePercentDecember', header: 'Fase - % prevista al 31/12', part: 'phase', help: "Percentuale della fase prevista al 31/12 dell'anno di inizio." },
  { key: 'phaseResponsible', header: 'Fase - responsabile', part: 'phase', help: 'Facoltativo.' },
  { key: 'phaseNotes', header: 'Fase - note', part: 'phase', help: 'Facoltativo.' },
  // One indicator per row
  {
    key: 'indicatorDescription',
    header: 'Indicatore - descrizione',
    part: 'indicator',
    help: 'Un indicatore per riga.',
    example: 'Attività avviate dello Sportello Family Point',
  },
  {
    key: 'indicatorType',
    header: 'Indicatore - tipo',
    part: 'indicator',
    help: 'Come scritto nel piano (efficacia, efficienza, economicità, qualità, attività/processo…).',
    example: 'efficacia',
  },
  {
    key: 'indicatorTarget',
    header: 'Indicatore - valore atteso',
    part: 'indicator',
    help: 'Come scritto nel piano: "almeno n. 2", "entro il 30/06/2025", "da 45 a 30 giorni".',
    example: 'almeno n. 2',
  },
  { key: 'indicatorBaseline', header: 'Indicatore - valore di partenza', part: 'indicator', help: 'Facoltativo.' },
  { key: 'indicatorDueDate', header: 'Indicatore - scadenza', part: 'indicator', help: 'gg/mm/aaaa.' },
  {
    key: 'indicatorPreviousValue',
    header: "Indicatore - valore raggiunto l'anno precedente",
    part: 'indicator',
    help: "Facoltativo: il valore dell'anno prima dell'anno di inizio.",
  },
  {
    key: 'indicatorUnit',
    header: 'Indicatore - unità',
    part: 'indicator',
    help: "Di un indicatore con un valore atteso per ciascuna unità: l'unità (codice o nome), con il suo valore atteso e la sua scadenza. Sulla riga dell'indicatore è la sua prima unità; sulle righe seguenti, con la descrizione vuota, le altre.",
  },
  // One person per row
  { key: 'personName', header: 'Persona - nome', part: 'person', help: 'Una persona per riga.' },
  { key: 'personRole', header: 'Persona - ruolo', part: 'person', help: 'responsabile, RUP, referente, collaboratore… o come scritto.' },
  { key: 'personCategory', header: 'Persona - categoria', part: 'person', help: 'Facoltativo (es. D, C).' },
  { key: 'personShare', header: 'Persona - % partecipazione', part: 'person', help: 'Numero da 0 a 100.' },
  // One resource per row
  { key: 'resourceDescription', header: 'Risorsa - descrizione', part: 'resource', help: 'Una risorsa per riga.' },
  { key: 'resourceAmount', header: 'Risorsa - importo (€)', part: 'resource', help: 'In euro, con la virgola per i decimali.' },
] as const satisfies readonly ImportColumn[];

export type ImportColumnKey = (typeof IMPORT_COLUMNS)[number]['key'];

/** The columns a file must have: without them no row can be read. */
export const REQUIRED_COLUMNS: readonly ImportColumnKey[] = ['code', 'title', 'responsibleUnit'];
