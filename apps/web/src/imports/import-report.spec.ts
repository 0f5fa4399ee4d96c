import {
  contentTypeOf,
  NdjsonLines,
  progressPercent,
  readImportStream,
  readingText,
  reportRows,
  rowsText,
  summarise,
  translated,
  XLSX_TYPE,
  type ImportLine,
  type ImportReport,
} from './import-report';

const line = (code: string, rows: number[], more: Partial<ImportLine> = {}): ImportLine => ({
  code,
  rows,
  objectiveId: `id-${code}`,
  action: 'create',
  problems: [],
  warnings: [],
  targets: [],
  ...more,
});

const report = (objectives: ImportLine[], issues: ImportReport['issues'] = []): ImportReport => ({
  planId: 'p',
  format: 'csv',
  dryRun: true,
  applied: false,
  position: null,
  summary: {
    objectives: objectives.length,
    create: objectives.filter((l) => l.action === 'create').length,
    unchanged: 0,
    refused: objectives.filter((l) => l.action === 'refused').length,
    indicators: 0,
    flaggedTargets: 0,
    errors: issues.filter((i) => i.severity === 'error').length,
  },
  issues,
  objectives,
});

describe('the import page’s reading of the API’s answers', () => {
  it('sends a file by its extension first, the browser’s guess otherwise', () => {
    expect(contentTypeOf({ name: 'Piano 2025.XLSX', type: '' })).toBe(XLSX_TYPE);
    // Windows calls a CSV file an Excel one: the extension decides.
    expect(contentTypeOf({ name: 'piano.csv', type: 'application/vnd.ms-excel' })).toBe('text/csv');
    expect(contentTypeOf({ name: 'piano.json', type: '' })).toBe('application/json');
    expect(contentTypeOf({ name: 'piano.txt', type: 'text/plain' })).toBe('text/plain');
    expect(contentTypeOf({ name: 'piano', type: '' })).toBe('application/octet-stream');
  });

  it('splits NDJSON into lines wherever the chunks break, blank lines skipped, the last line without its newline kept', () => {
    const lines = new NdjsonLines();
    expect(lines.push('{"progress":{"stage":"check')).toEqual([]);
    expect(lines.push('ing","done":1,"total":4}}\n\n{"a"')).toEqual([{ progress: { stage: 'checking', done: 1, total: 4 } }]);
    expect(lines.push(':1}\n{"b":2}')).toEqual([{ a: 1 }]);
    expect(lines.end()).toEqual([{ b: 2 }]);
    expect(lines.end()).toEqual([]);
  });

  it('turns the stages into one bar that only the report brings to 100 %', () => {
    expect(progressPercent({ stage: 'checking', done: 0, total: 40 })).toBe(0);
    expect(progressPercent({ stage: 'checking', done: 20, total: 40 })).toBe(25);
    expect(progressPercent({ stage: 'checking', done: 40, total: 40 })).toBe(50);
    expect(progressPercent({ stage: 'deciding', done: 10, total: 40 })).toBe(60);
    expect(progressPercent({ stage: 'deciding', done: 40, total: 40 })).toBe(90);
    expect(progressPercent({ stage: 'appending', done: 40, total: 40 })).toBe(99);
    // Nothing to count (total 0) is a stage done; a count past its total stays within the stage.
    expect(progressPercent({ stage: 'deciding', done: 0, total: 0 })).toBe(90);
    expect(progressPercent({ stage: 'checking', done: 9, total: 4 })).toBe(50);
  });

  const streamOf = (...chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });

  it('reads a streamed import to its report, telling each progress line, or to the problem it was refused with', async () => {
    const seen: number[] = [];
    const body = report([line('A', [2])]);
    const done = await readImportStream(
      streamOf(
        '{"progress":{"stage":"checking","done":1,"total":1}}\n{"progress":{"stage":"dec',
        'iding","done":1,"total":1}}\n',
        JSON.stringify({ report: body }),
      ),
      (p) => seen.push(progressPercent(p)),
    );
    expect(seen).toEqual([50, 90]);
    expect(done).toEqual({ report: body });

    const refused = await readImportStream(
      streamOf(`${JSON.stringify({ problem: { status: 422, title: 'x', type: 't', detail: 'd', rule: 'import-refused' } })}\n`),
      () => undefined,
    );
    expect(refused.problem).toMatchObject({ status: 422, rule: 'import-refused' });
    // Cut short: a problem (status 0), never a success.
    const cut = await readImportStream(streamOf('{"progress":{"stage":"checking","done":1,"total":2}}\n'), () => undefined);
    expect(cut.problem?.status).toBe(0);
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"progress":{"stage":"checking","done":1,"total":2}}\n'));
        controller.error(new Error('connection reset'));
      },
    });
    expect((await readImportStream(broken, () => undefined)).problem?.status).toBe(0);
    const garbled = await readImportStream(streamOf('<html>Bad gateway</html>\n'), () => undefined);
    expect(garbled.problem?.status).toBe(0);
  });

  it('summarises the report: objectives, those with errors and with warnings, flagged targets; blocking when any is refused', () => {
    const unread = {
      indicatorId: 'i1',
      text: 'miglioramento',
      reading: { status: 'unread' as const, code: 'no-value' as const, reason: 'no value', text: 'x' },
    };
    const read = {
      indicatorId: 'i2',
      text: '4,00',
      reading: { status: 'read' as const, senseFrom: 'convention' as const, target: { text: '4,00', sense: 'at-least' as const, value: 4 } },
    };
    const clean = report(
      [
        line('A', [2, 3], { targets: [read, unread] }),
        line('B', [4], { warnings: [{ code: 'phase-weights-not-100', message: 'phase weights total 80, not 100' }] }),
        line('C', [5, 6]),
      ],
      [{ row: 6, column: 'Fase - fine', code: 'date-kept-as-text', severity: 'warning', message: '"entro giugno" is not a date' }],
    );
    expect(summarise(clean)).toEqual({ objectives: 3, withErrors: 0, withWarnings: 2, flaggedTargets: 1, strayErrors: 0, blocking: false });
    expect(reportRows(clean).rows.map((r) => r.issues.map((i) => i.code))).toEqual([[], [], ['date-kept-as-text']]);

    const refused = report([
      line('A', [2]),
      line('B', [3], { action: 'refused', problems: [{ field: 'definition.responsibleUnitId', rule: 'unknown-unit', message: 'no unit' }] }),
    ]);
    expect(summarise(refused)).toMatchObject({ withErrors: 1, blocking: true });

    // A row of no objective that cannot be read refuses the real run too, though every objective is fine.
    const stray = report([line('A', [2])], [{ row: 9, column: 'Fase - peso', code: 'not-a-number', severity: 'error', message: 'molto' }]);
    expect(reportRows(stray).strays.map((i) => i.row)).toEqual([9]);
    expect(summarise(stray)).toMatchObject({ withErrors: 0, strayErrors: 1, blocking: true });
  });

  it('says rows, readings and codes in Italian, and the API’s words for a code the catalogue does not know', () => {
    expect(rowsText([4, 2, 3])).toBe('2–4');
    expect(rowsText([2, 5])).toBe('2, 5');
    expect(rowsText([7])).toBe('7');
    const read = (target: object, change?: 'increase' | 'decrease') =>
      readingText({
        indicatorId: 'i',
        text: 't',
        reading: { status: 'read', senseFrom: 'text', target: { text: 't', ...target }, ...(change ? { change } : {}) },
      });
    expect(read({ sense: 'at-least', value: 4.5, unit: 'n.' })).toBe('almeno 4,5 n.');
    expect(read({ sense: 'at-most', value: 30, unit: 'giorni', strict: true })).toBe('meno di 30 giorni');
    expect(read({ sense: 'by-date', date: '2025-06-30' })).toBe('entro il 30/06/2025');
    expect(read({ sense: 'at-most', value: 10, unit: '%' }, 'decrease')).toBe('riduzione di 10 %');
    expect(readingText({ indicatorId: 'i', text: 't', reading: { status: 'unread', code: 'range', reason: 'a range', text: 't' } })).toBe(
      'non letto con certezza (intervallo di valori)',
    );
    expect(translated('import.rule', 'unknown-unit', 'no unit')).toMatch(/^Struttura sconosciuta/);
    expect(translated('import.rule', 'isNotEmpty', 'x')).toBe('Campo obbligatorio.');
    expect(translated('import.warning', 'something-new', 'the API’s own words')).toBe('the API’s own words');
  });
});
