import {
  HistoryRefused,
  ImportPlanHistory,
  ManualClock,
  OrganisationDirectory,
  StreamCommands,
  organisationStreamId,
  planStreamId,
  type CommandRequest,
  type HistoryOutcome,
  type HistoryStep,
} from '@piao/application';
import { ImportPlanHistoryHandler } from '../src/plan-history/plan-history.commands';
import { type CommandRecords, type EventStore, type NewEvent, type StoredEvent, type StreamWrite, WrongExpectedRevision } from '@piao/event-store';
import { type ObjectiveDefinition, type Role } from '@piao/lifecycle';

/** The streams in memory, and every append as it was asked for: enough for the command handling, no database. */
class MemoryStore {
  readonly streams = new Map<string, StoredEvent[]>();
  readonly appends: StreamWrite[][] = [];
  private commit = 0n;

  async readStream(streamId: string, from = 0): Promise<StoredEvent[]> {
    return (this.streams.get(streamId) ?? []).slice(from);
  }

  async appendToStreams(writes: readonly StreamWrite[]) {
    for (const w of writes) {
      const revision = (this.streams.get(w.streamId)?.length ?? 0) - 1;
      if ((w.expected === 'no-stream' ? -1 : w.expected) !== revision) throw new WrongExpectedRevision(w.streamId, w.expected, revision);
    }
    this.appends.push([...writes]);
    this.commit++;
    return writes.map((w) => {
      const stream = this.streams.get(w.streamId) ?? [];
      w.events.forEach((e, i) => stream.push({ ...e, streamId: w.streamId, revision: stream.length, position: { commit: this.commit, prepare: BigInt(i) } }));
      this.streams.set(w.streamId, stream);
      return { revision: stream.length - 1, position: { commit: this.commit, prepare: 0n } };
    });
  }

  /** Events written straight into a stream: what the ente had before the history. */
  given(streamId: string, events: { type: string; data: object }[]): void {
    const stream = this.streams.get(streamId) ?? [];
    for (const e of events) {
      const metadata = {
        actor: { id: 'admin', name: 'Admin', role: 'admin' },
        ente: ENTE,
        occurredAt: '2024-01-01',
        recordedAt: NOW,
        correlationId: 'c',
        causationId: 'c',
        schemaVersion: 1,
      };
      stream.push({ id: `${streamId}-${stream.length}`, ...e, metadata, streamId, revision: stream.length, position: { commit: 0n, prepare: 0n } });
    }
    this.streams.set(streamId, stream);
  }
}

const ENTE = 'comune-storia';
const NOW = '2026-12-02T09:00:00.000Z';
const PLAN_ID = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
const ADMIN = { id: 'admin', name: 'Ufficio Organizzazione', ente: ENTE, roles: ['admin'] as Role[] };
const DEFINITION: ObjectiveDefinition = {
  title: 'Sostegno alle famiglie',
  responsibleUnitId: 'welfare',
  horizon: { fromYear: 2024, toYear: 2024 },
  phases: [{ id: 'f1', description: 'Bando', weight: 100 }],
  indicators: [{ id: 'i1', description: 'Famiglie sostenute', target: { text: 'almeno n. 100' } }],
};

const step = (by: string, role: Role, occurredOn: string, command: HistoryStep['command'], objective?: string, action = command?.type ?? ''): HistoryStep => ({
  action,
  by,
  role,
  occurredOn,
  command,
  ...(objective ? { objective } : {}),
});
const draft = (by: string, on: string) => step(by, 'dirigente', on, { type: 'DraftObjective', definition: DEFINITION }, 'S1', 'draft');
const propose = (by: string, on: string) => step(by, 'dirigente', on, { type: 'Propose' }, 'S1', 'propose');

/** An ente whose Settore Welfare was headed by Rossi in 2024 and by Verdi since 2025, with its 2024 plan open. */
function given(importer: CommandRequest['actor'] = ADMIN) {
  const store = new MemoryStore();
  store.given(organisationStreamId(ENTE), [
    { type: 'UnitCreated', data: { unitId: 'welfare', name: 'Settore Welfare', kind: 'settore' } },
    { type: 'PersonRegistered', data: { personId: 'rossi', name: 'Mario Rossi' } },
    { type: 'PersonRegistered', data: { personId: 'verdi', name: 'Anna Verdi' } },
    { type: 'PersonRegistered', data: { personId: 'seg', name: 'Segretaria Generale' } },
    { type: 'UnitHeadAssigned', data: { unitId: 'welfare', personId: 'rossi', from: '2024-01-01', to: '2024-12-31' } },
    { type: 'UnitHeadAssigned', data: { unitId: 'welfare', personId: 'verdi', from: '2025-01-01' } },
  ]);
  store.given(planStreamId(PLAN_ID), [
    { type: 'PlanOpened', data: { planId: PLAN_ID, ente: ENTE, kind: 'PEG', title: 'PEG 2024', fromYear: 2024, toYear: 2024 } },
  ]);
  const records = { find: async () => undefined, record: async (r: unknown) => r } as unknown as CommandRecords;
  const streams = new StreamCommands(store as unknown as EventStore, records, new ManualClock(NOW), { runProcessors: false });
  const handler = new ImportPlanHistoryHandler(streams, new OrganisationDirectory(streams), store as unknown as EventStore);
  const request: CommandRequest = { actor: importer, correlationId: 'req-1', causationId: 'req-1' };
  return {
    store,
    whenImported: async (steps: HistoryStep[], dryRun = false): Promise<{ outcome?: HistoryOutcome; refused?: HistoryRefused }> => {
      try {
        return { outcome: await handler.execute(new ImportPlanHistory(PLAN_ID, steps, dryRun, request)) };
      } catch (error) {
        if (error instanceof HistoryRefused) return { refused: error };
        throw error;
      }
    },
  };
}

const written = (store: MemoryStore): NewEvent[] => store.appends.flat().flatMap((w) => [...w.events]);
const lines = (refused: HistoryRefused | undefined) => refused!.outcome.lines.map((l) => [l.status, l.problem?.field, l.problem?.rule]);
/** Takes the `imported` mark off a stream's events, as if they had been recorded through the routes. */
const recordedLive = (store: MemoryStore, kind: 'plan' | 'objective') => {
  for (const [streamId, events] of store.streams) {
    if (streamId.startsWith(`${kind}-`)) events.forEach((e) => delete (e.metadata as { imported?: unknown }).imported);
  }
};

describe("a past year's history, decided step by step on its business dates", () => {
  it('lets the dirigente who headed the unit that year act for it, and records him, his role and the date, marked as imported', async () => {
    const { store, whenImported } = given();
    const { outcome } = await whenImported([draft('rossi', '2024-01-20'), propose('rossi', '2024-02-01')]);
    expect(outcome!.applied).toBe(true);
    expect(outcome!.lines.map((l) => [l.status, l.events])).toEqual([
      ['applied', ['ObjectiveDrafted', 'ObjectiveAttached']],
      ['applied', ['ObjectiveProposed']],
    ]);
    const events = written(store);
    expect(events.map((e) => [e.type, e.metadata.actor, e.metadata.occurredAt])).toEqual([
      ['ObjectiveDrafted', { id: 'rossi', name: 'Mario Rossi', role: 'dirigente' }, '2024-01-20'],
      ['ObjectiveProposed', { id: 'rossi', name: 'Mario Rossi', role: 'dirigente' }, '2024-02-01'],
      ['ObjectiveAttached', { id: 'rossi', name: 'Mario Rossi', role: 'dirigente' }, '2024-01-20'],
    ]);
    for (const e of events) {
      expect(e.metadata).toMatchObject({ ente: ENTE, recordedAt: NOW, correlationId: 'req-1', causationId: 'req-1' });
      expect(e.metadata.imported).toEqual({ by: { id: 'admin', name: 'Ufficio Organizzazione' }, at: NOW });
    }
  });

  it('writes each stream once, in one append: the objectives first, then the plan', async () => {
    const { store, whenImported } = given();
    await whenImported([draft('rossi', '2024-01-20'), propose('rossi', '2024-02-01'), step('seg', 'segretario', '2024-02-15', { type: 'SubmitPlan' })]);
    expect(store.appends).toHaveLength(1);
    expect(store.appends[0].map((w) => [w.streamId.split('-')[0], w.events.map((e) => e.type)])).toEqual([
      ['objective', ['ObjectiveDrafted', 'ObjectiveProposed']],
      ['plan', ['ObjectiveAttached', 'PlanSubmitted']],
    ]);
  });

  it('refuses whoever did not head the unit on the business date: the dirigente appointed since, or the one who left, after he left', async () => {
    const later = given();
    const { refused } = await later.whenImported([draft('verdi', '2024-01-20'), propose('verdi', '2024-02-01')]);
    expect(refused!.outcome.lines.map((l) => [l.status, l.problem?.rule])).toEqual([
      ['refused', 'not-head-of-unit'],
      ['not-run', undefined],
    ]);
    expect(later.store.appends).toEqual([]);

    const left = given();
    const afterLeaving = await left.whenImported([draft('rossi', '2024-12-20'), propose('rossi', '2025-01-10')]);
    expect(afterLeaving.refused!.outcome.lines[1].problem).toMatchObject({ rule: 'not-head-of-unit' });
    expect(afterLeaving.refused!.outcome.lines[1].problem!.message).toMatch(/^rossi as dirigente on 2025-01-10: /);
    expect(left.store.appends).toEqual([]);
  });

  it('checks every step on its own, whatever came before it: order, dates, people, acts', async () => {
    const { whenImported } = given();
    const approve = { ...step('seg', 'segretario', '2024-03-01', { type: 'ApproveByGiunta' }, 'S1', 'approve'), act: { number: '7', date: '2024-03-05' } };
    const { refused } = await whenImported([
      draft('rossi', '2024-02-01'),
      propose('rossi', '2024-01-31'),
      propose('nessuno', '2024-02-02'),
      approve,
      propose('rossi', '2099-01-01'),
    ]);
    expect(refused!.outcome.lines.map((l) => [l.status, l.problem?.field, l.problem?.rule])).toEqual([
      ['applied', undefined, undefined],
      ['refused', 'steps.1.occurredOn', 'steps-out-of-order'],
      ['refused', 'steps.2.by', 'unknown-person'],
      ['refused', 'steps.3.act.date', 'act-after-business-date'],
      ['refused', 'steps.4.occurredOn', 'date-in-future'],
    ]);
  });

  it('names the objective a step refers to that the plan does not have', async () => {
    const { whenImported } = given();
    const { refused } = await whenImported([propose('rossi', '2024-02-01')]);
    expect(refused!.outcome.lines[0].problem).toMatchObject({ field: 'steps.0.objective', rule: 'unknown-objective' });
  });

  it('on a dry run decides everything and appends nothing', async () => {
    const { store, whenImported } = given();
    const { outcome } = await whenImported([draft('rossi', '2024-01-20'), propose('rossi', '2024-02-01')], true);
    expect([outcome!.applied, outcome!.lines.map((l) => l.status)]).toEqual([false, ['applied', 'applied']]);
    expect(store.appends).toEqual([]);
  });

  it('goes on from a history already imported, and refuses a step on a stream holding events recorded live', async () => {
    const first = given();
    await first.whenImported([draft('rossi', '2024-01-20')]);
    const { outcome } = await first.whenImported([propose('rossi', '2024-02-01')]);
    expect(outcome!.lines.map((l) => l.status)).toEqual(['applied']);

    const liveObjective = given();
    await liveObjective.whenImported([draft('rossi', '2024-01-20')]);
    recordedLive(liveObjective.store, 'objective');
    const onObjective = await liveObjective.whenImported([propose('rossi', '2024-02-01')]);
    expect(lines(onObjective.refused)).toEqual([['refused', 'steps.0.objective', 'stream-has-live-events']]);
    expect(onObjective.refused!.outcome.lines[0].problem!.message).toMatch(
      /^rossi as dirigente on 2024-02-01: step 0 touches the objective S1, whose stream holds 1 event\(s\) recorded live/,
    );

    const livePlan = given();
    await livePlan.whenImported([draft('rossi', '2024-01-20')]);
    recordedLive(livePlan.store, 'plan');
    const onPlan = await livePlan.whenImported([step('seg', 'segretario', '2024-02-15', { type: 'SubmitPlan' })]);
    expect(lines(onPlan.refused)).toEqual([['refused', undefined, 'stream-has-live-events']]);
    expect(onPlan.refused!.outcome.lines[0].problem!.message).toContain('step 0 touches the plan, whose stream holds 1 event(s) recorded live');
    expect(livePlan.store.appends).toHaveLength(1); // the first history only
  });

  it('refuses a step dated before the last business date its stream already records', async () => {
    const { whenImported } = given();
    const beforeOpening = await whenImported([draft('rossi', '2023-12-31')]);
    expect(lines(beforeOpening.refused)).toEqual([['refused', 'steps.0.occurredOn', 'step-before-stream-history']]);
    expect(beforeOpening.refused!.outcome.lines[0].problem!.message).toContain('before 2024-01-01, the last business date the plan already records');

    await whenImported([draft('rossi', '2024-01-20'), propose('rossi', '2024-02-01')]);
    const { refused } = await whenImported([step('seg', 'segretario', '2024-01-25', { type: 'ReturnForChanges', reason: 'x' }, 'S1')]);
    expect(lines(refused)).toEqual([['refused', 'steps.0.occurredOn', 'step-before-stream-history']]);
  });

  it('keeps a person in one role throughout a history, and the importer out of the NdV and the RPCT', async () => {
    const { whenImported } = given();
    const roleChanges = await whenImported([
      draft('rossi', '2024-01-20'),
      step('seg', 'segretario', '2024-02-15', { type: 'SubmitPlan' }),
      step('seg', 'nucleo', '2024-02-16', { type: 'SubmitPlan' }),
    ]);
    expect(lines(roleChanges.refused)).toEqual([
      ['applied', undefined, undefined],
      ['applied', undefined, undefined],
      ['refused', 'steps.2.role', 'role-changes'],
    ]);
    expect(roleChanges.refused!.outcome.lines[2].problem!.message).toContain('seg acts as nucleo in step 2 and as segretario in step 1');

    const bySeg = given({ id: 'seg', name: 'Segretaria Generale', ente: ENTE, roles: ['segretario'] });
    const asReviewer = await bySeg.whenImported([draft('rossi', '2024-01-20'), step('seg', 'rpct', '2024-02-15', { type: 'SubmitPlan' })]);
    expect(lines(asReviewer.refused)).toEqual([
      ['applied', undefined, undefined],
      ['refused', 'steps.1.by', 'importer-as-reviewer'],
    ]);
  });

  it('compares a step’s date with the good steps before it only: a mistyped date is reported once', async () => {
    const { whenImported } = given();
    const { refused } = await whenImported([draft('rossi', '2099-01-20'), propose('rossi', '2024-02-01'), propose('rossi', '2024-01-31')]);
    expect(lines(refused)).toEqual([
      ['refused', 'steps.0.occurredOn', 'date-in-future'],
      ['not-run', undefined, undefined],
      ['refused', 'steps.2.occurredOn', 'steps-out-of-order'],
    ]);
  });
});
