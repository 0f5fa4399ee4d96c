/**
 * A plan import at the size of a large PEG (issue 13): 300 objectives, 1,200 indicators (4 each), about 3 phases
 * each, 15 units named as settori are, people on some. The 40 fixture objectives (test/support/fixture-import-rows.ts,
 * three real plans) are cycled and varied into it, their texts as the plans wrote them (titles, targets, dates,
 * weights), their codes made unique (B001_…); it is written as a clerk's workbook holds it (test/support/xlsx-files.ts)
 * and as a CSV table (`;`, byte-order mark, as Italian Excel saves it).
 *  1. the pieces without HTTP: readSpreadsheet, objectivesFromRows, importItems (class-validator on each objective);
 *  2. over HTTP, the API in the measuring process (createApp, an ephemeral port, fetch), on PostgreSQL and on the
 *     embedded PGlite (memory://), each in a process of its own, with its processors running in it (the default) and
 *     without (RUN_PROCESSORS=false): units created, plans opened; then per round and format a dry run, the real run
 *     into a fresh plan (with an Idempotency-Key, as the documentation's example sends it), the same file again (all
 *     unchanged). For each request: wall time, when the server handed the answer to the socket, the report's
 *     objectives and indicators, events appended, RSS and heap before (after a collection) and at their peak (samples
 *     every 20 ms, the kernel's peak RSS, the heap before each collection), the event loop's longest block, time in
 *     GC; how long the processors take to catch up with the batch, and what they hold meanwhile; and where the
 *     request's time went (the same three pieces, the command handler and its append, each processor's `handle`,
 *     timed by wrapping them in the measuring process).
 * Usage: npm run bench:import     BENCH_ROUNDS (3 by default); BENCH_STORAGE=postgres,pglite (the default; `none`: the
 *        pieces only); BENCH_PROCESSORS=on,off (the default)
 */
import { fork } from 'node:child_process';
import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GCProfiler, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { stringify } from 'csv-stringify/sync';
import { Client } from 'pg';
import { ProcessorsHost } from '@piao/application';
import { loadConfig } from '@piao/config';
import { EVENT_STORE, LOG_START, type EventStore, type LogPosition } from '@piao/event-store';
import { createApp } from '../apps/api/src/bootstrap';
import { mintDevelopmentToken } from '../apps/api/src/auth/development-token';
import * as importItemsModule from '../apps/api/src/plan-import/import-items';
import { IMPORT_COLUMNS, type ImportColumn, type ImportColumnKey } from '../apps/api/src/plan-import/spreadsheet/import-columns';
import * as rowsModule from '../apps/api/src/plan-import/spreadsheet/rows-to-objectives';
import * as spreadsheetModule from '../apps/api/src/plan-import/spreadsheet/spreadsheet-rows';
import { ImportObjectivesHandler } from '../libs/application/src/plan-import/plan-import.commands';
import { asTable, fixtureObjectives, type FixtureObjective, type TemplateRow } from '../test/support/fixture-import-rows';
import { createTestDatabase } from '../test/support/postgres';
import { readLog } from '../test/support/read-log';
import { xlsxOf } from '../test/support/xlsx-files';
import { fmt, machine, median, peakRssKb, postgresPids, resetPeakRss, watchOthers } from './measure';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STORAGES = (process.env.BENCH_STORAGE ?? 'postgres,pglite')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is 'postgres' | 'pglite' => s === 'postgres' || s === 'pglite');
/** With the processors running in the API's process (the default), and without them (RUN_PROCESSORS=false). */
const PROCESSORS = (process.env.BENCH_PROCESSORS ?? 'on,off').split(',').map((s) => s.trim() === 'on');
const OBJECTIVES = 300;
const INDICATORS_EACH = 4;
/** Phases per objective, in turn: about 3 on average. */
const PHASES_EACH = [3, 2, 4, 3];
const PLAN_YEARS = { fromYear: 2025, toYear: 2025 };
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const ENTE = 'comune-import-bench';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CONTENT_TYPE = { xlsx: XLSX, csv: 'text/csv' } as const;
type Format = keyof typeof CONTENT_TYPE;
const FORMATS: Format[] = ['xlsx', 'csv'];
const mb = (bytes: number) => bytes / 2 ** 20;
const int = (n: number) => Math.round(n).toLocaleString('en');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A collection on demand, so that every "before" is measured on a collected heap (the flag is set before first use).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

// ---------------------------------------------------------------------------------------------------------------
// The plan: 300 objectives from the 40 of the fixtures

/**
 * The ente's 15 units, named as the fixture plans name their settori and direzioni. A fixture objective whose unit is
 * not one of them goes to the unit that does its work here (UNIT_OF).
 */
const UNITS = [
  'SETTORE POLITICHE CULTURALI E DELLO SPORT',
  'SETTORE ISTRUZIONE ED EDUCAZIONE',
  'SETTORE WELFARE E POLITICHE ABITATIVE',
  'SETT. SERVIZI AI CITTADINI',
  'DIREZIONE AFFARI GENERALI E SERVIZI AL CITTADINO',
  'AVVOCATURA',
  'DIREZIONE SERVIZI DI STAFF',
  'DIREZIONE TERRITORIO, SVILUPPO ECONOMICO',
  'UFFICIO CENTRALE ORGANIZZAZIONE E RISORSE UMANE',
  'SETTORE BILANCIO',
  'SETTORE ENTRATE',
  'POLIZIA LOCALE',
  'SETTORE URBANISTICA E AMBIENTE',
  'SETTORE MANUTENZIONE, PROGETTAZIONE E PNRR',
  'SEGRETERIA GENERALE',
];
const UNIT_OF = new Map<string, number>([
  ...UNITS.map((name, i): [string, number] => [name.toLowerCase(), i]),
  ['direzione sicurezza - ambiente - politiche sociali', 11],
  ['settore cultura, istruzione e sport', 0],
  ['settore welfare', 2],
  ['relazioni con il cittadino', 3],
  ['piano di zona', 2],
  ['progetti trasversali a tutti i direttori', 14],
  ['finanziario', 9],
  ['amministrativo', 4],
  ['area tecnica', 13],
  ['servizi alla persona', 2],
  ['tecnico', 13],
]);

/** Phase weights that total 100, written as Cinisello's plan writes them ("40,00"). */
const WEIGHTS: Record<number, string[]> = { 1: ['100,00'], 2: ['50,00', '50,00'], 3: ['40,00', '30,00', '30,00'], 4: ['25,00', '25,00', '25,00', '25,00'] };

const keysOf = (part: ImportColumn['part']): ImportColumnKey[] => IMPORT_COLUMNS.filter((c) => c.part === part).map((c) => c.key);

function pick(row: TemplateRow, keys: readonly ImportColumnKey[]): TemplateRow {
  return Object.fromEntries(keys.filter((key) => row[key] !== undefined).map((key) => [key, row[key]]));
}

interface Parts {
  objective: TemplateRow;
  phases: TemplateRow[];
  indicators: TemplateRow[];
  people: TemplateRow[];
  resources: TemplateRow[];
}

/** A fixture objective taken apart: its own fields (first row), and its phases, indicators, people and resources. */
function partsOf(fixture: FixtureObjective): Parts {
  const of = (part: ImportColumn['part'], present: ImportColumnKey) =>
    fixture.rows.filter((row) => row[present] !== undefined).map((row) => pick(row, keysOf(part)));
  return {
    objective: pick(fixture.rows[0], keysOf('objective')),
    phases: of('phase', 'phaseDescription'),
    indicators: of('indicator', 'indicatorDescription'),
    people: of('person', 'personName'),
    resources: of('resource', 'resourceDescription'),
  };
}

const rotate = <T>(items: T[], by: number): T[] => (items.length === 0 ? items : [...items.slice(by % items.length), ...items.slice(0, by % items.length)]);

/** "SETT. SERVIZI AI CITTADINI" as a clerk may type it: "Sett. Servizi Ai Cittadini" (the import folds case). */
const titleCase = (name: string) => name.toLowerCase().replace(/(^|[\s.,'-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());

/** Lines side by side, as the fixtures lay them out: the objective's fields on the first, then one part per line. */
function lines(objective: TemplateRow, ...parts: TemplateRow[][]): TemplateRow[] {
  const count = Math.max(1, ...parts.map((p) => p.length));
  return Array.from({ length: count }, (_, i) => Object.assign({ code: objective.code }, i === 0 ? objective : {}, ...parts.map((p) => p[i] ?? {})));
}

interface BenchPlan {
  rows: TemplateRow[];
  objectives: number;
  indicators: number;
  phases: number;
  weighted: number;
  people: number;
  resources: number;
  withPeople: number;
  contributing: number;
}

/**
 * Objective k is fixture k mod 40, its code B<k>_<fixture code>, in the unit that does its work; its 4 indicators are
 * its own (rotated from one copy to the next) filled up from the other fixtures'; its 2–4 phases likewise. Phases
 * taken as the plan wrote them keep the plan's weights; a set that was cut or filled up, where the plan gave weights,
 * gets weights that total 100 (a plan whose phases carry no weights, Segrate's, keeps none: the report warns).
 */
function benchPlan(): BenchPlan {
  const fixtures = fixtureObjectives().map(partsOf);
  const allIndicators = fixtures.flatMap((f) => f.indicators);
  const allPhases = fixtures.flatMap((f) => f.phases);
  const plan: BenchPlan = { rows: [], objectives: 0, indicators: 0, phases: 0, weighted: 0, people: 0, resources: 0, withPeople: 0, contributing: 0 };
  for (let k = 0; k < OBJECTIVES; k++) {
    const base = fixtures[k % fixtures.length];
    const copy = Math.floor(k / fixtures.length);
    const code = `B${String(k + 1).padStart(3, '0')}_${base.objective.code}`;
    const unit = UNIT_OF.get(base.objective.responsibleUnit!.toLowerCase());
    if (unit === undefined) throw new Error(`no unit for ${base.objective.responsibleUnit}`);
    const written = (i: number) => (copy % 3 === 1 ? titleCase(UNITS[i]) : UNITS[i]);
    const contributing = [
      ...(base.objective.contributingUnits ?? '')
        .split(';')
        .map((name) => name.trim())
        .filter(Boolean)
        .map((name) => UNIT_OF.get(name.toLowerCase())!),
      ...(k % 10 === 3 ? [(unit + 1 + (k % 13)) % UNITS.length] : []),
    ].filter((u, i, all) => u !== unit && all.indexOf(u) === i);

    const fill = (own: TemplateRow[], pool: TemplateRow[], count: number, from: number) => {
      const chosen = rotate(own, copy).slice(0, count);
      for (let j = from; chosen.length < count; j = (j + 1) % pool.length) if (!chosen.includes(pool[j])) chosen.push(pool[j]);
      return chosen;
    };
    const indicators = fill(base.indicators, allIndicators, INDICATORS_EACH, (k * 7) % allIndicators.length);
    const phaseCount = PHASES_EACH[k % PHASES_EACH.length];
    let phases = fill(base.phases, allPhases, phaseCount, (k * 5) % allPhases.length);
    const asWritten = phases.length === base.phases.length && phases.every((p, i) => p === base.phases[i]);
    if (!asWritten && phases.some((p) => p.phaseWeight !== undefined)) phases = phases.map((p, i) => ({ ...p, phaseWeight: WEIGHTS[phases.length][i] }));
    const people = base.people.slice(0, 6);

    const objective: TemplateRow = {
      ...base.objective,
      code,
      responsibleUnit: written(unit),
      ...(contributing.length > 0 ? { contributingUnits: contributing.map(written).join('; ') } : { contributingUnits: undefined }),
    };
    plan.rows.push(...lines(objective, phases, indicators, people, base.resources));
    plan.objectives++;
    plan.indicators += indicators.length;
    plan.phases += phases.length;
    plan.weighted += phases.some((p) => p.phaseWeight !== undefined) ? 1 : 0;
    plan.people += people.length;
    plan.withPeople += people.length > 0 ? 1 : 0;
    plan.resources += base.resources.length;
    plan.contributing += contributing.length > 0 ? 1 : 0;
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------------------------
// Memory and the event loop

interface Watched {
  /** MB at the start of the request, on a collected heap. */
  rssStart: number;
  heapStart: number;
  /** MB: the larger of the kernel's peak RSS and the samples'. */
  rssPeak: number;
  /** MB: the largest heap used, among the samples and just before each collection (which a blocked loop cannot hide). */
  heapPeak: number;
  /** ms: the event loop's longest block. */
  loopMax: number;
  /** ms spent in collections. */
  gcMs: number;
}

/**
 * RSS and heap every 20 ms, the heap before every collection, and the event loop's longest delay, from start to stop;
 * `mark` closes one window and opens the next (the request, then the processors catching up after it).
 */
class MemoryWatch {
  private rss = 0;
  private heap = 0;
  private atStart = process.memoryUsage();
  private timer?: NodeJS.Timeout;
  private readonly loop = monitorEventLoopDelay({ resolution: 5 });
  private gc = new GCProfiler();

  /** The delay monitor records from its second tick on: it is given one before the watched work starts. */
  async start(): Promise<this> {
    this.loop.enable();
    await sleep(20);
    this.begin();
    this.timer = setInterval(() => this.sample(), 20);
    return this;
  }

  /** The figures of the window so far; the next window starts now. */
  mark(): Watched {
    const figures = this.figures();
    this.begin();
    return figures;
  }

  /** Lets the event loop turn first, so that work that held it to the end is seen by the delay monitor. */
  async stop(): Promise<Watched> {
    await sleep(10);
    clearInterval(this.timer);
    const figures = this.figures();
    this.loop.disable();
    return figures;
  }

  private begin(): void {
    resetPeakRss();
    this.loop.reset();
    this.gc = new GCProfiler();
    this.gc.start();
    this.atStart = process.memoryUsage();
    this.rss = 0;
    this.heap = 0;
    this.sample();
  }

  private figures(): Watched {
    this.sample();
    const collections = this.gc.stop().statistics;
    const heapBeforeGc = Math.max(0, ...collections.map((s) => s.beforeGC.heapStatistics.usedHeapSize));
    return {
      rssStart: mb(this.atStart.rss),
      heapStart: mb(this.atStart.heapUsed),
      rssPeak: Math.max(mb(this.rss), peakRssKb() / 1024),
      heapPeak: mb(Math.max(this.heap, heapBeforeGc)),
      loopMax: this.loop.max / 1e6,
      // GCProfiler gives each collection's cost in microseconds.
      gcMs: collections.reduce((sum, s) => sum + s.cost, 0) / 1000,
    };
  }

  private sample(): void {
    const usage = process.memoryUsage();
    this.rss = Math.max(this.rss, usage.rss);
    this.heap = Math.max(this.heap, usage.heapUsed);
  }
}

async function collected(): Promise<{ rss: number; heap: number }> {
  collectGarbage();
  await sleep(30);
  collectGarbage();
  const usage = process.memoryUsage();
  return { rss: mb(usage.rss), heap: mb(usage.heapUsed) };
}

// ---------------------------------------------------------------------------------------------------------------
// The pieces, without HTTP

interface PieceFigures {
  piece: string;
  format: Format;
  cold: number;
  rounds: number[];
  heapBefore: number;
  heapPeak: number;
  /** ms: the event loop's longest block while the piece ran. */
  loopMax: number;
  /** Share of the two cores other processes used, each round. */
  others: number[];
}

async function timePieces(files: Record<Format, Buffer>): Promise<PieceFigures[]> {
  const figures: PieceFigures[] = [];
  for (const format of FORMATS) {
    const byPiece = new Map<string, PieceFigures>();
    for (let round = 0; round <= ROUNDS; round++) {
      const step = async <T>(piece: string, run: () => Promise<T> | T): Promise<T> => {
        const before = await collected();
        const others = await watchOthers(() => [process.pid]);
        const watch = await new MemoryWatch().start();
        const t0 = performance.now();
        const result = await run();
        const ms = performance.now() - t0;
        const watched = await watch.stop();
        const busy = await others();
        const entry = byPiece.get(piece) ?? { piece, format, cold: ms, rounds: [], heapBefore: before.heap, heapPeak: 0, loopMax: 0, others: [] };
        if (round > 0) entry.rounds.push(ms);
        entry.heapPeak = Math.max(entry.heapPeak, watched.heapPeak);
        if (round > 0) entry.loopMax = Math.max(entry.loopMax, watched.loopMax);
        if (round > 0) entry.others.push(busy.others);
        byPiece.set(piece, entry);
        return result;
      };
      const read = await step('readSpreadsheet', () => spreadsheetModule.readSpreadsheet(files[format], format));
      const { objectives } = await step('objectivesFromRows', () => rowsModule.objectivesFromRows(read.rows, PLAN_YEARS));
      const items = await step('importItems', () =>
        importItemsModule.importItems(objectives.map(({ code, rows, definition }) => ({ code, rows, draft: { code, definition } }))),
      );
      const refused = items.filter((item) => item.problems.length > 0);
      if (items.length !== OBJECTIVES || refused.length > 0) {
        throw new Error(`${format}: ${items.length} objectives read, ${refused.length} with problems: ${JSON.stringify(refused[0]?.problems)}`);
      }
      process.stderr.write(`  pieces, ${format}, ${round === 0 ? 'cold' : `round ${round}`}: ${read.rows.length} rows, ${items.length} objectives\n`);
    }
    figures.push(...byPiece.values());
  }
  return figures;
}

// ---------------------------------------------------------------------------------------------------------------
// Where a request's time goes: the pieces, the command handler and its append, wrapped in this process

const inRequest = { read: 0, rows: 0, validate: 0, handler: 0, append: 0, streamReads: 0 };
type InRequest = typeof inRequest;

function timed<A extends unknown[], R>(original: (...args: A) => R, add: (ms: number) => void): (...args: A) => R {
  return function (this: unknown, ...args: A): R {
    const t0 = performance.now();
    const result = original.apply(this, args);
    if (result instanceof Promise) return result.finally(() => add(performance.now() - t0)) as R;
    add(performance.now() - t0);
    return result;
  };
}

/** Wraps a module's exported function: the controller calls it through the module object, so it calls the wrapper. */
function wrapExport(module: object, name: string, add: (ms: number) => void): void {
  const exports = module as Record<string, unknown>;
  const original = exports[name] as (...args: unknown[]) => unknown;
  const wrapper = timed(original, add);
  exports[name] = wrapper;
  if (exports[name] !== wrapper) throw new Error(`${name}: its export cannot be wrapped`);
}

let wrapped = false;
function wrapPieces(): void {
  if (wrapped) return;
  wrapped = true;
  wrapExport(spreadsheetModule, 'readSpreadsheet', (ms) => (inRequest.read += ms));
  wrapExport(rowsModule, 'objectivesFromRows', (ms) => (inRequest.rows += ms));
  wrapExport(importItemsModule, 'importItems', (ms) => (inRequest.validate += ms));
  const handler = ImportObjectivesHandler.prototype;
  handler.execute = timed(handler.execute, (ms) => (inRequest.handler += ms));
}

function wrapStore(store: EventStore): void {
  store.appendToStreams = timed(store.appendToStreams.bind(store), (ms) => (inRequest.append += ms));
  const readStream = store.readStream.bind(store);
  store.readStream = (...args: Parameters<EventStore['readStream']>) => {
    inRequest.streamReads++;
    return readStream(...args);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Over HTTP

type Step = 'dry run' | 'real run' | 'again';
const STEPS: Step[] = ['dry run', 'real run', 'again'];

interface Summary {
  objectives: number;
  create: number;
  unchanged: number;
  refused: number;
  indicators: number;
  flaggedTargets: number;
  errors: number;
}

interface Measured {
  format: Format;
  step: Step;
  round: number;
  ms: number;
  /** When the server handed the whole answer to the socket (`res.end`), from the request's start: what a client elsewhere waits. */
  sentMs: number;
  summary: Summary;
  warnings: number;
  issues: number;
  answerBytes: number;
  events: number;
  /** The request, from its start to its answer. */
  watched: Watched;
  /** After the answer, until the processors in the process have handled the log (real run and again). */
  catchUp?: Watched & { ms: number };
  others: number;
  split: InRequest;
  /** Time in each processor's `handle`, from the request's start until the processors caught up. */
  processors: Record<string, { ms: number; batches: number; events: number }>;
}

interface StorageRun {
  label: string;
  measured: Measured[];
  cold: Record<Format, number>;
}

/** One storage, in a process of its own (see main): the API started, units created, plans opened, the requests measured. */
async function measureStorage(kind: 'postgres' | 'pglite', processors: boolean, files: Record<Format, Buffer>): Promise<StorageRun> {
  const label = processors ? kind : `${kind}, processors off`;
  wrapPieces();
  const db = kind === 'postgres' ? await createTestDatabase() : undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'piao-import-bench-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    EVENT_STORE: kind,
    DATABASE_URL: db?.url,
    PGLITE_DATA_DIR: 'memory://',
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    AUDIT_SIGNER_KEY_FILE: join(scratch, 'audit-signer.key'),
    RUN_PROCESSORS: processors ? 'true' : 'false',
  });
  const app = await createApp(config);
  const pg = db ? new Client({ connectionString: db.url }) : undefined;
  try {
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    // The client is in this process too: while the event loop is held it cannot read an answer already sent.
    let sentAt = 0;
    (app.getHttpServer() as Server).on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (!request.url?.includes('/imports')) return;
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.end = ((...args: unknown[]) => {
        sentAt = performance.now();
        return end(...args);
      }) as ServerResponse['end'];
    });
    await pg?.connect();
    const ours = async () => [process.pid, ...(pg ? await postgresPids((text) => pg.query(text)) : [])];
    const store = app.get<EventStore>(EVENT_STORE);
    wrapStore(store);
    const handled: Measured['processors'] = {};
    const host = app.get(ProcessorsHost);
    for (const name of host.names()) {
      const processor = host.runner(name).processor;
      const handle = processor.handle.bind(processor);
      processor.handle = async (events, tx) => {
        const t0 = performance.now();
        try {
          return await handle(events, tx);
        } finally {
          const entry = (handled[name] ??= { ms: 0, batches: 0, events: 0 });
          entry.ms += performance.now() - t0;
          entry.batches++;
          entry.events += events.length;
        }
      };
    }
    const token = (sub: string, roles: ('admin' | 'segretario')[]) => mintDevelopmentToken({ sub, name: sub, ente: ENTE, roles }, SECRET);
    const admin = await token('admin', ['admin']);
    const segretario = await token('segretario', ['segretario']);

    const call = async (bearer: string, method: string, path: string, body?: object | Buffer, headers: Record<string, string> = {}) => {
      const file = Buffer.isBuffer(body);
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, ...(body && !file ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : file ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
    };
    const ok = async (answer: Promise<{ status: number; text: string; json: () => Record<string, unknown> }>, expected: number) => {
      const { status, text, json } = await answer;
      if (status !== expected) throw new Error(`expected ${expected}, got ${status}: ${text.slice(0, 2000)}`);
      return json();
    };

    for (const [i, name] of UNITS.entries()) {
      await ok(call(admin, 'POST', '/organisation/units', { unitId: `s${String(i + 1).padStart(2, '0')}`, name, kind: 'settore' }), 201);
    }
    const openPlan = async (title: string) => (await ok(call(segretario, 'POST', '/plans', { kind: 'PEG', title, ...PLAN_YEARS }), 201)).planId as string;
    const plans = new Map<string, string>();
    for (let round = 1; round <= ROUNDS; round++) for (const format of FORMATS) plans.set(`${format}${round}`, await openPlan(`PEG 2025 – ${format} ${round}`));
    const warmUpPlan = await openPlan('PEG 2025 – prova');

    /** Waits until every processor running in the process has handled the whole log. */
    const caughtUp = async (): Promise<void> => {
      const t0 = performance.now();
      for (;;) {
        const { processors } = (await ok(call(admin, 'GET', '/admin/processors'), 200)) as { processors: { state: string; lagEvents: number }[] };
        if (processors.filter((p) => p.state === 'active').every((p) => p.lagEvents === 0)) return;
        if (performance.now() - t0 > 300_000) throw new Error(`the processors did not catch up: ${JSON.stringify(processors)}`);
        await sleep(10);
      }
    };
    await caughtUp();

    let head: LogPosition = LOG_START;
    const appended = async () => {
      const events = await readLog(store, head);
      if (events.length > 0) head = events[events.length - 1].position;
      return events.length;
    };
    const upload = (format: Format, planId: string, step: Step, key: string) =>
      call(segretario, 'POST', `/plans/${planId}/imports${step === 'dry run' ? '?dryRun=true' : ''}`, files[format], {
        'content-type': CONTENT_TYPE[format],
        ...(step === 'dry run' ? {} : { 'idempotency-key': key }),
      });

    // The first request of each format, apart: the code's first run (JIT, class-validator's metadata, exceljs).
    const cold = {} as Record<Format, number>;
    for (const format of FORMATS) {
      const t0 = performance.now();
      await ok(upload(format, warmUpPlan, 'dry run', ''), 200);
      cold[format] = performance.now() - t0;
    }

    const measured: Measured[] = [];
    const measure = async (format: Format, step: Step, round: number): Promise<void> => {
      const planId = plans.get(`${format}${round}`)!;
      await appended();
      await collected();
      Object.assign(inRequest, { read: 0, rows: 0, validate: 0, handler: 0, append: 0, streamReads: 0 });
      for (const name of Object.keys(handled)) delete handled[name];
      const others = await watchOthers(ours);
      const watch = await new MemoryWatch().start();
      const t0 = performance.now();
      const answer = await upload(format, planId, step, `bench-${format}-${round}-${step.replace(' ', '-')}`);
      const ms = performance.now() - t0;
      const split = { ...inRequest };
      let watched: Watched;
      let catchUp: Measured['catchUp'];
      if (step === 'dry run') watched = await watch.stop();
      else {
        watched = watch.mark();
        await caughtUp();
        catchUp = { ...(await watch.stop()), ms: performance.now() - t0 - ms };
      }
      const busy = await others();
      if (answer.status !== 200) throw new Error(`${label} ${format} ${step}: ${answer.status} ${answer.text.slice(0, 3000)}`);
      const report = answer.json() as { summary: Summary; issues: unknown[]; objectives: { warnings: unknown[] }[] };
      const events = await appended();
      const expected = { 'dry run': [OBJECTIVES, 0, 0], 'real run': [OBJECTIVES, 0, 2 * OBJECTIVES], again: [0, OBJECTIVES, 0] }[step];
      const got = [report.summary.create, report.summary.unchanged, events];
      if (report.summary.objectives !== OBJECTIVES || report.summary.refused > 0 || got.join() !== expected.join()) {
        throw new Error(`${label} ${format} ${step}: expected create/unchanged/events ${expected}, got ${got}: ${JSON.stringify(report.summary)}`);
      }
      measured.push({
        format,
        step,
        round,
        ms,
        sentMs: sentAt - t0,
        summary: report.summary,
        warnings: report.objectives.reduce((n, o) => n + o.warnings.length, 0),
        issues: report.issues.length,
        answerBytes: Buffer.byteLength(answer.text),
        events,
        watched,
        catchUp,
        others: busy.others,
        split,
        processors: structuredClone(handled),
      });
      process.stderr.write(
        `  ${label} ${format} ${step} round ${round}: ${fmt(ms, 0)} ms (sent at ${fmt(sentAt - t0, 0)}), ${events} events, heap ${fmt(watched.heapStart, 0)} → ${fmt(watched.heapPeak, 0)} MB, ` +
          `loop held ${fmt(watched.loopMax, 0)} ms, others ${fmt(busy.others, 0)} %` +
          (catchUp ? `; processors caught up ${fmt(catchUp.ms, 0)} ms after the answer, loop held ${fmt(catchUp.loopMax, 0)} ms meanwhile` : '') +
          '\n',
      );
    };

    for (let round = 1; round <= ROUNDS; round++) {
      // The formats' order alternates from round to round.
      for (const format of round % 2 ? FORMATS : [...FORMATS].reverse()) for (const step of STEPS) await measure(format, step, round);
    }
    return { label, measured, cold };
  } finally {
    await app.close();
    await pg?.end();
    await db?.drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Each storage is measured in a process of its own, so that its RSS is its own (a closed PGlite does not give its
 * memory back) and its heap starts from the same place: this file again, with BENCH_CHILD set, answering over IPC.
 */
function inChildProcess(kind: 'postgres' | 'pglite', processors: boolean, folder: string): Promise<StorageRun> {
  return new Promise((resolve, reject) => {
    let result: StorageRun | undefined;
    const child = fork(__filename, [], {
      execArgv: ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register'],
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', BENCH_CHILD: JSON.stringify({ kind, processors, folder }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message) => (result = message as StorageRun));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`${kind}: the measuring process ended with ${code}`))));
  });
}

async function child(spec: string): Promise<void> {
  const { kind, processors, folder } = JSON.parse(spec) as { kind: 'postgres' | 'pglite'; processors: boolean; folder: string };
  const files = { xlsx: readFileSync(join(folder, 'plan.xlsx')), csv: readFileSync(join(folder, 'plan.csv')) };
  const run = await measureStorage(kind, processors, files);
  await new Promise<void>((resolve, reject) => process.send!(run, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

// ---------------------------------------------------------------------------------------------------------------

const each = (values: number[], digits = 0) => values.map((v) => fmt(v, digits)).join(' / ');

async function main(): Promise<void> {
  if (process.env.BENCH_CHILD) return child(process.env.BENCH_CHILD);
  const started = performance.now();
  const plan = benchPlan();
  const table = asTable(plan.rows);
  const files: Record<Format, Buffer> = {
    xlsx: await xlsxOf(table),
    csv: Buffer.from(`\uFEFF${stringify(table, { delimiter: ';' })}`, 'utf8'),
  };
  const folder = mkdtempSync(join(tmpdir(), 'piao-import-files-'));
  writeFileSync(join(folder, 'plan.xlsx'), files.xlsx);
  writeFileSync(join(folder, 'plan.csv'), files.csv);
  console.error(
    `plan: ${plan.objectives} objectives, ${plan.indicators} indicators, ${plan.phases} phases, ${plan.rows.length} rows; ` +
      `xlsx ${int(files.xlsx.length)} B, csv ${int(files.csv.length)} B (${folder})`,
  );

  console.error('the pieces, without HTTP…');
  const pieces = await timePieces(files);

  const runs: StorageRun[] = [];
  try {
    for (const processors of PROCESSORS) {
      for (const kind of STORAGES) {
        console.error(`over HTTP, ${kind}${processors ? '' : ', processors off'}, in a process of its own…`);
        runs.push(await inChildProcess(kind, processors, folder));
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }

  const out: string[] = [];
  out.push(`**Machine**: ${machine()}; whole run ${fmt((performance.now() - started) / 60_000)} min; ${ROUNDS} rounds.`, '');
  const dry = runs[0]?.measured.find((m) => m.step === 'dry run');
  // Every format and storage should report the same plan: the same flagged targets, warnings and issues.
  const reported = new Set(runs.flatMap((r) => r.measured.map((m) => `${m.summary.indicators}/${m.summary.flaggedTargets}/${m.warnings}/${m.issues}`)));
  if (reported.size > 1) console.error(`the reports differ between formats or storages (indicators/flagged/warnings/issues): ${[...reported].join(', ')}`);
  out.push(
    `**Plan**: ${plan.objectives} objectives, ${plan.indicators} indicators, ${plan.phases} phases (${plan.weighted} objectives with weights), ` +
      `${plan.people} people on ${plan.withPeople} objectives, ${plan.resources} resources, ${UNITS.length} units (${plan.contributing} objectives with ` +
      `contributing units); ${plan.rows.length} rows × ${IMPORT_COLUMNS.length} columns. XLSX ${int(files.xlsx.length)} bytes, CSV ${int(files.csv.length)} bytes.` +
      (dry
        ? ` The report: ${dry.summary.flaggedTargets} flagged targets, ${dry.warnings} warnings, ${dry.issues} issues, ${int(dry.answerBytes / 1024)} KiB.`
        : ''),
    '',
  );

  out.push(
    '| piece (no HTTP) | format | cold ms | ms, median (rounds) | heap before → peak MB | loop held, max ms | others % |',
    '|---|---|---|---|---|---|---|',
  );
  for (const p of pieces) {
    out.push(
      `| \`${p.piece}\` | ${p.format} | ${fmt(p.cold, 0)} | **${fmt(median(p.rounds), 0)}** (${each(p.rounds)}) | ${fmt(p.heapBefore, 0)} → ${fmt(p.heapPeak, 0)} | ${fmt(p.loopMax, 0)} | ${each(p.others)} |`,
    );
  }
  out.push('');

  const steps = (run: StorageRun, format: Format) => STEPS.map((step) => ({ step, ms: run.measured.filter((m) => m.format === format && m.step === step) }));
  out.push(
    '| storage | format | request | wall ms, median (rounds) | answer sent by the server, ms | objectives / indicators | events | RSS before → peak MB | heap before → peak MB | loop held, max ms | GC ms | others % |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const run of runs) {
    for (const format of FORMATS) {
      out.push(`| ${run.label} | ${format} | first dry run (cold) | ${fmt(run.cold[format], 0)} | | | | | | | | |`);
      for (const { step, ms } of steps(run, format)) {
        const med = (f: (m: Measured) => number) => fmt(median(ms.map(f)), 0);
        const max = (f: (m: Measured) => number) => fmt(Math.max(...ms.map(f)), 0);
        out.push(
          `| ${run.label} | ${format} | ${step} | **${med((m) => m.ms)}** (${each(ms.map((m) => m.ms))}) | ${each(ms.map((m) => m.sentMs))} | ${ms[0].summary.objectives} / ${ms[0].summary.indicators} | ` +
            `${each(ms.map((m) => m.events))} | ${med((m) => m.watched.rssStart)} → ${med((m) => m.watched.rssPeak)} (max ${max((m) => m.watched.rssPeak)}) | ` +
            `${med((m) => m.watched.heapStart)} → ${med((m) => m.watched.heapPeak)} (max ${max((m) => m.watched.heapPeak)}) | ${each(ms.map((m) => m.watched.loopMax))} | ` +
            `${med((m) => m.watched.gcMs)} | ${each(ms.map((m) => m.others))} |`,
        );
      }
    }
  }
  out.push('');

  out.push(
    '| storage | format | request | readSpreadsheet | objectivesFromRows | importItems | handler (of which append) | stream reads | rest | processors caught up after the answer, ms | loop held meanwhile, max ms | heap peak meanwhile MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const run of runs) {
    for (const format of FORMATS) {
      for (const { step, ms } of steps(run, format)) {
        const med = (f: (m: Measured) => number) => fmt(median(ms.map(f)), 0);
        const rest = (m: Measured) => m.ms - m.split.read - m.split.rows - m.split.validate - m.split.handler;
        const after =
          step === 'dry run'
            ? ' | |'
            : ` ${each(ms.map((m) => m.catchUp!.ms))} | ${each(ms.map((m) => m.catchUp!.loopMax))} | ${med((m) => m.catchUp!.heapPeak)} |`;
        out.push(
          `| ${run.label} | ${format} | ${step} | ${med((m) => m.split.read)} | ${med((m) => m.split.rows)} | ${med((m) => m.split.validate)} | ` +
            `${med((m) => m.split.handler)} (${med((m) => m.split.append)}) | ${med((m) => m.split.streamReads)} | ${med(rest)} |${after}`,
        );
      }
    }
  }
  out.push('');

  out.push(
    "| storage | format | request | time in each processor's `handle` from the request's start until caught up, median ms (batches, events) |",
    '|---|---|---|---|',
  );
  for (const run of runs.filter((r) => r.measured.some((m) => Object.keys(m.processors).length > 0))) {
    for (const format of FORMATS) {
      for (const { step, ms } of steps(run, format).filter((s) => s.step !== 'dry run')) {
        const names = [...new Set(ms.flatMap((m) => Object.keys(m.processors)))].sort();
        const cells = names.map((name) => {
          const of = ms.map((m) => m.processors[name] ?? { ms: 0, batches: 0, events: 0 });
          return `${name} ${fmt(median(of.map((p) => p.ms)), 0)} (${median(of.map((p) => p.batches))}, ${median(of.map((p) => p.events))})`;
        });
        out.push(`| ${run.label} | ${format} | ${step} | ${cells.join('; ')} |`);
      }
    }
  }
  console.log(out.join('\n'));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
