import { allEvents, startApi, type Api } from '../support/api-harness';
import { definition, seedEnte, type Ente } from '../support/scenario';

type Warning = { code: string; message: string };
type CatalogueType = { typeId: string; label: string; synonyms: string[]; standard: boolean };

const indicator = (fields: Record<string, unknown>) => ({ id: 'i1', description: 'Pratiche gestite', target: { text: 'almeno n. 100' }, ...fields });
const withIndicator = (fields: Record<string, unknown>) => ({ ...definition(), indicators: [indicator(fields)] });
const codes = (warnings: Warning[]) => warnings.map((w) => w.code);

/** Issue 13, item 1: the ente's catalogue of indicator types, and the type as the plan wrote it (PostgreSQL). */
describe('indicator types: the ente’s catalogue and the type as written, through the API', () => {
  let api: Api;
  let e: Ente;
  let other: Ente;
  beforeAll(async () => {
    api = await startApi('postgres');
    e = await seedEnte(api, 'comune-lissone');
    other = await seedEnte(api, 'comune-desio');
  });
  afterAll(() => api.close());

  it('lists the standard catalogue to any role of the ente', async () => {
    const listed = await e.as.nucleo.get('/organisation/indicator-types');
    expect(listed.status).toBe(200);
    expect(listed.body.ente).toBe('comune-lissone');
    const types = listed.body.types as CatalogueType[];
    expect(types.map((t) => t.typeId)).toEqual([
      'efficacia',
      'efficienza',
      'economicita',
      'qualita',
      'quantita',
      'tempo',
      'costo',
      'output',
      'outcome',
      'attivita-processo',
      'impatto',
    ]);
    expect(types.every((t) => t.standard)).toBe(true);
    expect(types.find((t) => t.typeId === 'economicita')).toMatchObject({
      label: 'Economicità',
      synonyms: expect.arrayContaining(["economicita'"]) as unknown,
    });
  });

  it('lets the Segretario, and nobody else, define a type of the ente’s own', async () => {
    const body = { typeId: 'sviluppo-digitale', label: 'Sviluppo digitale', synonyms: ['Transizione digitale'] };
    const byDirigente = await e.as.dirigente.post('/organisation/indicator-types', body);
    expect([byDirigente.status, byDirigente.body.rule]).toEqual([403, 'role-not-allowed']);
    const byAdmin = await e.as.admin.post('/organisation/indicator-types', body);
    expect(byAdmin.status).toBe(403);

    const defined = await e.as.segretario.post('/organisation/indicator-types', body);
    expect(defined.status).toBe(201);
    expect(defined.body).toMatchObject({ typeId: 'sviluppo-digitale', recorded: ['IndicatorTypeDefined'] });
    const again = await e.as.segretario.post('/organisation/indicator-types', body);
    expect([again.status, again.body.recorded, again.body.position]).toEqual([201, [], null]);

    const listed = await e.as.dirigente.get('/organisation/indicator-types');
    expect((listed.body.types as CatalogueType[]).at(-1)).toEqual({ ...body, synonyms: ['Transizione digitale'], standard: false });
  });

  it('refuses a standard id, another definition of an own id and a name another type answers to', async () => {
    const standard = await e.as.segretario.post('/organisation/indicator-types', { typeId: 'efficacia', label: 'Efficacia' });
    expect([standard.status, standard.body.rule]).toEqual([422, 'indicator-type-already-exists']);
    const redefined = await e.as.segretario.post('/organisation/indicator-types', { typeId: 'sviluppo-digitale', label: 'Digitale' });
    expect([redefined.status, redefined.body.rule]).toEqual([422, 'indicator-type-already-exists']);
    const taken = await e.as.segretario.post('/organisation/indicator-types', { typeId: 'fasi', label: 'Fasi', synonyms: ['PROCESSO'] });
    expect([taken.status, taken.body.rule]).toEqual([422, 'indicator-type-name-taken']);
    const badId = await e.as.segretario.post('/organisation/indicator-types', { typeId: 'Sviluppo Digitale', label: 'X' });
    expect([badId.status, badId.body.errors?.[0]?.field]).toEqual([400, 'typeId']);
  });

  it('resolves a type as written to the standard type it names, and keeps the text', async () => {
    const drafted = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'IT_01', definition: withIndicator({ typeAsWritten: 'EFFICIENZA' }) });
    expect(drafted.status).toBe(201);
    expect(drafted.body.definition.indicators[0]).toMatchObject({ type: 'efficienza', typeAsWritten: 'EFFICIENZA' });
    expect(codes(drafted.body.warnings)).not.toContain('indicator-type-not-in-catalogue');
    const read = await e.as.nucleo.get(`/objectives/${drafted.body.objectiveId}`);
    expect(read.body.definition.indicators[0]).toMatchObject({ type: 'efficienza', typeAsWritten: 'EFFICIENZA' });
  });

  it('resolves a type as written to the ente’s own type, by label or synonym', async () => {
    const drafted = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, {
      code: 'IT_02',
      definition: withIndicator({ typeAsWritten: 'Sviluppo digitale' }),
    });
    expect(drafted.status).toBe(201);
    expect(drafted.body.definition.indicators[0]).toMatchObject({ type: 'sviluppo-digitale', typeAsWritten: 'Sviluppo digitale' });
    const updated = await e.as.dirigente.post(`/objectives/${drafted.body.objectiveId}/draft`, {
      definition: withIndicator({ typeAsWritten: 'transizione DIGITALE' }),
    });
    expect(updated.status).toBe(200);
    expect(updated.body.definition.indicators[0]).toMatchObject({ type: 'sviluppo-digitale', typeAsWritten: 'transizione DIGITALE' });
    const explicit = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'IT_03', definition: withIndicator({ type: 'sviluppo-digitale' }) });
    expect([explicit.status, explicit.body.definition?.indicators[0].type]).toEqual([201, 'sviluppo-digitale']);
  });

  it('keeps a type as written that the catalogue does not know, with a warning, and both when both are given', async () => {
    const unknown = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'IT_04', definition: withIndicator({ typeAsWritten: 'Incarico' }) });
    expect(unknown.status).toBe(201);
    expect(unknown.body.definition.indicators[0].type).toBeUndefined();
    expect(unknown.body.definition.indicators[0].typeAsWritten).toBe('Incarico');
    expect(codes(unknown.body.warnings)).toContain('indicator-type-not-in-catalogue');

    const both = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, {
      code: 'IT_05',
      definition: withIndicator({ type: 'efficacia', typeAsWritten: 'Costo' }),
    });
    expect(both.status).toBe(201);
    expect(both.body.definition.indicators[0]).toMatchObject({ type: 'efficacia', typeAsWritten: 'Costo' });
  });

  it('refuses a type the catalogue does not have, naming the field, and records nothing', async () => {
    const before = await allEvents(api.store);
    const drafted = await e.as.dirigente.post(`/plans/${e.planId}/objectives`, { code: 'IT_06', definition: withIndicator({ type: 'benessere-animale' }) });
    expect([drafted.status, drafted.body.rule]).toEqual([422, 'unknown-indicator-type']);
    expect(drafted.body.detail).toMatch(/indicators\[0\]\.type/);
    expect(drafted.body.detail).toMatch(/efficacia, efficienza, .*sviluppo-digitale/);
    const updated = await e.as.dirigente.post(`/objectives/${e.draftId}/draft`, { definition: withIndicator({ type: 'benessere-animale' }) });
    expect([updated.status, updated.body.rule]).toEqual([422, 'unknown-indicator-type']);
    const reprogrammed = await e.as.dirigente.post(`/objectives/${e.objectiveId}/reprogramming`, {
      definition: withIndicator({ type: 'benessere-animale' }),
      reason: 'Nuovo indicatore',
    });
    expect([reprogrammed.status, reprogrammed.body.rule]).toEqual([422, 'unknown-indicator-type']);
    expect(await allEvents(api.store)).toHaveLength(before.length);
  });

  it('resolves the type as written of a reprogramming', async () => {
    const proposed = await e.as.dirigente.post(`/objectives/${e.objectiveId}/reprogramming`, {
      definition: withIndicator({ typeAsWritten: 'tempistica' }),
      reason: 'Indicatore riscritto come nel piano',
    });
    expect(proposed.status).toBe(200);
    const read = await e.as.segretario.get(`/objectives/${e.objectiveId}`);
    expect(read.body.pendingReprogramming.definition.indicators[0]).toMatchObject({ type: 'tempo', typeAsWritten: 'tempistica' });
  });

  it('keeps each ente’s own types to itself', async () => {
    const listed = await other.as.segretario.get('/organisation/indicator-types');
    expect((listed.body.types as CatalogueType[]).map((t) => t.typeId)).not.toContain('sviluppo-digitale');
    const explicit = await other.as.dirigente.post(`/plans/${other.planId}/objectives`, {
      code: 'IT_01',
      definition: withIndicator({ type: 'sviluppo-digitale' }),
    });
    expect([explicit.status, explicit.body.rule]).toEqual([422, 'unknown-indicator-type']);
    const written = await other.as.dirigente.post(`/plans/${other.planId}/objectives`, {
      code: 'IT_01',
      definition: withIndicator({ typeAsWritten: 'Sviluppo digitale' }),
    });
    expect(written.status).toBe(201);
    expect(written.body.definition.indicators[0].type).toBeUndefined();
    expect(codes(written.body.warnings)).toContain('indicator-type-not-in-catalogue');
    // The other ente may define the same id for itself.
    const own = await other.as.segretario.post('/organisation/indicator-types', { typeId: 'sviluppo-digitale', label: 'Agenda digitale' });
    expect(own.status).toBe(201);
  });
});
