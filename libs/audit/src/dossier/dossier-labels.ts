import { type ObjectiveEventType, type ObjectiveStatus, type RedFlagKind, type RedFlagSeverity, type Role } from '@piao/lifecycle';
import { type DossierScopeKind } from './dossier-content';

/**
 * The Italian words the PDF and the CSV of a fascicolo di audit print for the codes the content carries. Event
 * types are labelled once, when the content is built (each event of the content brings its own label). A code with
 * no label (a role or a status added later) is printed as it is rather than hidden.
 */

const EVENT_LABELS: Record<ObjectiveEventType, string> = {
  ObjectiveDrafted: "Redazione dell'obiettivo",
  ObjectiveDraftUpdated: 'Modifica della bozza',
  ObjectiveProposed: 'Proposta alla Giunta',
  ObjectiveReturnedForChanges: 'Restituzione per modifiche',
  ObjectiveApprovedByGiunta: 'Approvazione della Giunta',
  PhaseProgressRecorded: 'Avanzamento di una fase',
  IndicatorValueRecorded: 'Valore di un indicatore',
  MonitoringReportSubmitted: 'Report di monitoraggio presentato',
  MonitoringReportValidated: 'Report di monitoraggio validato',
  MonitoringReportReturned: 'Report di monitoraggio restituito',
  ReprogrammingProposed: 'Proposta di riprogrammazione',
  ReprogrammingApprovedByGiunta: 'Riprogrammazione approvata dalla Giunta',
  ReprogrammingRejected: 'Riprogrammazione respinta',
  ResponsibleReassigned: 'Riassegnazione della responsabilità',
  ObjectiveCancelled: "Annullamento dell'obiettivo",
  YearEndReportSubmitted: 'Rendicontazione di fine anno presentata',
  YearEndReportValidated: 'Rendicontazione di fine anno validata',
  YearEndReportReturned: 'Rendicontazione di fine anno restituita',
  ObjectiveEvaluated: 'Valutazione del Nucleo',
  EvaluationShared: 'Valutazione comunicata',
  EvaluationContested: 'Valutazione contestata',
  EvaluationConfirmed: 'Valutazione confermata',
  ObjectiveClosed: "Chiusura dell'obiettivo",
};

const ROLE_LABELS: Record<Role, string> = {
  segretario: 'Segretario generale',
  dirigente: 'Dirigente',
  nucleo: 'Nucleo di Valutazione',
  rpct: 'RPCT',
  admin: 'Amministratore del sistema',
};

const STATUS_LABELS: Record<ObjectiveStatus, string> = {
  draft: 'Bozza',
  proposed: 'Proposto alla Giunta',
  returned: 'Restituito per modifiche',
  approved: 'Approvato',
  reported: 'Rendicontato',
  evaluated: 'Valutato',
  closed: 'Chiuso',
  cancelled: 'Annullato',
};

const SEVERITY_LABELS: Record<RedFlagSeverity, string> = { high: 'Alta', medium: 'Media', low: 'Bassa' };

const RED_FLAG_KIND_LABELS: Record<RedFlagKind, string> = {
  'target-lowered-after-monitoring': 'Target ridotto dopo il monitoraggio',
  'change-without-giunta-act': 'Modifica senza deliberazione della Giunta',
  'approval-by-proposer': 'Approvazione da parte di chi ha proposto',
  'validation-of-own-unit': 'Validazione del lavoro della propria unità',
  'evaluation-of-own-unit': 'Valutazione della propria unità',
  'back-dated': 'Registrazione retrodatata',
  'recorded-after-deadline': 'Registrazione oltre la scadenza',
  'evaluation-above-indicators': 'Valutazione superiore a quanto dicono gli indicatori',
  'weights-not-100': 'Pesi che non sommano a 100',
  'no-indicators': 'Obiettivo senza indicatori',
  'indicator-without-target': 'Indicatore senza target',
  'report-late': 'Rendicontazione in ritardo',
};

const SCOPE_KIND_LABELS: Record<DossierScopeKind, string> = { objective: 'Obiettivo', unit: 'Unità organizzativa', plan: 'Piano' };

/** Looks a code up in a table typed by its known codes, for a value typed only as a string. */
function lookUp<Code extends string>(labels: Record<Code, string>, code: string): string {
  return Object.prototype.hasOwnProperty.call(labels, code) ? labels[code as Code] : code;
}

/** A draft copied from last year's plan (its timeline shows `copiedFrom`: issue 13, item 6). */
const COPIED_DRAFT_LABEL = "Redazione dell'obiettivo in continuità con il piano dell'anno precedente";

/** The event's label; `changes` (its timeline's) tell a copied draft from a plain one. */
export function eventLabel(type: string, changes: readonly { path: string }[] = []): string {
  if (type === 'ObjectiveDrafted' && changes.some((c) => c.path === 'copiedFrom')) return COPIED_DRAFT_LABEL;
  return lookUp(EVENT_LABELS, type);
}

export function roleLabel(role: string): string {
  return lookUp(ROLE_LABELS, role);
}

export function statusLabel(status: string): string {
  return lookUp(STATUS_LABELS, status);
}

export function severityLabel(severity: string): string {
  return lookUp(SEVERITY_LABELS, severity);
}

export function redFlagKindLabel(kind: string): string {
  return lookUp(RED_FLAG_KIND_LABELS, kind);
}

export function scopeKindLabel(kind: string): string {
  return lookUp(SCOPE_KIND_LABELS, kind);
}

/**
 * A value of a field change as a person reads it: a string as it is (an empty one said so), null (absent) as a dash,
 * anything else as compact JSON. No truncation here: the CSV keeps every value whole, the PDF shortens on its own.
 */
export function changeValueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (value === '') return '(vuoto)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}
