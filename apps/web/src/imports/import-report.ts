import { type components, type Problem } from '@piao/api-client';
import { formatDate, formatNumber } from '../format/format';
import { hasMessage, t } from '../i18n/messages';

export type ImportReport = components['schemas']['ImportReportView'];
export type ImportLine = components['schemas']['ImportLineView'];
export type ImportIssue = components['schemas']['ImportIssueView'];
export type ImportProgress = components['schemas']['ImportProgressView'];
export type ImportTarget = components['schemas']['ImportTargetView'];

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The media type to send a chosen file as. The name's extension wins over the browser's guess: a browser on Windows
 * calls a `.csv` file `application/vnd.ms-excel`, which the API would refuse as a workbook it does not read. A file
 * of any other kind goes as the browser names it, so the API's 415 says what is wrong with it.
 */
export function contentTypeOf(file: { name: string; type: string }): string {
  const extension = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase();
  if (extension === 'xlsx') return XLSX_TYPE;
  if (extension === 'csv') return 'text/csv';
  if (extension === 'json') return 'application/json';
  return file.type || 'application/octet-stream';
}

/** NDJSON arriving in chunks of any size: the complete lines, parsed, as they become complete. */
export class NdjsonLines {
  private rest = '';

  push(chunk: string): unknown[] {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    return parts.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
  }

  /** What is left once the stream has ended (a last line without its newline). */
  end(): unknown[] {
    const last = this.rest.trim();
    this.rest = '';
    return last === '' ? [] : [JSON.parse(last) as unknown];
  }
}

/**
 * An import's progress as one bar: checking the objectives is the first half, deciding them against the plan the
 * next 40 %, appending the batch the rest; the bar reaches 100 % only with the report (the batch is then written).
 */
const STAGES: Record<string, [from: number, to: number]> = { checking: [0, 50], deciding: [50, 90], appending: [90, 99] };

export function progressPercent(progress: ImportProgress): number {
  const [from, to] = STAGES[progress.stage] ?? [0, 0];
  const share = progress.total > 0 ? Math.min(1, Math.max(0, progress.done / progress.total)) : 1;
  return Math.round(from + (to - from) * share);
}

/** How a streamed import ended: its report, or the problem it was refused with (an `import-refused` carries the report). */
export type StreamOutcome = { report: ImportReport; problem?: undefined } | { report?: undefined; problem: Problem };

/** Reads the lines of a streamed import, telling each progress line as it comes, until its report or its problem. */
export async function readImportStream(stream: ReadableStream<Uint8Array>, onProgress: (progress: ImportProgress) => void): Promise<StreamOutcome> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const lines = new NdjsonLines();
  let outcome: StreamOutcome | undefined;
  const take = (parsed: unknown[]) => {
    for (const line of parsed as components['schemas']['ImportStreamLineView'][]) {
      if (line.progress) onProgress(line.progress);
      else if (line.report) outcome = { report: line.report };
      else if (line.problem) outcome = { problem: line.problem as Problem };
    }
  };
  const cutShort: StreamOutcome = { problem: { type: 'about:blank', title: 'Errore', status: 0, detail: '' } };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      take(lines.push(decoder.decode(value, { stream: true })));
    }
    take(lines.push(decoder.decode()));
    take(lines.end());
  } catch {
    // The connection lost, or a line that is not JSON (a proxy's page): the import's fate is unknown, not a success;
    // pressing Importa again sends the same Idempotency-Key, so a batch already written is answered, not repeated.
    return outcome ?? cutShort;
  }
  // An answer cut short is said as such: never taken for a success.
  return outcome ?? cutShort;
}

/** The report of a refused import (422 `import-refused`), if the problem carries one. */
export function reportOf(problem: Problem | undefined): ImportReport | undefined {
  const report = problem?.report as ImportReport | undefined;
  return report && Array.isArray(report.objectives) ? report : undefined;
}

export interface ReportSummary {
  objectives: number;
  /** Objectives that cannot be imported (refused), each with at least one problem. */
  withErrors: number;
  /** Objectives with a warning of their draft, or a warning read on one of their rows. */
  withWarnings: number;
  /** Targets the API could not read with confidence: a person scores them. */
  flaggedTargets: number;
  /** Errors of rows that belong to no objective. */
  strayErrors: number;
  /** True when a real run would be refused: nothing would be written. */
  blocking: boolean;
}

/** One objective of the report with what reading its rows found. */
export interface ReportRow {
  line: ImportLine;
  issues: ImportIssue[];
}

/** The report objective by objective, each with the issues of its rows; the issues of no objective apart. */
export function reportRows(report: ImportReport): { rows: ReportRow[]; strays: ImportIssue[] } {
  const rows = report.objectives.map((line) => ({ line, issues: report.issues.filter((i) => i.row !== undefined && line.rows.includes(i.row)) }));
  const strays = report.issues.filter((i) => i.row === undefined || !report.objectives.some((l) => l.rows.includes(i.row!)));
  return { rows, strays };
}

export function summarise(report: ImportReport): ReportSummary {
  const { rows, strays } = reportRows(report);
  const strayErrors = strays.filter((i) => i.severity === 'error').length;
  const withErrors = rows.filter((r) => r.line.action === 'refused' || r.line.problems.length > 0).length;
  return {
    objectives: report.objectives.length,
    withErrors,
    withWarnings: rows.filter((r) => r.line.warnings.length > 0 || r.issues.some((i) => i.severity === 'warning')).length,
    flaggedTargets: report.objectives.reduce((n, l) => n + l.targets.filter((target) => target.reading.status === 'unread').length, 0),
    strayErrors,
    blocking: withErrors > 0 || strayErrors > 0 || report.summary.refused > 0,
  };
}

/** A text of the catalogue by a code the API names (a rule, or what reading a row found, share one list), or the API's own words when the catalogue does not know it. */
export function translated(prefix: 'import.rule' | 'import.warning' | 'import.unread', code: string, message: string): string {
  const key = `${prefix}.${code}`;
  if (hasMessage(key)) return t(key);
  // A rule the interface already explains elsewhere (a date, a number…), in the same words.
  if (prefix === 'import.rule' && hasMessage(`rule.${code}`)) return t(`rule.${code}` as Parameters<typeof t>[0]);
  return message;
}

/** The spreadsheet rows an objective was read from: "2", "2–5", or "2, 4, 7" when they are not adjacent. */
export function rowsText(rows: readonly number[]): string {
  if (rows.length === 0) return '—';
  const sorted = [...rows].sort((a, b) => a - b);
  const adjacent = sorted.every((row, i) => i === 0 || row === sorted[i - 1] + 1);
  return adjacent && sorted.length > 1 ? `${sorted[0]}–${sorted[sorted.length - 1]}` : sorted.join(', ');
}

/** How the API read a target, in words: "almeno 4 n.", "entro il 30/06/2025", or why it could not read it. */
export function readingText(target: ImportTarget): string {
  const reading = target.reading;
  if (reading.status === 'unread') return t('import.reading.unread', { reason: translated('import.unread', reading.code, reading.reason) });
  const { sense, value, unit, date, strict } = reading.target;
  const amount = value === undefined ? '' : `${formatNumber(value)}${unit ? ` ${unit}` : ''}`;
  if (reading.change) return t(reading.change === 'increase' ? 'import.reading.increase' : 'import.reading.decrease', { value: amount });
  switch (sense) {
    case 'at-least':
      return t(strict ? 'import.reading.moreThan' : 'import.reading.atLeast', { value: amount });
    case 'at-most':
      return t(strict ? 'import.reading.lessThan' : 'import.reading.atMost', { value: amount });
    case 'exactly':
      return t('import.reading.exactly', { value: amount });
    case 'by-date':
      return t('import.reading.byDate', { date: date ? formatDate(date) : '—' });
    case 'done':
      return t('import.reading.done');
    default:
      return t('import.reading.asWritten');
  }
}
