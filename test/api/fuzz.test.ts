import fc from 'fast-check';
import request from 'supertest';
import { type LogPosition } from '@piao/event-store';
import { mintDevelopmentToken } from '../../apps/api/src/auth/development-token';
import { startApi, TEST_SECRET, type Api } from '../support/api-harness';
import { seedEnte, type Ente } from '../support/scenario';
import { readLog } from '../support/read-log';
import { operationsOf, requestArbitrary, type FuzzRequest, type OpenApiDocument } from '../support/openapi-fuzz';

/**
 * Property-based fuzzing of the whole API, driven by its OpenAPI document: every operation gets generated requests,
 * plausible and hostile, from several people of two enti, anonymous or with a forged token. For each answer:
 * never a 5xx; every 4xx is RFC 9457 problem details (a 400 names its fields); and a refused request wrote nothing to
 * the log. FUZZ_SEED=<n> replays a run, FUZZ_SEED=random picks a seed and prints it; FUZZ_RUNS sets the count.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 20_261_202);
if (process.env.FUZZ_SEED) console.error(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`);

const PERSONAS = ['segretario', 'dirigente', 'otherDirigente', 'nucleo', 'rpct', 'admin', 'otherEnte', 'anonymous', 'forged'] as const;

interface Failure {
  index: number;
  request: string;
  answer: string;
  why: string;
}

describe('the API under generated requests (OpenAPI-driven fuzzing, PostgreSQL)', () => {
  let api: Api;
  let ente: Ente;
  let other: Ente;
  let document: OpenApiDocument;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    // A read-your-writes position beyond the log is refused once this wait is over: short, for 5,000 requests.
    api = await startApi('postgres', { READ_YOUR_WRITES_TIMEOUT_MS: '100' });
    ente = await seedEnte(api, 'comune-fuzz');
    other = await seedEnte(api, 'comune-vicino');
    document = (await api.anonymous().get('/docs/openapi.json')).body as OpenApiDocument;
    for (const persona of PERSONAS.filter((p) => p !== 'anonymous' && p !== 'forged' && p !== 'otherEnte')) {
      const person = ente.people[persona as keyof Ente['people']];
      tokens.set(persona, await mintDevelopmentToken({ sub: person.sub, name: person.name, ente: person.ente, roles: person.roles }, TEST_SECRET));
    }
    const neighbour = other.people.segretario;
    tokens.set(
      'otherEnte',
      await mintDevelopmentToken({ sub: neighbour.sub, name: neighbour.name, ente: neighbour.ente, roles: neighbour.roles }, TEST_SECRET),
    );
    tokens.set(
      'forged',
      await mintDevelopmentToken({ sub: 'x', name: 'X', ente: ente.ente, roles: ['admin'] }, 'not-the-secret-not-the-secret-not-the-secret'),
    );
  });
  afterAll(() => api.close());

  it(`answers ${RUNS} generated requests without a 5xx, with problem details, and writes nothing when it refuses`, async () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(70);
    const vocabulary = {
      planIds: [ente.planId, other.planId],
      objectiveIds: [ente.objectiveId, ente.draftId, other.objectiveId],
      personIds: Object.values(ente.people).map((p) => p.sub),
      unitIds: ['welfare', 'cultura'],
      words: ['2025-07-31', '31/07/2025', 'Fase 1', 'almeno n. 4', 'f1', 'i1', 'PEG', 'settore', 'plan', 'objective', 'unit', '31', 'csv'],
    };
    const arbitrary = fc.oneof(...operations.map((operation) => requestArbitrary(operation, document, vocabulary, PERSONAS)));
    const requests = fc.sample(arbitrary, { seed: SEED, numRuns: RUNS });

    const failures: Failure[] = [];
    const statuses = new Map<number, number>();
    let head: LogPosition = await lastPosition(api);
    for (const [index, r] of requests.entries()) {
      const response = await send(api, r, tokens.get(r.persona));
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const why = problemWith(response);
      if (response.status >= 400) {
        const written = await api.store.countAfter(head, 10);
        if (written > 0) failures.push(failure(index, r, response, `refused with ${response.status}, yet ${written} event(s) appended`));
      }
      if (why) failures.push(failure(index, r, response, why));
      head = await lastPosition(api, head);
      if (failures.length >= 20) break;
    }
    if (process.env.FUZZ_SEED)
      console.error(`fuzz: seed ${SEED}, ${requests.length} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(failures).toEqual([]);
    // The run must reach the domain, not only bounce off the edge: some requests are accepted, many refused.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(RUNS / 20);
  }, 900_000);
});

async function lastPosition(api: Api, from?: LogPosition): Promise<LogPosition> {
  const events = await readLog(api.store, from);
  return events.length ? events[events.length - 1].position : (from ?? (await readLog(api.store)).at(-1)!.position);
}

async function send(api: Api, r: FuzzRequest, token: string | undefined): Promise<request.Response> {
  let call = request(api.app.getHttpServer())[r.operation.method](r.url);
  if (token) call = call.set('Authorization', `Bearer ${token}`);
  for (const [name, value] of Object.entries(r.headers))
    if (value !== '' && !(name === 'Idempotency-Key' && r.operation.method === 'get')) call = call.set(name, value);
  if (r.body !== undefined) {
    if (!r.headers['Content-Type']) call = call.set('Content-Type', 'application/json');
    call = call.send(r.body);
  }
  // Binary answers (PDF, calendar) are kept as bytes: only their status and headers matter here.
  return call.buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        done(null, /json/.test(String(response.headers['content-type'])) ? JSON.parse(text) : text);
      } catch {
        done(null, text);
      }
    });
  });
}

/** What is wrong with an answer, or undefined. */
function problemWith(response: request.Response): string | undefined {
  const { status } = response;
  if (status >= 500) return `a ${status}`;
  if (status < 400) return undefined;
  if (!/^application\/problem\+json/.test(String(response.headers['content-type']))) return `a ${status} that is not application/problem+json`;
  const body = response.body as { type?: unknown; title?: unknown; status?: unknown; detail?: unknown; errors?: { field?: unknown; rule?: unknown }[] };
  if (typeof body.type !== 'string' || typeof body.title !== 'string' || body.status !== status) return `a ${status} whose body is not problem details`;
  if (
    status === 400 &&
    !(
      Array.isArray(body.errors) &&
      body.errors.length > 0 &&
      body.errors.every((e) => typeof e.field === 'string' && e.field !== '' && typeof e.rule === 'string')
    )
  ) {
    return 'a 400 that names no field';
  }
  return undefined;
}

function failure(index: number, r: FuzzRequest, response: request.Response, why: string): Failure {
  const body = r.body === undefined ? '' : ` body ${r.body.slice(0, 200)}`;
  return {
    index,
    request: `${r.operation.method.toUpperCase()} ${r.url.slice(0, 200)} as ${r.persona} [${r.mutation}] headers ${JSON.stringify(r.headers).slice(0, 200)}${body}`,
    answer: `${response.status} ${JSON.stringify(response.body).slice(0, 300)}`,
    why,
  };
}
