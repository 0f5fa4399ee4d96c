import { stringify } from 'csv-stringify/sync';
import { type DossierContent, type DossierEvent, type DossierObjective } from './dossier-content';
import { changeValueText, redFlagKindLabel, roleLabel, severityLabel } from './dossier-labels';
import { SPREADSHEET_CSV } from '../spreadsheet-csv';
import { MemoryOutput, type FileOutput } from './dossier-output';
import { partsOfContent, type DossierHead, type DossierParts } from './dossier-parts';

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

/** The table written objective by objective: the rows of one objective's events at a time, then the red flags. */
export async function writeDossierCsv(parts: DossierParts, output: FileOutput): Promise<void> {
  const writer = new DossierCsvWriter(parts.head, output);
  for await (const objective of parts.objectives()) await writer.objective(objective);
  await writer.end();
}

/** fascicolo.csv, written as the objectives come: their events' rows, then at the end the red flags'. */
export class DossierCsvWriter {
  private readonly columns = COLUMNS.map(({ key, header }) => ({ key, header }));
  private first = true;

  constructor(
    private readonly head: DossierHead,
    private readonly output: FileOutput,
  ) {}

  async objective(objective: DossierObjective): Promise<void> {
    this.write(objective.timeline.map((event) => eventRow(objective, event)));
    await this.output.drain();
  }

  async end(): Promise<void> {
    const titles = new Map(this.head.objectives.map((o) => [o.objectiveId, o.title]));
    this.write(
      this.head.redFlags.map((flag) => ({
        record: CSV_RECORD_RED_FLAG,
        objectiveCode: flag.code,
        objectiveTitle: titles.get(flag.objectiveId),
        severity: severityLabel(flag.severity),
        redFlagKind: redFlagKindLabel(flag.kind),
        description: flag.description,
        citedEvents: flag.eventIds.join(LIST_SEPARATOR),
      })),
    );
    await this.output.end();
  }

  /** Rows in the spreadsheet dialect; the byte order mark and the header once, at the top of the file. */
  private write(rows: Row[]): void {
    const first = this.first;
    this.output.write(
      stringify(rows, { ...SPREADSHEET_CSV, columns: this.columns, bom: first && SPREADSHEET_CSV.bom, header: first && SPREADSHEET_CSV.header }),
    );
    this.first = false;
  }
}

/** The table of a content held in memory, as text. */
export async function renderDossierCsv(content: DossierContent): Promise<string> {
  const output = new MemoryOutput();
  await writeDossierCsv(partsOfContent(content), output);
  return output.bytes().toString('utf8');
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
