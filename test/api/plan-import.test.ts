import { stringify } from 'csv-stringify/sync';
import { allEvents, startApi, type Api, type AuthorisedClient, type Person } from '../support/api-harness';
import { asTable, fixtureObjectives, unitsNamed, type FixtureObjective, type TemplateRow } from '../support/fixture-import-rows';
import { xlsxOf } from '../support/xlsx-files';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ENTE = 'comune-import';
const people = {
  admin: { sub: 'admin', name: 'Ufficio Organizzazione', ente: ENTE, roles: ['admin'] },
  segretario: { sub: 'seg', name: 'Segretaria Generale', ente: ENTE, roles: ['segretario'] },
  vice: { sub: 'vice', name: 'Vicesegretario', ente: ENTE, roles: ['segretario'] },
  nucleo: { sub: 'ndv', name: 'Presidente del Nucleo di Valutazione', ente: ENTE, roles: ['nucleo'] },
  dirigente: { sub: 'dir-0', name: 'Dirigente 0', ente: ENTE, roles: ['dirigente'] },
  stranger: { sub: 'seg', name: 'Segretario di un altro comune', ente: 'comune-altro', roles: ['segretario'] },
} satisfies Record<string, Person>;

interface Line {
  code: string;
  rows: number[];
  objectiveId: string;
  action: string;
  problems: { field?: string; rule: string; message: string }[];
  warnings: { code: string }[];
  targets: { indicatorId: string; text: string; reading: { status: string; code?: string; reason?: string; target?: { sense?: string } } }[];
}
interface Report {
  dryRun: boolean;
  applied: boolean;
  format: string;
  position: string | null;
  summary: Record<string, number>;
  issues: { row?: number; column?: string; code: string; severity: string; message: string }[];
  objectives: Line[];
}

const csvOf = (rows: TemplateRow[], delimiter = ';') => Buffer.from(`\uFEFF${stringify(asTable(rows), { delimiter })}`, 'utf8');

/** The 40 objectives of the fixture plans, imported from a workbook and from a CSV table, then through the cycle. */
describe('importing a plan from a spreadsheet, a CSV table or a plan document (PostgreSQL)', () => {
  let api: Api;
  let as: Record<keyof typeof people, AuthorisedClient>;
  const fixtures = fixtureObjectives();
  const rows = fixtures.flatMap((o) => o.rows);
  const unitIds = new Map<string, string>();
  const heads = new Map<string, AuthorisedClient>();
  let xlsxPlan: string;
  let csvPlan: string;

  const ok = async (call: Promise<{ status: number; body: unknown }>, status = 200) => {
    const response = await call;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body).slice(0, 2000)}`);
    return response.body as Record<string, unknown>;
  };
  const upload = (client: AuthorisedClient, planId: string, body: Buffer | object, type: string, query = '', headers: Record<string, string> = {}) =>
    Buffer.isBuffer(body)
      ? client.postFile(`/plans/${planId}/imports${query}`, body, type, headers)
      : client.post(`/plans/${planId}/imports${query}`, body, headers);
  const openPlan = async (title: string, fromYear = 2025) =>
    (await ok(as.segretario.post('/plans', { kind: 'PEG', title, fromYear, toYear: fromYear }), 201)).planId as string;

  beforeAll(async () => {
    api = await startApi('postgres');
    as = Object.fromEntries(await Promise.all(Object.entries(people).map(async ([k, p]) => [k, await api.as(p)]))) as typeof as;
    // The units as the plans name them, each with a head of its own; the plans never say which id a unit has.
    const names = ['welfare', ...unitsNamed(fixtures)];
    for (const [i, name] of names.entries()) {
      const unitId = `u${i}`;
      unitIds.set(name.toLowerCase(), unitId);
      const head: Person = { sub: `dir-${i}`, name: `Dirigente ${i}`, ente: ENTE, roles: ['dirigente'] };
      await ok(as.admin.post('/organisation/units', { unitId, name, kind: 'settore' }), 201);
      await ok(as.admin.post('/organisation/people', { personId: head.sub, name: head.name }), 201);
      await ok(as.admin.post('/organisation/headships', { unitId, personId: head.sub, from: '2025-01-01' }), 201);
      heads.set(unitId, await api.as(head));
    }
    xlsxPlan = await openPlan('PEG 2025 (da foglio di calcolo)');
    csvPlan = await openPlan('PEG 2025 (da CSV)');
  }, 60_000);
  afterAll(() => api.close());

  const expectFixtureReport = (report: Report, format: string) => {
    expect(report).toMatchObject({ format, summary: { objectives: 40, create: 40, unchanged: 0, refused: 0, errors: 0 } });
    expect(report.objectives.map((l) => l.code)).toEqual(fixtures.map((o) => o.code));
    for (const [i, line] of report.objectives.entries()) {
      const fixture: FixtureObjective = fixtures[i];
      expect(line).toMatchObject({ action: 'create', problems: [] });
      expect(line.targets).toHaveLength(fixture.indicators);
      // Every flagged target says why, with a stable code; none is silently given a direction.
      for (const t of line.targets.filter((t) => t.reading.status === 'unread'))
        expect([typeof t.reading.code, typeof t.reading.reason]).toEqual(['string', 'string']);
    }
    expect(report.summary.indicators).toBe(fixtures.reduce((n, o) => n + o.indicators, 0));
    const byCode = new Map(report.objectives.map((l) => [l.code, l]));
    // Cinisello's 2025_S07_01: "4,00" read as "at least 4".
    expect(byCode.get('2025_S07_01')!.targets[0]).toMatchObject({ text: '4,00', reading: { status: 'read', target: { sense: 'at-least' } } });
    // The weights are warned of exactly where the plan's own do not total 100 (a blank one is never taken as 0 or invented).
    for (const fixture of fixtures) {
      const weights = fixture.rows.filter((r) => r.phaseDescription).map((r) => r.phaseWeight);
      const given = weights.filter((w): w is string => w !== undefined).map((w) => Number(w.replace(',', '.')));
      const off = given.length > 0 && Math.abs(given.reduce((a, b) => a + b, 0) - 100) > 1e-9;
      expect([fixture.code, byCode.get(fixture.code)!.warnings.some((w) => w.code === 'phase-weights-not-100')]).toEqual([fixture.code, off]);
    }
    // Segrate gives no phase weights: the warning says so rather than inventing them.
    expect(byCode.get('SEGRATE_01')!.warnings.map((w) => w.code)).toContain('phase-weight-missing');
    // The 001 extract's milestone "31.05.2023" is a date; the rows the file was read from are named.
    expect(byCode.get('EXTRACT_20')!.rows.length).toBeGreaterThan(0);
    expect(report.summary.flaggedTargets).toBeGreaterThan(0);
  };

  it('a dry run of the 40 fixture objectives from a workbook reports each objective, row by row, and writes nothing', async () => {
    const before = (await allEvents(api.store)).length;
    const report = (await ok(upload(as.segretario, xlsxPlan, await xlsxOf(asTable(rows)), XLSX, '?dryRun=true'))) as unknown as Report;
    expect(report).toMatchObject({ dryRun: true, applied: false, position: null });
    expectFixtureReport(report, 'xlsx');
    expect((await allEvents(api.store)).length).toBe(before);
  });

  it('the real run drafts all 40 into the plan in one batch, with the units resolved by name; the same file again changes nothing', async () => {
    const file = await xlsxOf(asTable(rows));
    const before = (await allEvents(api.store)).length;
    const report = (await ok(upload(as.segretario, xlsxPlan, file, XLSX))) as unknown as Report;
    expect(report).toMatchObject({ dryRun: false, applied: true });
    expect(report.position).toMatch(/^\d+\/\d+$/);
    expectFixtureReport(report, 'xlsx');
    // 40 drafts and 40 attachments, in one transaction: the events share one commit position.
    const appended = (await allEvents(api.store)).slice(before);
    expect(appended).toHaveLength(80);
    expect(new Set(appended.map((e) => e.position.commit)).size).toBe(1);

    const plan = await ok(as.segretario.get(`/plans/${xlsxPlan}`));
    expect((plan.objectives as { status: string }[]).map((o) => o.status)).toEqual(Array(40).fill('draft'));
    const cinisello = await ok(as.segretario.get(`/objectives/${report.objectives[0].objectiveId}`));
    const fixture = fixtures[0];
    expect(cinisello.definition).toMatchObject({
      title: fixture.rows[0].title,
      responsibleUnitId: unitIds.get(fixture.rows[0].responsibleUnit!.toLowerCase()),
      horizon: { fromYear: 2025, toYear: 2025 },
    });
    const segrate = await ok(as.segretario.get(`/objectives/${report.objectives[10].objectiveId}`));
    expect((segrate.definition as { people: { participationPercent: number }[] }).people.map((p) => p.participationPercent)).toEqual(
      fixtures[10].rows.filter((r) => r.personShare).map((r) => Number(r.personShare!.replace('%', '').replace(',', '.'))),
    );

    const again = (await ok(upload(as.segretario, xlsxPlan, file, XLSX))) as unknown as Report;
    expect(again.summary).toMatchObject({ objectives: 40, create: 0, unchanged: 40, refused: 0 });
    expect(again).toMatchObject({ applied: true, position: null });
    expect((await allEvents(api.store)).length).toBe(before + 80);
  });

  it('the same objectives from a CSV table (Italian Excel: `;`, byte-order mark) give the same definitions as from the workbook', async () => {
    const report = (await ok(upload(as.segretario, csvPlan, csvOf(rows), 'text/csv'))) as unknown as Report;
    expectFixtureReport(report, 'csv');
    const fromXlsx = (await ok(as.segretario.get(`/plans/${xlsxPlan}`))).objectives as { objectiveId: string }[];
    for (const [i, line] of report.objectives.entries()) {
      const csvDefinition = (await ok(as.segretario.get(`/objectives/${line.objectiveId}`))).definition;
      const xlsxDefinition = (await ok(as.segretario.get(`/objectives/${fromXlsx[i].objectiveId}`))).definition;
      expect(csvDefinition).toEqual(xlsxDefinition);
    }
    // A `,`-separated table reads the same.
    const comma = (await ok(upload(as.segretario, csvPlan, csvOf(rows, ','), 'text/csv', '?dryRun=true'))) as unknown as Report;
    expect(comma.summary).toMatchObject({ objectives: 40, unchanged: 40 });
  });

  it('the imported plan runs through the whole cycle, each objective by the head of its unit', async () => {
    const plan = await ok(as.segretario.get(`/plans/${xlsxPlan}`));
    const objectives = plan.objectives as { objectiveId: string; responsibleUnitId: string }[];
    for (const o of objectives) await ok(heads.get(o.responsibleUnitId)!.post(`/objectives/${o.objectiveId}/propose`, { occurredOn: '2025-02-10' }));
    await ok(as.segretario.post(`/plans/${xlsxPlan}/submit`, { occurredOn: '2025-02-20' }));
    await ok(as.segretario.post(`/plans/${xlsxPlan}/approve`, { act: { number: '18', date: '2025-03-04' } }));
    await ok(as.segretario.post(`/plans/${xlsxPlan}/monitoring-campaigns`, { asOf: '2025-07-31', dueOn: '2025-08-31' }), 201);
    for (const o of objectives) {
      const owner = heads.get(o.responsibleUnitId)!;
      const definition = (await ok(owner.get(`/objectives/${o.objectiveId}`))).definition as { phases: { id: string }[]; indicators: { id: string }[] };
      const report = (percent: number, value: string) => ({
        phases: definition.phases.map((p) => ({ phaseId: p.id, progressPercent: percent })),
        indicators: definition.indicators.map((i) => ({ indicatorId: i.id, value })),
      });
      await ok(owner.post(`/objectives/${o.objectiveId}/monitoring-reports`, { asOf: '2025-07-31', ...report(50, '1'), occurredOn: '2025-08-05' }));
      await ok(as.segretario.post(`/objectives/${o.objectiveId}/monitoring-reports/validate`, { asOf: '2025-07-31', occurredOn: '2025-08-20' }));
      await ok(owner.post(`/objectives/${o.objectiveId}/year-end-report`, { ...report(100, '4'), evidence: 'Relazione finale', occurredOn: '2026-01-31' }));
      await ok(as.segretario.post(`/objectives/${o.objectiveId}/year-end-report/validate`, { occurredOn: '2026-02-15' }));
      await ok(as.nucleo.post(`/objectives/${o.objectiveId}/evaluation`, { achievementPercent: 90, reason: 'Raggiunto', occurredOn: '2026-04-10' }));
      await ok(as.nucleo.post(`/objectives/${o.objectiveId}/evaluation/share`, { occurredOn: '2026-04-20' }));
      expect((await ok(as.segretario.post(`/objectives/${o.objectiveId}/close`, { occurredOn: '2026-06-30' }))).status).toBe('closed');
    }
    expect((await ok(as.segretario.post(`/plans/${xlsxPlan}/close`, { occurredOn: '2026-06-30' }))).status).toBe('closed');
  }, 120_000);

  it('refuses the whole batch when one objective cannot be created, and the report says which, where and why', async () => {
    const planId = await openPlan('PEG 2025 (con errori)');
    const bad: TemplateRow[] = [
      { code: 'OK_1', title: 'Obiettivo corretto', responsibleUnit: 'welfare', indicatorDescription: 'Pratiche evase', indicatorTarget: 'almeno 10' },
      { code: 'BAD_UNIT', title: 'Unità sconosciuta', responsibleUnit: 'Settore Inesistente' },
      { code: 'BAD_DATE', title: 'Data impossibile', responsibleUnit: 'welfare', deadline: '31/02/2025', phaseDescription: 'Fase', phaseEnd: '31/12/25' },
      { code: 'NO_TITLE', responsibleUnit: 'welfare' },
      { code: 'OK_1', indicatorDescription: 'Tempi medi', indicatorTarget: 'da 45 giorni a 30 giorni', phaseDescription: 'Istruttoria', phaseWeight: 'molto' },
    ];
    const before = (await allEvents(api.store)).length;
    const dry = (await ok(upload(as.segretario, planId, csvOf(bad), 'text/csv', '?dryRun=true'))) as unknown as Report;
    const line = (code: string) => dry.objectives.find((l) => l.code === code)!;
    expect(dry.summary).toMatchObject({ objectives: 4, create: 1, refused: 3 });
    expect(line('BAD_UNIT').problems).toEqual([expect.objectContaining({ field: 'definition.responsibleUnitId', rule: 'unknown-unit' })]);
    expect(line('NO_TITLE').problems.map((p) => p.field)).toContain('definition.title');
    // A weight that is not a number refuses its objective, naming the row and the column.
    expect(line('OK_1')).toMatchObject({ action: 'refused', rows: [2, 6] });
    expect(line('OK_1').problems).toEqual([expect.objectContaining({ field: 'Fase - peso', rule: 'not-a-number' })]);
    // An impossible date is kept as written and flagged; a two-digit year is read and its text kept.
    expect(line('BAD_DATE')).toMatchObject({ action: 'create' });
    expect(line('BAD_DATE').warnings.map((w) => w.code)).toContain('value-kept-as-text');
    expect(dry.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 4, column: 'Scadenza', code: 'date-kept-as-text', severity: 'warning' }),
        expect.objectContaining({ row: 4, column: 'Fase - fine', code: 'two-digit-year', severity: 'info' }),
      ]),
    );

    const refused = await upload(as.segretario, planId, csvOf(bad), 'text/csv');
    expect([refused.status, refused.body.rule, refused.body.report?.summary?.refused]).toEqual([422, 'import-refused', 3]);
    expect((await allEvents(api.store)).length).toBe(before);

    const fixed = (await ok(upload(as.segretario, planId, csvOf(bad.filter((r) => r.code === 'BAD_DATE')), 'text/csv'))) as unknown as Report;
    const read = await ok(as.segretario.get(`/objectives/${fixed.objectives[0].objectiveId}`));
    expect(read.definition).toMatchObject({ phases: [{ plannedEnd: '2025-12-31' }], asWritten: { deadline: '31/02/2025', 'phases.0.plannedEnd': '31/12/25' } });
    expect(read.definition).not.toHaveProperty('deadline');
  });

  it("reads one indicator's target for each contributing unit, each with its deadline, units named as the ente names them", async () => {
    const planId = await openPlan('PEG 2025 (valori attesi per unità)');
    const other = unitsNamed(fixtures)[0];
    const shared: TemplateRow[] = [
      {
        code: 'SHARED_1',
        title: 'Controlli congiunti',
        responsibleUnit: 'welfare',
        contributingUnits: other.toUpperCase(),
        indicatorDescription: 'Sopralluoghi effettuati',
        indicatorUnit: 'Welfare',
        indicatorTarget: '12 sopralluoghi',
        indicatorDueDate: '30/06/2025',
      },
      { code: 'SHARED_1', indicatorUnit: other, indicatorTarget: 'almeno 4', indicatorDueDate: '30/09/25' },
    ];
    const report = (await ok(upload(as.segretario, planId, csvOf(shared), 'text/csv'))) as unknown as Report;
    expect(report.objectives[0].targets.map((t) => [t.indicatorId, (t as { unitId?: string }).unitId, t.reading.status])).toEqual([
      ['i1', 'u0', 'read'],
      ['i1', unitIds.get(other.toLowerCase()), 'read'],
    ]);
    const read = await ok(as.segretario.get(`/objectives/${report.objectives[0].objectiveId}`));
    expect((read.definition as { indicators: unknown[] }).indicators[0]).toEqual({
      id: 'i1',
      description: 'Sopralluoghi effettuati',
      unitTargets: [
        { unitId: 'u0', target: { text: '12 sopralluoghi' }, dueDate: '2025-06-30' },
        { unitId: unitIds.get(other.toLowerCase()), target: { text: 'almeno 4' }, dueDate: '2025-09-30' },
      ],
    });
    // A unit that is not among the objective's refuses it, naming the field.
    const stray = (await ok(
      upload(
        as.segretario,
        planId,
        csvOf([
          { ...shared[0], code: 'SHARED_2', contributingUnits: undefined },
          { ...shared[1], code: 'SHARED_2' },
        ]),
        'text/csv',
        '?dryRun=true',
      ),
    )) as unknown as Report;
    expect(stray.objectives[0]).toMatchObject({ action: 'refused', problems: [expect.objectContaining({ rule: 'definition-invalid' })] });
  });

  it('imports a JSON plan document, each objective checked on its own', async () => {
    const planId = await openPlan('PEG 2025 (documento JSON)');
    const document = {
      objectives: [
        {
          code: 'J1',
          definition: { title: 'Sportello unico', responsibleUnitId: 'Welfare', horizon: { fromYear: 2025, toYear: 2025 }, phases: [], indicators: [] },
        },
        { code: 'J2', definition: { title: 'Senza orizzonte', responsibleUnitId: 'u0', phases: [], indicators: [] } },
        { code: 'J3', definition: { title: 'x'.repeat(2000), responsibleUnitId: 'u0', horizon: { fromYear: 2025, toYear: 2025 }, phases: [], indicators: [] } },
      ],
    };
    const dry = (await ok(upload(as.segretario, planId, document, 'application/json', '?dryRun=true'))) as unknown as Report;
    expect(dry.objectives.map((l) => [l.code, l.action, [...new Set(l.problems.map((p) => p.field))]])).toEqual([
      ['J1', 'create', []],
      ['J2', 'refused', ['definition.horizon']],
      ['J3', 'refused', ['definition.title']],
    ]);
    const applied = (await ok(upload(as.segretario, planId, { objectives: [document.objectives[0]] }, 'application/json'))) as unknown as Report;
    expect(applied.summary).toMatchObject({ create: 1 });
    expect((await ok(as.segretario.get(`/objectives/${applied.objectives[0].objectiveId}`))).definition).toMatchObject({ responsibleUnitId: 'u0' });
  });

  it('refuses what is not an import, or not the caller’s to import, writing nothing', async () => {
    const planId = await openPlan('PEG 2025 (rifiuti)');
    const before = (await allEvents(api.store)).length;
    const expectProblem = async (call: Promise<{ status: number; body: Record<string, unknown> }>, status: number, field?: string) => {
      const response = await call;
      expect([response.status, (response.body.errors as { field: string }[] | undefined)?.[0]?.field ?? response.body.rule]).toEqual([status, field]);
    };
    await expectProblem(upload(as.segretario, planId, Buffer.from('titolo\tcodice'), 'text/plain'), 415, 'Content-Type');
    await expectProblem(upload(as.segretario, planId, Buffer.from('PK\u0003\u0004 not a zip at all'), XLSX), 400, '(body)');
    await expectProblem(upload(as.segretario, planId, Buffer.from('Titolo;Note\nA;B\n'), 'text/csv'), 400, 'Codice obiettivo');
    await expectProblem(upload(as.segretario, planId, csvOf(rows.slice(0, 3)), 'text/csv', '?dryRun=perhaps'), 400, 'dryRun');
    await expectProblem(upload(as.segretario, planId, csvOf([]), 'text/csv'), 400, '(body)');
    await expectProblem(upload(as.segretario, planId, { objectives: [] }, 'application/json'), 400, 'objectives');
    await expectProblem(upload(as.segretario, planId, { objectives: [{}], extra: 1 }, 'application/json'), 400, 'extra');
    await expectProblem(upload(as.dirigente, planId, csvOf(rows.slice(0, 3)), 'text/csv'), 403, 'role-not-allowed');
    await expectProblem(upload(as.stranger, planId, csvOf(rows.slice(0, 3)), 'text/csv'), 404, undefined);
    const tooLarge = await upload(as.segretario, planId, Buffer.alloc(11 * 1024 * 1024, 0x41), 'text/csv');
    expect(tooLarge.status).toBe(413);
    expect((await allEvents(api.store)).length).toBe(before);
  });

  it('an Idempotency-Key makes a retried import happen once, answered the same', async () => {
    const planId = await openPlan('PEG 2025 (ripetuto)');
    const file = csvOf(fixtures.slice(0, 2).flatMap((o) => o.rows));
    const first = await upload(as.segretario, planId, file, 'text/csv', '', { 'Idempotency-Key': 'import-1' });
    const second = await upload(as.segretario, planId, file, 'text/csv', '', { 'Idempotency-Key': 'import-1' });
    expect([first.status, second.status, second.headers['idempotency-replayed']]).toEqual([200, 200, 'true']);
    expect(second.body).toEqual(first.body);
    const reused = await upload(as.segretario, planId, csvOf(fixtures.slice(0, 1).flatMap((o) => o.rows)), 'text/csv', '', { 'Idempotency-Key': 'import-1' });
    expect([reused.status, reused.body.rule]).toEqual([422, 'idempotency-key-reused']);
  });

  it('streams its progress, line by line, to a client that asks for it, then the report (or the refusal)', async () => {
    const planId = await openPlan('PEG 2025 (con avanzamento)');
    const parse = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, { stage?: string; done?: number; total?: number }>);
    const streamed = await upload(as.segretario, planId, csvOf(rows), 'text/csv', '', { Accept: 'application/x-ndjson' }).buffer(true);
    expect([streamed.status, streamed.headers['content-type']]).toEqual([200, 'application/x-ndjson']);
    const lines = parse(streamed.text);
    const progress = lines.slice(0, -1).map((l) => l.progress);
    expect(progress.map((p) => p.stage)).toEqual(expect.arrayContaining(['checking', 'deciding', 'appending']));
    expect(progress.every((p) => p.total === 40 && p.done! <= p.total!)).toBe(true);
    expect((lines[lines.length - 1].report as unknown as Report).summary).toMatchObject({ create: 40, refused: 0 });
    // A refusal after the answer has started is the last line, as problem details; nothing is written.
    const before = (await allEvents(api.store)).length;
    const bad = [...rows.slice(0, 3), { code: 'X', title: 'Unità sconosciuta', responsibleUnit: 'Nessuna' }];
    const refused = parse(
      (await upload(as.segretario, await openPlan('PEG 2025 (rifiutato)'), csvOf(bad), 'text/csv', '', { Accept: 'application/x-ndjson' }).buffer(true)).text,
    );
    expect(refused[refused.length - 1].problem).toMatchObject({ status: 422, rule: 'import-refused' });
    expect((await allEvents(api.store)).length).toBe(before + 1); // the plan opened for it, nothing else
  });

  it('streamed or not, an Idempotency-Key makes it happen once: copies at once, retries and a refusal answered the same', async () => {
    const planId = await openPlan('PEG 2025 (avanzamento e chiave)');
    const parse = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const last = (text: string) => parse(text).pop()!;
    const file = csvOf(fixtures.slice(0, 5).flatMap((o) => o.rows));
    const streamed = (key: string, body = file) =>
      upload(as.segretario, planId, body, 'text/csv', '', { Accept: 'application/x-ndjson', 'Idempotency-Key': key }).buffer(true);
    const before = (await allEvents(api.store)).length;
    const copies = await Promise.all([streamed('stream-1'), streamed('stream-1'), streamed('stream-1')]);
    expect(copies.map((c) => c.status)).toEqual([200, 200, 200]);
    const reports = copies.map((c) => last(c.text).report as Report);
    expect(reports.map((r) => r?.summary.create)).toEqual([5, 5, 5]);
    expect((await allEvents(api.store)).length).toBe(before + 10);
    // A retry after the answer: the recorded report, as the last line the client would have read.
    const retry = await streamed('stream-1');
    expect([retry.status, retry.headers['idempotency-replayed'], retry.headers['content-type']]).toEqual([200, 'true', 'application/x-ndjson']);
    expect((last(retry.text).report as Report).summary).toEqual(reports[0].summary);
    // A streamed refusal is recorded under its key: the key cannot then import another file.
    const bad = csvOf([{ code: 'X', title: 'Unità sconosciuta', responsibleUnit: 'Nessuna' }]);
    expect(last((await streamed('stream-2', bad)).text).problem).toMatchObject({ status: 422, rule: 'import-refused' });
    const reused = await upload(as.segretario, planId, csvOf(fixtures.slice(5, 6).flatMap((o) => o.rows)), 'text/csv', '', { 'Idempotency-Key': 'stream-2' });
    expect([reused.status, reused.body.rule]).toEqual([422, 'idempotency-key-reused']);
    expect((await allEvents(api.store)).length).toBe(before + 10);
  });

  it('gives the template as a workbook and as a CSV table, and the template imports as it is', async () => {
    const csv = await as.dirigente.get('/imports/template.csv');
    expect([csv.status, csv.headers['content-type']]).toEqual([200, 'text/csv; charset=utf-8']);
    expect(csv.text.split('\n')[0]).toContain('Codice obiettivo;Titolo');
    const xlsx = await as.dirigente
      .get('/imports/template.xlsx')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect([xlsx.status, xlsx.headers['content-type']]).toEqual([200, XLSX]);
    const planId = await openPlan('PEG 2025 (modello)');
    for (const [file, type] of [
      [xlsx.body as Buffer, XLSX],
      [Buffer.from(csv.text, 'utf8'), 'text/csv'],
    ] as const) {
      const report = (await ok(upload(as.segretario, planId, file, type, '?dryRun=true'))) as unknown as Report;
      expect(report.summary).toMatchObject({ objectives: 1, create: 1, errors: 0 });
    }
  });
});
