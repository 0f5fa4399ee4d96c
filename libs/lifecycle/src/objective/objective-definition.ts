import { type CalendarDate } from '../calendar/calendar-date';

/** Where the objective hangs in the plan's tree (BRIEF §3): Valore Pubblico → strategic line → DUP → codes. */
export interface PlanTreePlace {
  publicValueArea?: string;
  strategicLine?: string;
  mandateObjective?: string;
  dupMission?: string;
  dupProgramme?: string;
  strategicObjective?: string;
  operationalObjective?: string;
}

export const OBJECTIVE_NATURES = ['istituzionale', 'gestionale'] as const;
export const OBJECTIVE_LEVELS = ['strategico', 'operativo', 'esecutivo'] as const;
export const CROSS_CUTTING = ['intersettoriale', 'trasversale'] as const;
/** Tags with a meaning for the system; any other tag is kept as written. */
export const KNOWN_TAGS = ['anticorruption-transparency', 'pnrr', 'digitalisation', 'equal-opportunities', 'training', 'agenda-2030'] as const;

export interface ObjectiveKind {
  nature?: (typeof OBJECTIVE_NATURES)[number];
  level?: (typeof OBJECTIVE_LEVELS)[number];
  crossCutting?: (typeof CROSS_CUTTING)[number];
  /** "fase 1 di 3"; `of` absent when the plan gives the stage without the total ("fase 1"). */
  multiYear?: { stage: number; of?: number };
}

/**
 * The parts people have in an objective that the system knows, beside the role as the plan writes it (`role`, free
 * text): the one responsible for it, the RUP (responsabile unico del procedimento, of a works or procurement
 * objective), a contact person (referente), a collaborator. Read from the words by person-roles.ts.
 */
export const PERSON_ROLE_KINDS = ['responsabile', 'rup', 'referente', 'collaboratore'] as const;
export type PersonRoleKind = (typeof PERSON_ROLE_KINDS)[number];

export interface Person {
  name: string;
  personId?: string;
  category?: string;
  /** Drives individual performance; the total over people should be 100 but real plans differ. */
  participationPercent?: number;
  /** Their part in the objective as the plan writes it: responsabile, RUP, referente, collaboratore… (free text). */
  role?: string;
  /** The part the system knows (person-roles.ts), read from `role` when its words name one; absent otherwise. */
  roleKind?: PersonRoleKind;
}

export interface Phase {
  id: string;
  description: string;
  plannedStart?: CalendarDate;
  plannedEnd?: CalendarDate;
  /** The period as the plan wrote it when it gives no day: "II trim", "1 sem", "annuale". */
  plannedPeriodText?: string;
  /** Null or absent when the plan left it blank: never filled in by the system. */
  weight?: number | null;
  /** % of the phase planned to be done at each monitoring date, keyed by ISO date (e.g. 2025-07-31). */
  plannedPercentAt?: Record<CalendarDate, number>;
  responsiblePerson?: string;
  notes?: string;
  cancelled?: boolean;
}

/** The indicator types before the ente's catalogue (indicator-types.ts): all standard types of every catalogue. */
export const INDICATOR_TYPES = ['efficacia', 'efficienza', 'economicita', 'qualita', 'quantita', 'tempo', 'costo', 'output', 'outcome'] as const;
export const INDICATOR_MEASURES = ['number', 'percentage', 'date', 'done', 'text'] as const;
export const TARGET_SENSES = ['at-least', 'at-most', 'exactly', 'by-date', 'done'] as const;

/** The target exactly as the plan wrote it, plus its structured reading when one was given. */
export interface Target {
  text: string;
  sense?: (typeof TARGET_SENSES)[number];
  value?: number;
  /** "> 3" rather than "almeno 3": the value itself does not reach the target. */
  strict?: boolean;
  unit?: string;
  date?: CalendarDate;
}

/** A contributing unit's own target on an indicator shared by several units, with its own deadline. */
export interface UnitTarget {
  /** The responsible unit or a contributing one. */
  unitId: string;
  target: Target;
  dueDate?: CalendarDate;
}

export interface Indicator {
  id: string;
  description: string;
  /** An id of the ente's catalogue of indicator types (indicator-types.ts): `efficacia`, `attivita-processo`, an own one. */
  type?: string;
  /** The type as the plan wrote it ("EFFICIENZA", "attività/processo"); `type` is what it was resolved to, if anything. */
  typeAsWritten?: string;
  measure?: (typeof INDICATOR_MEASURES)[number];
  target?: Target;
  baseline?: string;
  dueDate?: CalendarDate;
  /** One indicator, a different target for each contributing unit ("Settore A: 10 entro il 30/06; Settore B: 5"). */
  unitTargets?: UnitTarget[];
  historicalValues?: { year: number; value: string }[];
}

export interface Resource {
  description: string;
  amountEuro?: number;
}

/**
 * Everything that the Giunta approves about an objective; reprogramming replaces it as a whole. The code is
 * not part of it: it identifies the objective within its plan and is fixed when the objective is drafted.
 */
export interface ObjectiveDefinition {
  title: string;
  description?: string;
  purpose?: string;
  implementation?: string;
  criticalFactors?: string;
  place?: PlanTreePlace;
  kind?: ObjectiveKind;
  tags?: string[];
  pnrr?: { measureCode?: string; cup?: string };
  assessorato?: string;
  responsibleUnitId: string;
  responsiblePerson?: string;
  contributingUnitIds?: string[];
  /** Of an objective shared by several units, the one that coordinates it (the responsible one or a contributing one). */
  coordinatingUnitId?: string;
  /** The objective's own deadline ("scadenza"), when the plan gives one beside its phases'. */
  deadline?: CalendarDate;
  notes?: string;
  people?: Person[];
  horizon: { fromYear: number; toYear: number; cyclical?: boolean };
  phases: Phase[];
  indicators: Indicator[];
  resources?: Resource[];
  /**
   * The text as written of fields the system read into a structured value, keyed by the field's path in the
   * definition (`deadline`, `phases.0.plannedEnd`, `indicators.2.dueDate`): "31/12/25" read as 2025-12-31 keeps its
   * text here. A date that is not a real date ("31/02/2025") is kept here only, its field left empty, and flagged.
   */
  asWritten?: Record<string, string>;
}

/** Things a person should look at, recorded with the event that introduced them; never corrected silently. */
export interface DefinitionWarning {
  code: string;
  message: string;
}

export function definitionWarnings(definition: ObjectiveDefinition): DefinitionWarning[] {
  const warnings: DefinitionWarning[] = [];
  const involved = [definition.responsibleUnitId, ...(definition.contributingUnitIds ?? [])];
  if (definition.coordinatingUnitId !== undefined && !involved.includes(definition.coordinatingUnitId)) {
    warnings.push({
      code: 'coordinating-unit-not-involved',
      message: `the coordinating unit ${definition.coordinatingUnitId} is neither the responsible unit nor a contributing one`,
    });
  }
  const active = definition.phases.filter((p) => !p.cancelled);
  const weighted = active.filter((p) => typeof p.weight === 'number');
  if (active.length > 0 && weighted.length < active.length) {
    warnings.push({
      code: 'phase-weight-missing',
      message: `${active.length - weighted.length} of ${active.length} phases have no weight`,
    });
  }
  if (weighted.length > 0) {
    const total = weighted.reduce((sum, p) => sum + (p.weight as number), 0);
    if (Math.abs(total - 100) > 1e-9) {
      warnings.push({ code: 'phase-weights-not-100', message: `phase weights total ${formatNumber(total)}, not 100` });
    }
  }
  if (definition.indicators.length === 0) {
    warnings.push({ code: 'no-indicator', message: 'the objective has no indicator' });
  }
  for (const indicator of definition.indicators) {
    // A target for each unit is a target: the indicator has one where at least one unit's is written.
    const targets = [indicator.target, ...(indicator.unitTargets ?? []).map((u) => u.target)];
    if (!targets.some((t) => t !== undefined && t !== null && t.text.trim() !== '')) {
      warnings.push({ code: 'indicator-without-target', message: `indicator ${indicator.id} has no target` });
    }
    if (indicator.type === undefined && typeof indicator.typeAsWritten === 'string' && indicator.typeAsWritten.trim() !== '') {
      warnings.push({
        code: 'indicator-type-not-in-catalogue',
        message: `indicator ${indicator.id}: the type "${indicator.typeAsWritten}" is not in the ente's catalogue of indicator types: kept as written`,
      });
    }
  }
  for (const [path, text] of Object.entries(definition.asWritten ?? {})) {
    if (valueAt(definition, path) === undefined) {
      warnings.push({ code: 'value-kept-as-text', message: `${path} is kept as written ("${text}"): it could not be read as a value` });
    }
  }
  const people = definition.people ?? [];
  const shares = people.filter((p) => typeof p.participationPercent === 'number');
  if (shares.length > 0) {
    const total = shares.reduce((sum, p) => sum + (p.participationPercent as number), 0);
    if (Math.abs(total - 100) > 1e-9) {
      warnings.push({ code: 'participation-not-100', message: `participation totals ${formatNumber(total)}%, not 100%` });
    }
  }
  return warnings;
}

/** The value at a dotted path (`phases.0.plannedEnd`), or undefined. */
function valueAt(definition: ObjectiveDefinition, path: string): unknown {
  let value: unknown = definition;
  for (const step of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
