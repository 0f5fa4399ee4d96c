import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessorsHost } from '@piao/application';
import { DossierBuilder, type DossierContent } from '@piao/audit';
import { LOG_START } from '@piao/event-store';
import { cesanoTrasparenza, cinisello, segratePtpct } from '../support/real-objectives';
import { startApi, type Api, type AuthorisedClient, type Person } from '../support/api-harness';
import { until } from '../support/processor-harness';

const ENTE = 'comune-test';
const people = {
  admin: { sub: 'admin', name: 'Ufficio Organizzazione', ente: ENTE, roles: ['admin'] },
  segretario: { sub: 'seg', name: 'Segretaria Generale', ente: ENTE, roles: ['segretario'] },
  vice: { sub: 'vice', name: 'Vicesegretario', ente: ENTE, roles: ['segretario'] },
  welfare: { sub: 'dalpiaz', name: 'Barbara Dal Piaz', ente: ENTE, roles: ['dirigente'] },
  affariGenerali: { sub: 'bellagamba', name: 'Patrizia Bellagamba', ente: ENTE, roles: ['dirigente'] },
  nucleo: { sub: 'ndv', name: 'Presidente del Nucleo di Valutazione', ente: ENTE, roles: ['nucleo'] },
} satisfies Record<string, Person>;

const FIRST_ACT = { number: '31', date: '10/03/2022' };
const SECOND_ACT = { number: '120', date: '15/09/2022' };

/** One step of the expected history: the event, who recorded it in which role, its business date, act and reason. */
type Step = [type: string, actor: keyof typeof people, role: string, occurredAt: string, act?: { number: string; date: string } | null, reason?: string | null];

describe.each(['postgres', 'pglite'] as const)('the real cycle over HTTP on %s', (kind) => {
  let api: Api;
  let as: Record<keyof typeof people, AuthorisedClient>;
  const startedAt = new Date();

  beforeAll(async () => {
    api = await startApi(kind);
    as = Object.fromEntries(await Promise.all(Object.entries(people).map(async ([k, p]) => [k, await api.as(p)]))) as typeof as;
  });
  afterAll(() => api.close());

  /** The log position of the last command: read-side queries wait for it (read-your-writes). */
  let written = '';
  const ok = async (call: Promise<{ status: number; body: unknown }>, status = 200) => {
    const response = await call;
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
    const body = response.body as Record<string, unknown> & { objectiveId: string; revision: number; status: string };
    if (typeof body.position === 'string') written = body.position;
    return body;
  };
  /** A read-model query that sees every command so far. */
  const read = (client: AuthorisedClient, path: string) => ok(client.get(`${path}${path.includes('?') ? '&' : '?'}after=${written}`));
  const timelineOf = async (id: string, reader = as.nucleo) =>
    (await read(reader, `/objectives/${id}/timeline`)).events as {
      type: string;
      changes: { path: string; from: unknown; to: unknown }[];
      act: unknown;
      reason: unknown;
    }[];
  const dashboard = async (planId: string, reader = as.segretario) =>
    (await read(reader, `/plans/${planId}/dashboard`)) as unknown as {
      byStatus: Record<string, number>;
      units: { unitId: string; objectives: number; weightedProgressPercent: number | null }[];
      monitoring: { asOf: string; phasesBehind: { code: string; id: string; planned: number; actual: number; behindBy: number }[] }[];
    };

  it('drives three real objectives from draft to closed, and each history tells who, when, why and on which act', async () => {
    // The ente's organisation, as the admin records it.
    for (const [unitId, name] of [
      ['welfare', 'Settore Welfare e Politiche Abitative'],
      ['affari-generali', 'Direzione Affari Generali e Servizi al Cittadino'],
      ['territorio', 'Direzione Territorio, Sviluppo Economico'],
      ['segreteria-generale', 'Segreteria Generale'],
    ]) {
      await ok(as.admin.post('/organisation/units', { unitId, name, kind: 'settore' }), 201);
    }
    for (const p of [people.welfare, people.affariGenerali, people.segretario]) {
      await ok(as.admin.post('/organisation/people', { personId: p.sub, name: p.name }), 201);
    }
    await ok(as.admin.post('/organisation/headships', { unitId: 'welfare', personId: 'dalpiaz', from: '01/01/2022' }), 201);
    await ok(as.admin.post('/organisation/headships', { unitId: 'affari-generali', personId: 'bellagamba', from: '2022-01-01' }), 201);
    await ok(as.admin.post('/organisation/headships', { unitId: 'segreteria-generale', personId: 'seg', from: '2022-01-01' }), 201);

    const plan = await ok(
      as.segretario.post('/plans', { kind: 'PIAO', title: 'Piano della Performance 2022-2025', fromYear: 2022, toYear: 2025, occurredOn: '2022-01-10' }),
      201,
    );
    const planId = plan.planId as string;

    // Drafted by whoever answers for each unit.
    const s08 = await ok(as.welfare.post(`/plans/${planId}/objectives`, { ...cinisello('welfare'), occurredOn: '2022-02-01' }), 201);
    expect(s08.warnings).toEqual([{ code: 'phase-weights-not-100', message: 'phase weights total 80, not 100' }]);
    expect((s08.definition as { phases: { weight: number }[] }).phases.map((p) => p.weight)).toEqual([20, 20, 20, 20]);
    const ptpct = await ok(
      as.affariGenerali.post(`/plans/${planId}/objectives`, { ...segratePtpct('affari-generali', ['welfare', 'territorio']), occurredOn: '2022-02-01' }),
      201,
    );
    expect((ptpct.warnings as { code: string }[]).map((w) => w.code)).toEqual(['phase-weight-missing']);
    const trasp = await ok(as.segretario.post(`/plans/${planId}/objectives`, { ...cesanoTrasparenza('segreteria-generale'), occurredOn: '2022-02-01' }), 201);
    expect((trasp.definition as { indicators: { target: unknown }[] }).indicators[0].target).toEqual({
      text: 'entro la scadenza fissata 100%;\nentro dicembre 90%',
    });

    // Read side after drafting: three drafts, each with one timeline entry; nothing approved to compare yet.
    expect((await dashboard(planId)).byStatus).toEqual({ draft: 3 });
    expect((await timelineOf(s08.objectiveId)).map((e) => e.type)).toEqual(['ObjectiveDrafted']);
    expect((await read(as.nucleo, `/objectives/${s08.objectiveId}/versions`)).asFirstApproved).toBeNull();
    const listed = await read(as.segretario, `/plans/${planId}/objectives?tag=intersettoriale`);
    expect((listed.items as { code: string }[]).map((o) => o.code)).toEqual(['SEGRATE_1.01.02']);
    const searched = await read(as.segretario, `/plans/${planId}/objectives?q=trasparenza`);
    expect((searched.items as { code: string }[]).map((o) => o.code)).toContain('CESANO_SEG_TRASP');

    const objectives = [
      { id: s08.objectiveId, owner: as.welfare, ownerKey: 'welfare' as const, validator: 'segretario' as const },
      { id: ptpct.objectiveId, owner: as.affariGenerali, ownerKey: 'affariGenerali' as const, validator: 'segretario' as const },
      { id: trasp.objectiveId, owner: as.segretario, ownerKey: 'segretario' as const, validator: 'vice' as const },
    ];

    for (const o of objectives) {
      await ok(o.owner.post(`/objectives/${o.id}/propose`, { occurredOn: '2022-02-10' }));
      await ok(as.segretario.post(`/objectives/${o.id}/return`, { occurredOn: '2022-02-15', reason: 'Indicare la fonte dei dati degli indicatori' }));
      await ok(o.owner.post(`/objectives/${o.id}/propose`, { occurredOn: '2022-02-20', reason: 'Fonte dei dati indicata' }));
    }

    // Returned and proposed again: the timeline shows each status change, old → new, with its reason.
    expect((await dashboard(planId)).byStatus).toEqual({ proposed: 3 });
    const early = await timelineOf(s08.objectiveId);
    expect(early.map((e) => e.changes.find((c) => c.path === 'status'))).toEqual([
      { path: 'status', from: null, to: 'draft' },
      { path: 'status', from: 'draft', to: 'proposed' },
      { path: 'status', from: 'proposed', to: 'returned' },
      { path: 'status', from: 'returned', to: 'proposed' },
    ]);
    expect(early[2].reason).toBe('Indicare la fonte dei dati degli indicatori');

    await ok(as.segretario.post(`/plans/${planId}/submit`, { occurredOn: '2022-03-01' }));
    const approved = await ok(as.segretario.post(`/plans/${planId}/approve`, { act: FIRST_ACT, reason: 'Approvazione del Piano della Performance' }));
    expect(approved.approvalAct).toEqual({ number: '31', date: '2022-03-10' });
    const planView = await ok(as.segretario.get(`/plans/${planId}`));
    expect((planView.objectives as { code: string; status: string }[]).map((o) => [o.code, o.status])).toEqual([
      ['2025_S08_04', 'approved'],
      ['SEGRATE_1.01.02', 'approved'],
      ['CESANO_SEG_TRASP', 'approved'],
    ]);

    // Approved: the dashboard counts them so, and the version as first approved is the current one.
    await ok(as.segretario.get(`/plans/${planId}`));
    const afterApproval = await dashboard(planId);
    expect(afterApproval.byStatus).toEqual({ approved: 3 });
    expect(afterApproval.units.map((u) => [u.unitId, u.objectives])).toEqual([
      ['affari-generali', 1],
      ['segreteria-generale', 1],
      ['welfare', 1],
    ]);
    for (const o of objectives) {
      const versions = await read(as.nucleo, `/objectives/${o.id}/versions`);
      expect([versions.approvalAct, versions.differences, versions.changes]).toEqual([{ number: '31', date: '2022-03-10' }, [], []]);
      expect(versions.asFirstApproved).toEqual(versions.current);
    }

    for (const o of objectives) {
      await ok(o.owner.post(`/objectives/${o.id}/phase-progress`, { phaseId: 'f1', progressPercent: 60, actualStart: '2022-01-10', occurredOn: '2022-06-30' }));
      await ok(o.owner.post(`/objectives/${o.id}/indicator-values`, { indicatorId: 'i1', value: '1', asOf: '31/07/2022', occurredOn: '2022-07-31' }));
      await ok(
        o.owner.post(`/objectives/${o.id}/monitoring-reports`, {
          asOf: '31/07/2022',
          phases: [{ phaseId: 'f1', progressPercent: 60 }],
          indicators: [{ indicatorId: 'i1', value: '1' }],
          problems: 'Ritardi nella convenzione',
          correctiveActions: 'Sollecito agli uffici',
          occurredOn: '2022-08-05',
        }),
      );
      await ok(as[o.validator].post(`/objectives/${o.id}/monitoring-reports/validate`, { asOf: '2022-07-31', occurredOn: '2022-08-20' }));
      const monitored = await timelineOf(o.id);
      expect(monitored.find((e) => e.type === 'PhaseProgressRecorded')!.changes).toEqual([
        { path: 'progress[f1].progressPercent', from: null, to: 60 },
        { path: 'progress[f1].actualStart', from: null, to: '2022-01-10' },
      ]);
      expect(monitored.find((e) => e.type === 'MonitoringReportValidated')!.changes).toEqual([
        { path: 'monitoringReports[2022-07-31].status', from: 'submitted', to: 'validated' },
      ]);

      // Reprogramming: the first indicator's target is lowered, with a motivation.
      const current = await ok(as.segretario.get(`/objectives/${o.id}`));
      const definition = structuredClone(current.definition) as { indicators: { target?: { text: string } }[] };
      definition.indicators[0].target = { text: 'almeno 1 (riprogrammato)' };
      const proposed = await ok(
        o.owner.post(`/objectives/${o.id}/reprogramming`, { definition, reason: 'Il bando regionale è slittato al 2023', occurredOn: '2022-09-01' }),
      );
      expect((proposed.definition as typeof definition).indicators[0].target).not.toEqual({ text: 'almeno 1 (riprogrammato)' }); // not effective yet
      const reprogrammed = await ok(as.segretario.post(`/objectives/${o.id}/reprogramming/approve`, { act: SECOND_ACT }));
      expect((reprogrammed.definition as typeof definition).indicators[0].target).toEqual({ text: 'almeno 1 (riprogrammato)' });
      expect((reprogrammed.approvedDefinition as typeof definition).indicators[0].target).not.toEqual({ text: 'almeno 1 (riprogrammato)' });
      // The version comparison: first approved → reprogrammed, field by field, with the act and the motivation.
      const versions = await read(as.nucleo, `/objectives/${o.id}/versions`);
      const firstTarget = (versions.asFirstApproved as typeof definition).indicators[0].target?.text ?? null;
      expect(versions.differences).toEqual([{ path: 'indicators[i1].target.text', from: firstTarget, to: 'almeno 1 (riprogrammato)' }]);
      expect(versions.changes).toEqual([
        expect.objectContaining({
          kind: 'reprogramming',
          act: { number: '120', date: '2022-09-15' },
          approvedOn: '2022-09-15',
          motivation: 'Il bando regionale è slittato al 2023',
          proposedOn: '2022-09-01',
          changes: [{ path: 'indicators[i1].target.text', from: firstTarget, to: 'almeno 1 (riprogrammato)' }],
        }),
      ]);

      await ok(
        o.owner.post(`/objectives/${o.id}/year-end-report`, {
          phases: [{ phaseId: 'f1', progressPercent: 100 }],
          indicators: [{ indicatorId: 'i1', value: '2' }],
          evidence: 'Relazione finale prot. 1234',
          occurredOn: '2023-01-31',
        }),
      );
      await ok(as[o.validator].post(`/objectives/${o.id}/year-end-report/validate`, { occurredOn: '2023-02-15' }));
      await ok(
        as.nucleo.post(`/objectives/${o.id}/evaluation`, { achievementPercent: 90, reason: 'Obiettivo raggiunto con lieve ritardo', occurredOn: '2023-05-10' }),
      );
      // The NdV's screen: the computed proposal beside its decision; the dirigente sees neither decision nor motivation yet.
      const screen = await read(as.nucleo, `/objectives/${o.id}/evaluation`);
      expect(screen.decision).toMatchObject({ status: 'evaluated', achievementPercent: 90, motivation: 'Obiettivo raggiunto con lieve ritardo' });
      expect(screen.proposal).toHaveProperty('flags');
      const unshared = await read(o.owner, `/objectives/${o.id}/evaluation`);
      expect(unshared.decision).toBeNull();
      expect(JSON.stringify(await read(o.owner, `/objectives/${o.id}/timeline`))).not.toContain('Obiettivo raggiunto con lieve ritardo');
      await ok(as.nucleo.post(`/objectives/${o.id}/evaluation/share`, { occurredOn: '2023-05-20' }));
      const closed = await ok(as.segretario.post(`/objectives/${o.id}/close`, { occurredOn: '2023-06-30' }));
      expect(closed.status).toBe('closed');
    }

    for (const o of objectives) {
      const history = await ok(as.nucleo.get(`/objectives/${o.id}/history`));
      const events = history.events as {
        type: string;
        actor: { id: string; name: string; role: string };
        occurredAt: string;
        recordedAt: string;
        act: unknown;
        reason: unknown;
        revision: number;
      }[];
      const owner = o.ownerKey;
      const ownerRole = owner === 'segretario' ? 'segretario' : 'dirigente';
      const expected: Step[] = [
        ['ObjectiveDrafted', owner, ownerRole, '2022-02-01'],
        ['ObjectiveProposed', owner, ownerRole, '2022-02-10'],
        ['ObjectiveReturnedForChanges', 'segretario', 'segretario', '2022-02-15', null, 'Indicare la fonte dei dati degli indicatori'],
        ['ObjectiveProposed', owner, ownerRole, '2022-02-20', null, 'Fonte dei dati indicata'],
        [
          'ObjectiveApprovedByGiunta',
          'segretario',
          'segretario',
          '2022-03-10',
          { number: '31', date: '2022-03-10' },
          'Approvazione del Piano della Performance',
        ],
        ['PhaseProgressRecorded', owner, ownerRole, '2022-06-30'],
        ['IndicatorValueRecorded', owner, ownerRole, '2022-07-31'],
        ['MonitoringReportSubmitted', owner, ownerRole, '2022-08-05'],
        ['MonitoringReportValidated', o.validator, 'segretario', '2022-08-20'],
        ['ReprogrammingProposed', owner, ownerRole, '2022-09-01', null, 'Il bando regionale è slittato al 2023'],
        ['ReprogrammingApprovedByGiunta', 'segretario', 'segretario', '2022-09-15', { number: '120', date: '2022-09-15' }],
        ['YearEndReportSubmitted', owner, ownerRole, '2023-01-31'],
        ['YearEndReportValidated', o.validator, 'segretario', '2023-02-15'],
        ['ObjectiveEvaluated', 'nucleo', 'nucleo', '2023-05-10', null, 'Obiettivo raggiunto con lieve ritardo'],
        ['EvaluationShared', 'nucleo', 'nucleo', '2023-05-20'],
        ['ObjectiveClosed', 'segretario', 'segretario', '2023-06-30'],
      ];
      expect(events.map((e) => [e.type, e.actor.id, e.actor.role, e.occurredAt, e.act, e.reason])).toEqual(
        expected.map(([type, actor, role, occurredAt, act = null, reason = null]) => [type, people[actor].sub, role, occurredAt, act, reason]),
      );
      expect(events.map((e) => e.revision)).toEqual(expected.map((_, i) => i));
      for (const e of events) {
        expect(e.actor.name).toBe(Object.values(people).find((p) => p.sub === e.actor.id)!.name);
        const recorded = new Date(e.recordedAt).getTime();
        expect(recorded).toBeGreaterThanOrEqual(startedAt.getTime());
        expect(recorded).toBeLessThanOrEqual(Date.now());
      }
      // The reprogramming says exactly what changed: old → new.
      const reprogramming = history.events as { type: string; data: { changes?: { path: string; to: unknown }[] } }[];
      expect(reprogramming.find((e) => e.type === 'ReprogrammingApprovedByGiunta')!.data.changes).toEqual([
        expect.objectContaining({ path: 'indicators[i1].target.text', to: 'almeno 1 (riprogrammato)' }),
      ]);
    }

    // Read side at the end: every objective closed, and each timeline tells the same story as the history.
    expect((await dashboard(planId)).byStatus).toEqual({ closed: 3 });
    for (const o of objectives) {
      const history = (await ok(as.nucleo.get(`/objectives/${o.id}/history`))).events as {
        type: string;
        actor: unknown;
        occurredAt: string;
        recordedAt: string;
        act: unknown;
        reason: unknown;
      }[];
      const timeline = (await read(as.nucleo, `/objectives/${o.id}/timeline`)).events as typeof history;
      expect(timeline.map((e) => [e.type, e.actor, e.occurredAt, e.recordedAt, e.act, e.reason])).toEqual(
        history.map((e) => [e.type, e.actor, e.occurredAt, e.recordedAt, e.act, e.reason]),
      );
    }
    // Time travel: the plan as the Giunta approved it on 10/03/2022, and as it stands after the reprogramming.
    const asApproved = (await ok(as.nucleo.get(`/plans/${planId}/as-of?date=10/03/2022`))) as unknown as {
      status: string;
      objectives: { code: string; status: string; definition: { indicators: { target?: { text: string } }[] } }[];
    };
    const asReprogrammed = (await ok(as.nucleo.get(`/plans/${planId}/as-of?date=2022-09-15`))) as unknown as typeof asApproved;
    expect(asApproved.status).toBe('approved');
    expect(asApproved.objectives.map((o) => o.status)).toEqual(['approved', 'approved', 'approved']);
    expect(asApproved.objectives.map((o) => o.definition.indicators[0].target?.text)).not.toContain('almeno 1 (riprogrammato)');
    expect(asReprogrammed.objectives.map((o) => o.definition.indicators[0].target?.text)).toEqual(Array(3).fill('almeno 1 (riprogrammato)'));
    const beforeAnything = await ok(as.nucleo.get(`/objectives/${s08.objectiveId}/as-of?date=2022-01-31`));
    expect(beforeAnything.existed).toBe(false);
    const atRevision = await ok(as.nucleo.get(`/objectives/${s08.objectiveId}/as-of?revision=4`));
    expect([atRevision.status, atRevision.revision]).toEqual(['approved', 4]);

    // The Giunta's approval reached each objective exactly once, caused by the plan's approval event.
    const planEvents = await api.store.readStream(`plan-${planId}`);
    const approval = planEvents.find((e) => e.type === 'PlanApprovedByGiunta')!;
    for (const o of objectives) {
      const approvals = (await api.store.readStream(`objective-${o.id}`)).filter((e) => e.type === 'ObjectiveApprovedByGiunta');
      expect(approvals).toHaveLength(1);
      expect(approvals[0].metadata.causationId).toBe(approval.id);
      expect(approvals[0].metadata.correlationId).toBe(approval.metadata.correlationId);
    }
  });
  it('a dossier of the plan after the whole cycle: the PDF/A holds the acts, the reprogramming old → new, the red flag for the lowered target and the verification appendix; JSON and CSV the same', async () => {
    const opened = (await api.store.readAll(LOG_START, 100_000)).find((e) => e.type === 'PlanOpened')!;
    const planId = (opened.data as { planId: string }).planId;
    const requested = await ok(as.nucleo.post('/audit/dossiers', { scope: { kind: 'plan', id: planId } }), 202);
    const dossierId = requested.dossierId as unknown as string;
    let summary: { status: string; contentHash: string; note?: string } = { status: '', contentHash: '' };
    await until(
      async () => {
        api.app.get(ProcessorsHost).poke();
        api.app.get(DossierBuilder).worker?.poke();
        summary = (await as.nucleo.get(`/audit/dossiers/${dossierId}`)).body as typeof summary;
        if (summary.status === 'failed') throw new Error(`the dossier failed: ${summary.note}`);
        return summary.status === 'ready';
      },
      'the dossier of the plan',
      90_000,
      200,
    );
    const binary = (response: { on(event: string, cb: (chunk?: Buffer) => void): void }, callback: (error: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk) => chunks.push(chunk!));
      response.on('end', () => callback(null, Buffer.concat(chunks)));
    };
    const file = async (name: string) => (await as.nucleo.get(`/audit/dossiers/${dossierId}/${name}`).buffer(true).parse(binary)).body as Buffer;
    const jsonBytes = await file('fascicolo.json');
    expect(createHash('sha256').update(jsonBytes).digest('hex')).toBe(summary.contentHash);
    const content = JSON.parse(jsonBytes.toString('utf8')) as DossierContent;
    const csv = (await file('fascicolo.csv')).toString('utf8');
    const dir = mkdtempSync(join(tmpdir(), 'cycle-dossier-'));
    writeFileSync(join(dir, 'fascicolo.pdf'), await file('fascicolo.pdf'));
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'fascicolo.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');

    expect(content.objectives).toHaveLength(3);
    // The acts: the plan's approval and the reprogrammings.
    expect(content.acts.map((a) => a.number)).toEqual(expect.arrayContaining(['31', '120']));
    expect(text).toMatch(/DGC n\. 31 del 10\/03\/2022/);
    expect(text).toMatch(/DGC n\. 120 del 15\/09\/2022/);
    // Each reprogramming, old → new, in the JSON, the CSV and the PDF.
    for (const objective of content.objectives) {
      const change = objective.versions.find((v) => v.path === 'indicators[i1].target.text')!;
      expect(change.to).toBe('almeno 1 (riprogrammato)');
      expect(csv).toContain('almeno 1 (riprogrammato)');
    }
    expect(text).toContain('almeno 1 (riprogrammato)');
    // The lowered target after the monitoring report is flagged, with the events that prove it.
    const lowered = content.redFlags.filter((f) => f.kind === 'target-lowered-after-monitoring');
    expect(lowered).toHaveLength(3);
    for (const flag of lowered) {
      expect(flag.eventIds).toHaveLength(2);
      expect(text).toContain(flag.description.replace(/\s+/g, ' ').slice(0, 40));
      expect(csv).toContain(flag.description.slice(0, 40));
    }
    // The verification appendix: every leaf hash and the signed checkpoint.
    expect(content.verification.checkpoint).toBeTruthy();
    for (const event of content.objectives.flatMap((o) => o.timeline)) {
      expect(text).toContain(event.leafHash!);
      expect(csv).toContain(event.leafHash!);
    }
    expect(text).toContain(content.verification.origin);
  }, 120_000);
});
