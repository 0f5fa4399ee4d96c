import { createHash, randomUUID } from 'node:crypto';
import { objectiveStreamId, planStreamId, type ObjectiveDefinition } from '@piao/lifecycle';
import { type EventMetadata, type EventStore, type NewEvent } from '@piao/event-store';

/**
 * Synthetic enti shaped like the real plans in test/fixtures/plans: objectives with 3–6 phases whose weights do
 * not always total 100, 2–4 indicators with Italian targets, people with shares, tags; then a year of activity
 * (approval, progress, values, monitoring, reprogramming, year-end report). Events go straight into the store,
 * as the commands would have written them, so that large logs take seconds to build.
 */
export interface SyntheticOptions {
  ente: string;
  objectives: number;
  /** Events per objective, at least 8; activity fills whatever the lifecycle steps leave. */
  eventsPerObjective: number;
  /** Objectives written concurrently. */
  concurrency?: number;
}

const TARGETS = ['almeno n. 4', '≥ 30', '< 10', 'Max 800 €', 'entro il 30/06/2025', '100%', 'Fatto', '4,00', '150.000,00', 'Almeno 60%'];
const UNITS = ['welfare', 'cultura', 'bilancio', 'entrate', 'polizia-locale', 'lavori-pubblici', 'urbanistica', 'segreteria'];
const TITLES = [
  'Sostegno alle famiglie in difficoltà abitativa',
  'Digitalizzazione dei procedimenti edilizi',
  'Trasparenza e prevenzione della corruzione negli appalti',
  'Riscossione dei tributi comunali e contrasto all’evasione',
  'Valorizzazione del patrimonio culturale e delle biblioteche',
  'Manutenzione programmata delle strade e della segnaletica',
  'Migrazione al cloud dei servizi informatici (PNRR)',
  'Controllo di gestione e monitoraggio della spesa',
];

/** A deterministic pseudo-random stream, so that a seed always yields the same ente. */
function random(seed: string) {
  let counter = 0;
  return () => {
    const hash = createHash('sha256').update(`${seed}:${counter++}`).digest();
    return hash.readUInt32BE(0) / 0x1_0000_0000;
  };
}

export function syntheticDefinition(seed: string): ObjectiveDefinition {
  const r = random(seed);
  const pick = <T>(list: T[]) => list[Math.floor(r() * list.length)];
  const phaseCount = 3 + Math.floor(r() * 4);
  const weights = r() < 0.2 ? null : Array.from({ length: phaseCount }, () => Math.round(100 / phaseCount));
  return {
    title: `${pick(TITLES)} ${seed.slice(-4)}`,
    description: 'Obiettivo esecutivo del PEG: ' + pick(TITLES).toLowerCase(),
    responsibleUnitId: pick(UNITS),
    contributingUnitIds: r() < 0.3 ? [pick(UNITS)] : [],
    tags: r() < 0.2 ? ['anticorruption-transparency'] : r() < 0.1 ? ['pnrr'] : [],
    kind: r() < 0.15 ? { crossCutting: 'intersettoriale' } : {},
    people: [
      { name: 'Rossi Maria', personId: 'p-rossi', participationPercent: 60 },
      { name: 'Bianchi Luca', personId: `p-${Math.floor(r() * 50)}`, participationPercent: 40 },
    ],
    horizon: { fromYear: 2025, toYear: 2025 },
    phases: Array.from({ length: phaseCount }, (_, i) => ({
      id: `f${i + 1}`,
      description: `Fase ${i + 1}`,
      plannedEnd: `2025-${String(3 + i * 2).padStart(2, '0')}-28`,
      weight: weights ? weights[i] : null,
      plannedPercentAt: { '2025-07-31': Math.min(100, Math.round(((i + 1) / phaseCount) * 120)) },
    })),
    indicators: Array.from({ length: 2 + Math.floor(r() * 3) }, (_, i) => ({
      id: `i${i + 1}`,
      description: `Indicatore ${i + 1}`,
      target: { text: pick(TARGETS) },
    })),
  };
}

function metadata(ente: string, role: string, occurredAt: string, extra: Partial<EventMetadata> = {}): EventMetadata {
  return {
    actor: { id: `${ente}:${role}`, name: role, role },
    ente,
    occurredAt,
    recordedAt: `${occurredAt}T10:00:00.000Z`,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
    ...extra,
  };
}

/** The events of one objective's year, `count` of them. */
export function objectiveEvents(ente: string, planId: string, objectiveId: string, code: string, count: number): NewEvent[] {
  const definition = syntheticDefinition(objectiveId);
  const e = (type: string, data: object, role: string, on: string, extra: Partial<EventMetadata> = {}): NewEvent => ({
    id: randomUUID(),
    type,
    data,
    metadata: metadata(ente, role, on, extra),
  });
  const lowered = { ...definition, indicators: definition.indicators.map((i, n) => (n === 0 ? { ...i, target: { text: 'almeno n. 2' } } : i)) };
  const change = [{ path: 'indicators[i1].target.text', from: definition.indicators[0].target!.text, to: 'almeno n. 2' }];
  const head = [
    e('ObjectiveDrafted', { objectiveId, planId, ente, code, definition, warnings: [] }, 'dirigente', '2025-01-15'),
    e('ObjectiveProposed', {}, 'dirigente', '2025-01-20'),
    e('ObjectiveApprovedByGiunta', { act: { number: '31', date: '2025-03-10' } }, 'segretario', '2025-03-10', { act: { number: '31', date: '2025-03-10' } }),
  ];
  const tail = [
    e('MonitoringReportSubmitted', { asOf: '2025-07-31', phases: [], indicators: [] }, 'dirigente', '2025-08-05'),
    e('MonitoringReportValidated', { asOf: '2025-07-31' }, 'segretario', '2025-08-20'),
    e('ReprogrammingProposed', { definition: lowered, changes: change, warnings: [], motivation: 'Risorse ridotte' }, 'dirigente', '2025-09-01'),
    e('ReprogrammingApprovedByGiunta', { act: { number: '120', date: '2025-09-15' }, changes: change }, 'segretario', '2025-09-15', {
      act: { number: '120', date: '2025-09-15' },
    }),
    e('YearEndReportSubmitted', { phases: [], indicators: [] }, 'dirigente', '2025-12-31'),
  ];
  const activity = Math.max(0, count - head.length - tail.length);
  const middle = Array.from({ length: activity }, (_, n) => {
    const day = `2025-${String(3 + Math.floor((n / Math.max(activity, 1)) * 4)).padStart(2, '0')}-${String(11 + (n % 17)).padStart(2, '0')}`;
    if (n % 2 === 0) {
      const phase = definition.phases[n % definition.phases.length];
      return e('PhaseProgressRecorded', { phaseId: phase.id, progressPercent: Math.min(100, 10 + ((n * 7) % 91)) }, 'dirigente', day);
    }
    const indicator = definition.indicators[n % definition.indicators.length];
    return e('IndicatorValueRecorded', { indicatorId: indicator.id, value: String(1 + (n % 40)), asOf: day }, 'dirigente', day);
  });
  // Activity happens between the approval and the 31/07 monitoring; the rest follows in order.
  return [...head, ...middle, ...tail].slice(0, Math.max(count, 1));
}

/** Writes a plan and its objectives; returns the ids and how many events were written. */
export async function writeSyntheticEnte(store: EventStore, options: SyntheticOptions): Promise<{ planId: string; objectiveIds: string[]; events: number }> {
  const planId = randomUUID();
  const { ente } = options;
  const plan: NewEvent[] = [
    {
      id: randomUUID(),
      type: 'PlanOpened',
      data: { planId, ente, kind: 'PEG', title: `PEG 2025 ${ente}`, fromYear: 2025, toYear: 2025 },
      metadata: metadata(ente, 'segretario', '2025-01-02'),
    },
  ];
  await store.append(planStreamId(planId), plan, 'no-stream');
  const objectiveIds = Array.from({ length: options.objectives }, () => randomUUID());
  let written = plan.length;
  let next = 0;
  // Each objective's events go in a few appends, interleaved with the other objectives' like a busy ente's.
  const lane = async () => {
    while (next < objectiveIds.length) {
      const i = next++;
      const events = objectiveEvents(ente, planId, objectiveIds[i], `2025_${String(i).padStart(5, '0')}`, options.eventsPerObjective);
      for (let from = 0; from < events.length; from += 50) {
        await store.append(objectiveStreamId(objectiveIds[i]), events.slice(from, from + 50), from === 0 ? 'no-stream' : from - 1);
      }
      written += events.length;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, lane));
  for (let from = 0; from < objectiveIds.length; from += 500) {
    const attached = objectiveIds.slice(from, from + 500).map((objectiveId, n) => ({
      id: randomUUID(),
      type: 'ObjectiveAttached',
      data: { objectiveId, code: `2025_${String(from + n).padStart(5, '0')}` },
      metadata: metadata(ente, 'dirigente', '2025-01-15'),
    }));
    await store.append(planStreamId(planId), attached, 'any');
    written += attached.length;
  }
  return { planId, objectiveIds, events: written };
}
