import { ProcessorsHost } from '@piao/application';
import { AuditModule, type DossierContent } from '@piao/audit';
import { startApi, type Api } from '../support/api-harness';
import { until } from '../support/processor-harness';
import { seedEnte, type Ente } from '../support/scenario';

const MOTIVATION = 'Motivazione riservata del Nucleo';

interface Entry {
  type: string;
  reason: string | null;
  changes: { path: string }[];
}

/**
 * An evaluation the NdV has recorded and not shared is the NdV's alone (BRIEF §2.6), in every audit output: the trail
 * and its export show that it happened, not its score nor its motivation, to everyone but the NdV, also after the
 * objective is cancelled; the red flags about it are the NdV's; a dossier says the objective is reported and holds
 * neither, whoever requested it.
 */
describe('an unshared evaluation in the audit outputs', () => {
  let api: Api;
  let a: Ente;

  const ok = async (call: Promise<{ status: number; body: unknown }>) => {
    const response = await call;
    if (response.status >= 300) throw new Error(`${response.status}: ${JSON.stringify(response.body)}`);
  };
  const poke = () => {
    api.app.get(ProcessorsHost).poke();
    api.app.get(AuditModule).dossierWorker()?.poke();
  };
  const trailAs = async (client: Ente['as'][keyof Ente['as']]) => {
    const response = await client.get(`/audit/trail?objectiveId=${a.objectiveId}&type=ObjectiveEvaluated`);
    expect(response.status).toBe(200);
    return (response.body as { items: Entry[] }).items;
  };

  beforeAll(async () => {
    api = await startApi('pglite', { AUDIT_CHECKPOINT_SECONDS: '3600' });
    a = await seedEnte(api, 'comune-alfa');
    await ok(a.as.dirigente.post(`/objectives/${a.objectiveId}/indicator-values`, { indicatorId: 'i1', value: '20', asOf: '2025-12-31' }));
    await ok(a.as.dirigente.post(`/objectives/${a.objectiveId}/year-end-report`, { phases: [], indicators: [{ indicatorId: 'i1', value: '20' }] }));
    await ok(a.as.segretario.post(`/objectives/${a.objectiveId}/year-end-report/validate`, {}));
    // 99 % where the indicators show far less: a red flag, the NdV's to read while the evaluation is unshared.
    await ok(a.as.nucleo.post(`/objectives/${a.objectiveId}/evaluation`, { achievementPercent: 99, reason: MOTIVATION }));
    await until(async () => {
      poke();
      return (await trailAs(a.as.nucleo)).length === 1;
    }, 'the evaluation in the trail');
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('the trail and its export: the event without score or motivation, but to the NdV', async () => {
    const [seen] = await trailAs(a.as.nucleo);
    expect(seen.reason).toBe(MOTIVATION);
    expect(seen.changes.map((c) => c.path)).toContain('evaluation.achievementPercent');
    for (const client of [a.as.rpct, a.as.segretario, a.as.admin]) {
      const [withheld] = await trailAs(client);
      expect(withheld).toMatchObject({ type: 'ObjectiveEvaluated', reason: null });
      expect(withheld.changes.filter((c) => c.path.startsWith('evaluation.'))).toEqual([]);
      const csv = await client.get(`/audit/trail/export?objectiveId=${a.objectiveId}`);
      expect(csv.text).not.toContain(MOTIVATION);
      expect(csv.text).not.toContain('evaluation.achievementPercent');
    }
  });

  it('its inclusion proof: the content for the NdV to hash, withheld from the others (who can prove only the hash)', async () => {
    let hashed: { eventId: string; leafIndex: number | null } | undefined;
    await until(async () => {
      poke();
      [hashed] = (await trailAs(a.as.nucleo)) as unknown as { eventId: string; leafIndex: number | null }[];
      return hashed.leafIndex !== null;
    }, 'the evaluation hashed');
    // No checkpoint is signed here (one an hour): asked for none, the proof is not there yet (the first checkpoint
    // will hold it)…
    const unsigned = await a.as.nucleo.get(`/audit/events/${hashed!.eventId}/inclusion`);
    expect(unsigned.status).toBe(409);
    expect(unsigned.body).toMatchObject({ type: '/problems/not-yet-signed', rule: 'not-yet-signed' });
    expect(unsigned.body.detail).toContain('(0 leaves: none signed yet)');
    // …and asked for the tree that ends with the evaluation, it is proved against that tree.
    const url = `/audit/events/${hashed!.eventId}/inclusion?treeSize=${hashed!.leafIndex! + 1}`;
    const ndv = await a.as.nucleo.get(url);
    expect(ndv.status).toBe(200);
    expect(ndv.body).toMatchObject({ withheld: false, leaf: { type: 'ObjectiveEvaluated', data: { achievementPercent: 99, motivation: MOTIVATION } } });
    for (const client of [a.as.rpct, a.as.segretario, a.as.admin]) {
      const answer = await client.get(url);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ withheld: true, leaf: null, leafHash: (ndv.body as { leafHash: string }).leafHash });
      expect(JSON.stringify(answer.body)).not.toContain(MOTIVATION);
    }
  });

  it('the red flags about it are the NdV’s', async () => {
    const kinds = async (client: Ente['as'][keyof Ente['as']]) =>
      ((await client.get(`/audit/red-flags?planId=${a.planId}`)).body as { items: { kind: string; description: string }[] }).items;
    expect((await kinds(a.as.nucleo)).map((f) => f.kind)).toContain('evaluation-above-indicators');
    for (const client of [a.as.rpct, a.as.segretario]) {
      const flags = await kinds(client);
      expect(flags.map((f) => f.kind)).not.toContain('evaluation-above-indicators');
      expect(JSON.stringify(flags)).not.toMatch(/\b99\s?%/);
    }
  });

  it('a dossier holds neither score nor motivation, whoever requested it', async () => {
    const requested = await a.as.nucleo.post('/audit/dossiers', { scope: { kind: 'objective', id: a.objectiveId } });
    expect(requested.status).toBe(202);
    const { dossierId } = requested.body as { dossierId: string };
    let status = '';
    await until(
      async () => {
        poke();
        status = ((await a.as.nucleo.get(`/audit/dossiers/${dossierId}`)).body as { status: string }).status;
        if (status === 'failed') throw new Error('the dossier failed');
        return status === 'ready';
      },
      'the dossier',
      60_000,
      200,
    );
    const json = (await a.as.segretario.get(`/audit/dossiers/${dossierId}/fascicolo.json`)).text;
    expect(json).not.toContain(MOTIVATION);
    const content = JSON.parse(json) as DossierContent;
    const objective = content.objectives[0];
    expect(objective.status).toBe('reported');
    const evaluated = objective.timeline.find((e) => e.type === 'ObjectiveEvaluated')!;
    expect(evaluated.reason).toBeNull();
    expect(evaluated.changes.filter((c) => c.path.startsWith('evaluation.'))).toEqual([]);
    expect(content.redFlags.map((f) => f.kind)).not.toContain('evaluation-above-indicators');
    expect((await a.as.segretario.get(`/audit/dossiers/${dossierId}/fascicolo.csv`)).text).not.toContain(MOTIVATION);
  });

  it('the trail keeps it withheld after the objective is cancelled', async () => {
    await ok(a.as.segretario.post(`/objectives/${a.objectiveId}/cancel`, { reason: 'Soppresso', act: { number: '77', date: '2026-01-15' } }));
    await until(async () => {
      poke();
      const items = (await a.as.nucleo.get(`/audit/trail?objectiveId=${a.objectiveId}&type=ObjectiveCancelled`)).body as { items: unknown[] };
      return items.items.length === 1;
    }, 'the cancellation in the trail');
    const [withheld] = await trailAs(a.as.rpct);
    expect(withheld.reason).toBeNull();
  });
});
