import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { changeValueText, eventLabel, roleLabel } from '../dossier/dossier-labels';
import { SPREADSHEET_CSV } from '../spreadsheet-csv';
import { type AuditTrailEntry } from './audit-trail';

const COLUMNS = [
  { key: 'position', header: 'Posizione nel registro' },
  { key: 'eventId', header: 'ID evento' },
  { key: 'objectiveCode', header: 'Codice obiettivo' },
  { key: 'objectiveId', header: 'ID obiettivo' },
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
  { key: 'leafHash', header: 'Hash foglia (SHA-256, base64)' },
  // An event of a past year's history: who entered it in the system, and when (its author and dates are the history's).
  { key: 'importedBy', header: 'Importato da' },
  { key: 'importedAt', header: 'Importato il' },
];

type ShownEntry = Omit<AuditTrailEntry, 'evaluationUnshared'>;

/** The trail as CSV for a spreadsheet, one row per event, streamed as the entries come. */
export function auditTrailCsv(entries: AsyncIterable<ShownEntry>): Readable {
  const rows = Readable.from(
    (async function* () {
      for await (const e of entries) {
        yield {
          position: e.position,
          eventId: e.eventId,
          objectiveCode: e.objectiveCode,
          objectiveId: e.objectiveId,
          revision: e.revision,
          type: e.type,
          label: eventLabel(e.type, e.changes),
          actorName: e.actor.name,
          actorId: e.actor.id,
          actorRole: roleLabel(e.actor.role),
          occurredAt: e.occurredAt,
          recordedAt: e.recordedAt,
          reason: e.reason ?? undefined,
          actNumber: e.act?.number,
          actDate: e.act?.date,
          changes: e.changes.map((c) => `${c.path}: ${changeValueText(c.from)} → ${changeValueText(c.to)}`).join(' | '),
          leafIndex: e.leafIndex ?? undefined,
          leafHash: e.leafHash ?? undefined,
          importedBy: e.imported ? `${e.imported.by.name} (${e.imported.by.id})` : undefined,
          importedAt: e.imported?.at,
        };
      }
    })(),
  );
  const csv = stringify({ ...SPREADSHEET_CSV, columns: COLUMNS });
  // `pipe` does not carry the source's errors: a page that fails mid-export must end the response, not the process.
  rows.on('error', (error) => csv.destroy(error));
  return rows.pipe(csv);
}
