import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { allEvents, startApi, type Api, type AuthorisedClient } from '../support/api-harness';
import { asTable, fixtureObjectives } from '../support/fixture-import-rows';
import { seedEnte, type Ente } from '../support/scenario';
import { xlsxOf } from '../support/xlsx-files';

/**
 * The files a plan import reads are hostile input too: generated CSV tables (the template's columns with any text
 * in any cell, stray quotes, separators, control characters) and workbooks with bytes flipped, cut or inserted.
 * Whatever comes: never a 5xx, every refusal is problem details, and a dry run writes nothing.
 * FUZZ_SEED=<n> replays a run, FUZZ_SEED=random picks one and prints it.
 */
const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 20_261_202);
if (process.env.FUZZ_SEED) console.error(`import fuzz: FUZZ_SEED=${SEED}`);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('the plan import under generated files (PostgreSQL)', () => {
  let api: Api;
  let e: Ente;
  let segretario: AuthorisedClient;
  let planId: string;
  const table = asTable(fixtureObjectives().flatMap((o) => o.rows)).slice(0, 30);
  let workbook: Buffer;

  beforeAll(async () => {
    api = await startApi('postgres');
    e = await seedEnte(api, 'comune-fuzz-import');
    segretario = e.as.segretario;
    planId = ((await segretario.post('/plans', { kind: 'PEG', title: 'PEG 2025', fromYear: 2025, toYear: 2025 })).body as { planId: string }).planId;
    workbook = await xlsxOf(table);
  }, 60_000);
  afterAll(() => api.close());

  const expectHandled = async (file: Buffer, type: string) => {
    const before = (await allEvents(api.store)).length;
    const answer = await segretario.postFile(`/plans/${planId}/imports?dryRun=true`, file, type);
    const problem = answer.status >= 400;
    const why =
      answer.status >= 500 ? 'a 5xx' : problem && !String(answer.headers['content-type']).startsWith('application/problem+json') ? 'not problem details' : '';
    if (why) throw new Error(`${why}: ${answer.status} ${answer.text.slice(0, 500)}`);
    expect([200, 400, 413, 415, 422]).toContain(answer.status);
    if (answer.status === 400) expect((answer.body as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
    expect((await allEvents(api.store)).length).toBe(before);
  };

  it('reads any CSV table in the template without failing', async () => {
    const cell = fc.oneof(
      fc.constantFrom('', '31/02/2025', '31/12/25', '50,00', '- €', 'molto', '__proto__', 'sì', '1 di 3', 'welfare', 'Settore Welfare', '"', ';', '\n'),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    const row = fc.array(cell, { minLength: 1, maxLength: table[0].length + 3 });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 12 }), fc.constantFrom(';', ','), fc.boolean(), async (rows, delimiter, header) => {
        const text = stringify(header ? [table[0], ...rows] : rows, { delimiter });
        await expectHandled(Buffer.from(text, 'utf8'), 'text/csv');
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, 120_000);

  it('reads any damaged workbook without failing', async () => {
    const damage = fc.oneof(
      fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }).map(({ at, byte }) => (b: Buffer) => {
        const copy = Buffer.from(b);
        copy[at % copy.length] = byte;
        return copy;
      }),
      fc.nat().map((at) => (b: Buffer) => b.subarray(0, at % b.length)),
      fc
        .uint8Array({ maxLength: 64 })
        .chain((bytes) => fc.nat().map((at) => (b: Buffer) => Buffer.concat([b.subarray(0, at % b.length), bytes, b.subarray(at % b.length)]))),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 4 }), async (damages) => {
        await expectHandled(
          damages.reduce((b, d) => d(b), workbook),
          XLSX,
        );
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, 120_000);
});
