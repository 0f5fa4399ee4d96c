import { stringify } from 'csv-stringify/sync';
import { type DossierContent, type DossierEvent, type DossierObjective } from './dossier-content';
import { changeValueText, redFlagKindLabel, roleLabel, severityLabel } from './dossier-labels';
import { SPREADSHEET_CSV } from '../spreadsheet-csv';

/**
 * The fascicolo di audit as one table for a spreadsheet: a row per event of every objective's timeline, in the
 * content's order, then a row per red flag. The column `Riga` says which ("evento" or "segnalazione"), so that a
 * filter on it gives either list alone; the columns of the other kind stay empty.
 *
 * In the spreadsheet dialect of SPREADSHEET_CSV. Values are whole (nothing is shortened) and dates are those of the
 * log (ISO 8601), which sort and compare as they are.
 */

export const CSV_RECORD_EVENT = 'evento';
export const CSV_RECORD_RED_FLAG = 'segnalazione';

/** Between the changes of one event, and between the events a red flag cites. */
const LIST_SEPARATOR = ' | ';

const COLUMNS = [
  { key: 'record', header: 'Riga' },
  { key: 'objectiveCode', header: 'Codice obiettivo' },
  { key: 'objectiveTitle', header: 'Titolo obiettivo' },
  { key: 'eventId', header: 'ID evento' },
  { key: 'revision', header: 'Revisione' },
  { key: 'type', header: 'Tipo evento' },
  { key: 'label', header: 'Evento' },
  { key: 'actorName', header: 'Autore' },
  { key: 'actorId', header: 'ID autore' },
  { key: 'actorRole', header: 'Ruolo' },
  { key: 'occurredAt', header: 'Data del fatto' },
  { key: 'recordedAt', header: 'Registrato il' },
  { key: 'reason', header: 'Motivazione' },
  { key: 'actNumber', header: 'Atto n.' },
  { key: 'actDate', header: 'Data atto' },
  { key: 'changes', header: 'Modifiche (campo: prima → dopo)' },
  { key: 'leafIndex', header: 'Indice foglia' },
  { key: 'leafHash', header: 'Hash foglia (SHA-256)' },
  { key: 'importedBy', header: 'Importato da' },
  { key: 'importedAt', header: 'Importato il' },
  { key: 'severity', header: 'Gravità' },
  { key: 'redFlagKind', header: 'Tipo di segnalazione' },
  { key: 'description', header: 'Descrizione' },
  { key: 'citedEvents', header: 'Eventi citati' },
] as const;

type Row = Partial<Record<(typeof COLUMNS)[number]['key'], string | number>>;

export function renderDossierCsv(content: DossierContent): string {
  const rows: Row[] = [];
  for (const objective of content.objectives) {
    for (const event of objective.timeline) rows.push(eventRow(objective, event));
  }
  const titles = new Map(content.objectives.map((o) => [o.objectiveId, o.title]));
  for (const flag of content.redFlags) {
    rows.push({
      record: CSV_RECORD_RED_FLAG,
      objectiveCode: flag.code,
      objectiveTitle: titles.get(flag.objectiveId),
      severity: severityLabel(flag.severity),
      redFlagKind: redFlagKindLabel(flag.kind),
      description: flag.description,
      citedEvents: flag.eventIds.join(LIST_SEPARATOR),
    });
  }
  return stringify(rows, { ...SPREADSHEET_CSV, columns: COLUMNS.map(({ key, header }) => ({ key, header })) });
}

function eventRow(objective: DossierObjective, event: DossierEvent): Row {
  return {
    record: CSV_RECORD_EVENT,
    objectiveCode: objective.code,
    objectiveTitle: objective.title,
    eventId: event.eventId,
    revision: event.revision,
    type: event.type,
    label: event.label,
    actorName: event.actor.name,
    actorId: event.actor.id,
    actorRole: roleLabel(event.actor.role),
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    reason: event.reason ?? undefined,
    actNumber: event.act?.number,
    actDate: event.act?.date,
    changes: event.changes.map((c) => `${c.path}: ${changeValueText(c.from)} → ${changeValueText(c.to)}`).join(LIST_SEPARATOR),
    leafIndex: event.leafIndex ?? undefined,
    leafHash: event.leafHash ?? undefined,
    importedBy: event.imported ? `${event.imported.by.name} (${event.imported.by.id})` : undefined,
    importedAt: event.imported?.at,
  };
}
