import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ACTING_CAPACITIES, OBJECTIVE_EVENT_TYPES, OBJECTIVE_STATUSES, ROLES, TARGET_FLAG_CODES } from '@piao/lifecycle';
import { GiuntaActDto } from '../commands/command-options.dto';
import { AsOfPointView, ScoringSystemView } from '../read-side/read-side.schemas';
import { TargetDto, ObjectiveDefinitionDto } from './objective-definition.dto';
import { ANY_JSON, nullableRef } from '../openapi/schema-shapes';

/**
 * The answers of the objective's routes (objectives.controller.ts, and its reads in
 * read-side/objective-queries.controller.ts), as the OpenAPI document declares them. The definition is the request's
 * `ObjectiveDefinitionDto`: the server answers it as it stores it, with every phase's and indicator's id filled in.
 */

const OBJECTIVE_ID = { format: 'uuid', example: '0b1c7a52-6a3e-4f8e-9d0a-3c2f5e7d9a14' };
const PLAN_ID = { format: 'uuid', example: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b' };
const DATE = { format: 'date', example: '2025-07-31' };
const REVISION = { type: 'integer', minimum: 0, description: "The objective stream's revision: 0 is its first event", example: 4 } as const;
const POSITION = { description: 'Where the event stands in the log (`<commit>/<sequence>`): `after=` of a query reads from there on', example: '748/12' };
const OCCURRED_AT = {
  description: 'When it happened: the business date given (`occurredOn`, or the act’s date), or the instant it was recorded',
  example: '2025-07-31',
};
const RECORDED_AT = { format: 'date-time', description: 'When the system recorded it', example: '2025-08-01T09:12:44.512Z' };
const EVENT_TYPE = { enum: OBJECTIVE_EVENT_TYPES, example: 'PhaseProgressRecorded' };
const EVENT_DATA = {
  type: 'object',
  additionalProperties: true,
  description: 'The event’s data, as recorded; `{ "withheld": … }` for an evaluation not yet shared with the reader',
  example: { phaseId: 'f1', progressPercent: 60 },
} as const;

// ---------------------------------------------------------------- pieces

export class DefinitionWarningView {
  @ApiProperty({ description: 'What to look at', example: 'phase-weights-not-100' }) code!: string;
  @ApiProperty({ example: 'phase weights total 90, not 100' }) message!: string;
}

export class PhaseProgressView {
  @ApiProperty({ minimum: 0, maximum: 100, example: 60 }) progressPercent!: number;
  @ApiPropertyOptional({ ...DATE, example: '2025-01-15' }) actualStart?: string;
  @ApiPropertyOptional({ ...DATE, example: '2025-06-30' }) actualEnd?: string;
}

export class IndicatorValueView {
  @ApiProperty({ description: 'The value reached, as measured', example: '3' }) value!: string;
  @ApiProperty({ ...DATE, description: 'The date it was measured at' }) asOf!: string;
}

export class ReportSubmissionView {
  @ApiProperty({ enum: ['submitted', 'validated', 'returned'], example: 'submitted' }) status!: string;
  @ApiProperty({ description: 'Who submitted it (their `sub`)', example: 'comune-a:dir' }) submittedBy!: string;
}

/** One field that differs between two versions of a definition: what the NdV reads as "old → new". */
export class FieldChangeView {
  @ApiProperty({ description: 'The field, as a path into the definition; items are named by their id', example: 'phases[f1].plannedEnd' }) path!: string;
  @ApiProperty({ ...ANY_JSON, description: 'The value before (null: absent)', example: '2025-06-30' }) from!: unknown;
  @ApiProperty({ ...ANY_JSON, description: 'The value after (null: removed)', example: '2025-09-30' }) to!: unknown;
}

export class PendingReprogrammingView {
  @ApiProperty({ type: ObjectiveDefinitionDto, description: 'The definition proposed' }) definition!: ObjectiveDefinitionDto;
  @ApiProperty({ type: [FieldChangeView], description: 'What it changes, field by field' }) changes!: FieldChangeView[];
  @ApiProperty({ example: 'Il bando regionale è slittato al 2026' }) motivation!: string;
  @ApiProperty({ description: 'Who proposed it (their `sub`)', example: 'comune-a:dir' }) proposedBy!: string;
}

export class ReprogrammingView {
  @ApiProperty({ type: GiuntaActDto, description: "The Giunta's act that made it effective" }) act!: GiuntaActDto;
  @ApiProperty({ type: [FieldChangeView] }) changes!: FieldChangeView[];
}

export class EvaluationStateView {
  @ApiProperty({ enum: ['evaluated', 'shared', 'contested', 'confirmed'], example: 'shared' }) status!: string;
  @ApiProperty({ minimum: 0, maximum: 100, example: 90 }) achievementPercent!: number;
  @ApiProperty({ description: 'The member of the NdV who evaluated (their `sub`)', example: 'comune-a:ndv' }) evaluatedBy!: string;
}

/** Who recorded an event, in which role. */
export class EventActorView {
  @ApiProperty({ description: 'Their `sub`', example: 'comune-a:dir' }) id!: string;
  @ApiProperty({ example: 'Dirigente Welfare' }) name!: string;
  @ApiProperty({ enum: ROLES, description: 'The role they acted in', example: 'dirigente' }) role!: string;
  @ApiPropertyOptional({
    enum: ACTING_CAPACITIES,
    description: 'Present when they stood in: `ad-interim` (a head appointed ad interim), `vacant-unit` (the Segretario acting for a unit without a head)',
  })
  capacity?: string;
}

/** Who imported an event of a past year's history. */
export class EventImporterView {
  @ApiProperty({ description: 'Their `sub`: the administrator or Segretario who imported the history', example: 'comune-a:admin' }) id!: string;
  @ApiProperty({ example: 'Ufficio Organizzazione' }) name!: string;
}

/**
 * The mark of an event imported with a past year's history (`POST /plans/{planId}/history`): its actor, role and
 * business date are the history's, and this says who entered it in the system and when.
 */
export class EventImportView {
  @ApiProperty({ type: EventImporterView, description: 'Who imported it' }) by!: EventImporterView;
  @ApiProperty({ format: 'date-time', description: 'When it was imported: its `recordedAt`', example: '2026-02-03T10:15:00.000Z' }) at!: string;
}

const IMPORTED = {
  type: EventImportView,
  description: "Present on an event imported with a past year's history (`POST /plans/{planId}/history`): who imported it, and when",
};

// ---------------------------------------------------------------- GET /objectives/{objectiveId} and the commands

export class ObjectiveView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty(PLAN_ID) planId!: string;
  @ApiProperty({ description: 'The code in the plan', example: '2025_S08_04' }) code!: string;
  @ApiProperty({ ...REVISION, description: "The objective's revision, also its `ETag`: pin it with `If-Match` or `expectedRevision`" })
  revision!: number;
  @ApiProperty({
    enum: OBJECTIVE_STATUSES,
    description: 'As the reader may see it: an evaluation not yet shared shows as `reported` to all but the NdV',
    example: 'approved',
  })
  status!: string;
  @ApiProperty({ type: ObjectiveDefinitionDto, description: 'The definition in force' }) definition!: ObjectiveDefinitionDto;
  @ApiProperty({ type: [DefinitionWarningView], description: 'What a person should look at in the definition; never corrected silently' })
  warnings!: DefinitionWarningView[];
  @ApiProperty(nullableRef(GiuntaActDto, "The Giunta's act that approved it (null: not approved yet)"))
  approvalAct!: GiuntaActDto | null;
  @ApiProperty(nullableRef(ObjectiveDefinitionDto, 'The definition as the Giunta first approved it (null: not approved yet)'))
  approvedDefinition!: ObjectiveDefinitionDto | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(PhaseProgressView) },
    description: 'Progress by phase id',
    example: { f1: { progressPercent: 60, actualStart: '2025-01-15' } },
  })
  progress!: Record<string, PhaseProgressView>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { $ref: getSchemaPath(IndicatorValueView) } },
    description: 'Values recorded by indicator id, in the order recorded',
    example: { i1: [{ value: '3', asOf: '2025-07-31' }] },
  })
  indicatorValues!: Record<string, IndicatorValueView[]>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'array', items: { $ref: getSchemaPath(IndicatorValueView) } } },
    description:
      "Values of each unit's share of an indicator with a target for each unit (`unitTargets`), by indicator id then unit id, in the order recorded; never among `indicatorValues`",
    example: { i1: { welfare: [{ value: '8', asOf: '2025-07-31' }], cultura: [{ value: '3', asOf: '2025-07-31' }] } },
  })
  unitIndicatorValues!: Record<string, Record<string, IndicatorValueView[]>>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ReportSubmissionView) },
    description: 'Monitoring reports by monitoring date (YYYY-MM-DD)',
    example: { '2025-07-31': { status: 'validated', submittedBy: 'comune-a:dir' } },
  })
  monitoringReports!: Record<string, ReportSubmissionView>;
  @ApiProperty(nullableRef(PendingReprogrammingView, 'A reprogramming awaiting the Giunta (null: none)'))
  pendingReprogramming!: PendingReprogrammingView | null;
  @ApiProperty({ type: [ReprogrammingView], description: 'Reprogrammings the Giunta approved, in order' }) reprogrammings!: ReprogrammingView[];
  @ApiProperty(nullableRef(ReportSubmissionView, 'The year-end report (null: not submitted)'))
  yearEndReport!: ReportSubmissionView | null;
  @ApiProperty(nullableRef(EvaluationStateView, "The NdV's evaluation (null: none, or not shared with the reader yet)"))
  evaluation!: EvaluationStateView | null;
}

export class ObjectiveCommandResult extends ObjectiveView {
  @ApiProperty({ ...POSITION, type: String, nullable: true, description: `${POSITION.description}; null when the command recorded nothing` })
  position!: string | null;
  @ApiProperty({ type: [String], description: 'The events the command recorded', example: ['PhaseProgressRecorded'] }) recorded!: string[];
}

// ---------------------------------------------------------------- GET /objectives/{objectiveId}/history

export class ObjectiveHistoryEventView {
  @ApiProperty(REVISION) revision!: number;
  @ApiProperty({ format: 'uuid', example: '6f1d2c3b-8a9e-4b7c-9d0e-1f2a3b4c5d6e' }) eventId!: string;
  @ApiProperty(EVENT_TYPE) type!: string;
  @ApiProperty(EVENT_DATA) data!: object;
  @ApiProperty({ type: EventActorView }) actor!: EventActorView;
  @ApiProperty(OCCURRED_AT) occurredAt!: string;
  @ApiProperty(RECORDED_AT) recordedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why (null: no reason given, or withheld)', example: 'Fonte dei dati indicata' })
  reason!: string | null;
  @ApiProperty(nullableRef(GiuntaActDto, 'The act it rests on (null: none)')) act!: GiuntaActDto | null;
  @ApiProperty({ description: 'The business process it belongs to (`X-Correlation-Id`, or the request id)', example: 'pratica-2025-118' })
  correlationId!: string;
  @ApiProperty({ description: 'What caused it: the request id, or the event it follows from', example: '3c1a0b9e-2d4f-4e6a-8b7c-5d9e0f1a2b3c' })
  causationId!: string;
  @ApiProperty(POSITION) position!: string;
  @ApiPropertyOptional(IMPORTED) imported?: EventImportView;
}

export class ObjectiveHistoryView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty(REVISION) revision!: number;
  @ApiProperty({ type: [ObjectiveHistoryEventView], description: 'Every event, in order' }) events!: ObjectiveHistoryEventView[];
}

// ---------------------------------------------------------------- GET /objectives/{objectiveId}/timeline

export class ObjectiveTimelineEventView {
  @ApiProperty(REVISION) revision!: number;
  @ApiProperty({ format: 'uuid', example: '6f1d2c3b-8a9e-4b7c-9d0e-1f2a3b4c5d6e' }) eventId!: string;
  @ApiProperty(EVENT_TYPE) type!: string;
  @ApiProperty({ type: EventActorView }) actor!: EventActorView;
  @ApiProperty(OCCURRED_AT) occurredAt!: string;
  @ApiProperty(RECORDED_AT) recordedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why (null: no reason given, or withheld)', example: 'Il bando regionale è slittato al 2026' })
  reason!: string | null;
  @ApiProperty(nullableRef(GiuntaActDto, 'The act it rests on (null: none)')) act!: GiuntaActDto | null;
  @ApiProperty({ type: [FieldChangeView], description: 'What it changed: old → new' }) changes!: FieldChangeView[];
  @ApiProperty(EVENT_DATA) data!: Record<string, unknown>;
  @ApiProperty(POSITION) position!: string;
  @ApiPropertyOptional(IMPORTED) imported?: EventImportView;
}

export class ObjectiveTimelineView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty({ ...REVISION, description: 'The revision the read model has reached' }) revision!: number;
  @ApiProperty({ type: [ObjectiveTimelineEventView], description: 'From `fromRevision`, at most `limit` events' }) events!: ObjectiveTimelineEventView[];
}

// ---------------------------------------------------------------- GET /objectives/{objectiveId}/versions

export class ObjectiveVersionChangeView {
  @ApiProperty({ enum: ['reprogramming', 'reassignment'], example: 'reprogramming' }) kind!: string;
  @ApiProperty(nullableRef(GiuntaActDto, 'The act that made it (null: none, as for a reassignment)')) act!: GiuntaActDto | null;
  @ApiProperty({ ...OCCURRED_AT, description: 'When it took effect (the business date of its event)' }) approvedOn!: string;
  @ApiProperty(RECORDED_AT) recordedAt!: string;
  @ApiProperty({ type: EventActorView, description: 'Who recorded it' }) recordedBy!: EventActorView;
  @ApiProperty({ type: String, nullable: true, description: 'Why (null: none given)', example: 'Il bando regionale è slittato al 2026' })
  motivation!: string | null;
  @ApiPropertyOptional(nullableRef(EventActorView, 'Reprogramming: who proposed it (null: the proposal is not in the timeline)'))
  proposedBy?: EventActorView | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Reprogramming: when it was proposed', example: '2025-07-20' })
  proposedOn?: string | null;
  @ApiProperty({ type: [FieldChangeView] }) changes!: FieldChangeView[];
}

export class ObjectiveVersionsView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty(REVISION) revision!: number;
  @ApiProperty(nullableRef(GiuntaActDto, 'The act that first approved it (null: not approved yet)'))
  approvalAct!: GiuntaActDto | null;
  @ApiProperty(nullableRef(ObjectiveDefinitionDto, 'As the Giunta first approved it (null: not approved yet)'))
  asFirstApproved!: ObjectiveDefinitionDto | null;
  @ApiProperty({ type: ObjectiveDefinitionDto, description: 'As it stands' }) current!: ObjectiveDefinitionDto;
  @ApiProperty({ type: [FieldChangeView], description: 'First approved → current, field by field' }) differences!: FieldChangeView[];
  @ApiProperty({ type: [ObjectiveVersionChangeView], description: 'Each change since the approval, with its act and motivation' })
  changes!: ObjectiveVersionChangeView[];
  @ApiProperty(nullableRef(PendingReprogrammingView, 'A reprogramming awaiting the Giunta (null: none)'))
  pendingReprogramming!: PendingReprogrammingView | null;
}

// ---------------------------------------------------------------- GET /objectives/{objectiveId}/evaluation

export class ScoreFlagView {
  @ApiProperty({ example: 'phase-weights-not-100' }) code!: string;
  @ApiProperty({ example: 'phase weights total 90: each weight is scaled by 100/90' }) message!: string;
}

export class PhaseAchievementView {
  @ApiProperty({ example: 'f1' }) phaseId!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Its weight (null or absent: the plan gave none)', example: 50 }) weight?: number | null;
  @ApiProperty({ description: '% planned at the date scored (100 at the year end)', example: 100 }) plannedPercent!: number;
  @ApiProperty({ example: 80 }) progressPercent!: number;
  @ApiProperty({ description: 'Percentage points behind plan (0: on or ahead of plan)', example: 20 }) behindBy!: number;
  @ApiProperty({ minimum: 0, maximum: 100, example: 80 }) percent!: number;
}

/** The target understood: its sense and value, from its own fields or read from its text. */
/** "da 45 giorni a 30 giorni": where the target starts from. */
export class TargetStartView {
  @ApiProperty({ example: 45 }) value!: number;
  @ApiPropertyOptional({ example: 'giorni' }) unit?: string;
}

export class TargetReadView {
  @ApiProperty({ enum: ['read'], example: 'read' }) status!: 'read';
  @ApiProperty({ type: TargetDto }) target!: TargetDto;
  @ApiProperty({
    enum: ['text', 'description', 'convention'],
    description:
      "Where the direction came from: the target's words, the indicator's description, or the convention that a bare value is to be reached (docs/target-reading.md)",
  })
  senseFrom!: string;
  @ApiPropertyOptional({ type: TargetStartView, description: '"da X a Y": the starting value X' }) start?: TargetStartView;
  @ApiPropertyOptional({ enum: ['increase', 'decrease'], description: 'A change to achieve ("riduzione del 10%"), scored against the baseline' })
  change?: string;
}

/** A target the reader could not understand: a person scores it. */
export class TargetUnreadView {
  @ApiProperty({ enum: ['unread'], example: 'unread' }) status!: 'unread';
  @ApiProperty({ example: 'miglioramento del servizio' }) text!: string;
  @ApiProperty({ enum: TARGET_FLAG_CODES, description: 'Why it could not be read, as a stable code (docs/target-reading.md)', example: 'no-value' })
  code!: string;
  @ApiProperty({ example: 'no value found' }) reason!: string;
}

/** One unit's share of an indicator with a target for each unit: its own target, against its own latest value. */
export class UnitShareAchievementView {
  @ApiProperty({ description: 'The unit (an id from /organisation)', example: 'cultura' }) unitId!: string;
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(TargetReadView) }, { $ref: getSchemaPath(TargetUnreadView) }], description: "The unit's own target, as read" })
  reading!: TargetReadView | TargetUnreadView;
  @ApiPropertyOptional({ type: IndicatorValueView, description: "The latest value of the unit's share recorded on or before the date scored" })
  actual?: IndicatorValueView;
  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'Absent when it cannot be computed: `flag` says why', example: 75 }) percent?: number;
  @ApiPropertyOptional({ type: ScoreFlagView }) flag?: ScoreFlagView;
}

export class IndicatorAchievementView {
  @ApiProperty({ example: 'i1' }) indicatorId!: string;
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(TargetReadView) }, { $ref: getSchemaPath(TargetUnreadView) }] }) reading!: TargetReadView | TargetUnreadView;
  @ApiPropertyOptional({ type: IndicatorValueView, description: 'The latest overall value recorded on or before the date scored (never a unit’s)' })
  actual?: IndicatorValueView;
  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'Absent when it cannot be computed: `flag` says why', example: 100 }) percent?: number;
  @ApiPropertyOptional({ type: ScoreFlagView }) flag?: ScoreFlagView;
  @ApiPropertyOptional({
    type: [UnitShareAchievementView],
    description: 'Of an indicator with a target for each unit (`unitTargets`): each unit’s share against its own target, in their order',
  })
  units?: UnitShareAchievementView[];
  @ApiPropertyOptional({
    enum: ['units'],
    description:
      '`units`: the indicator has no target of its own and is scored from its units’ targets: `percent` is the mean of the units’ percents, present only when every unit could be scored (otherwise `flag` `unit-not-scored` names those that could not)',
  })
  scoredFrom?: 'units';
}

export class ObjectiveAchievementView {
  @ApiPropertyOptional({ description: 'Achievement on the SMVP basis; absent when nothing could be scored', example: 85 }) percent?: number;
  @ApiPropertyOptional({ description: 'The score on the SMVP scale', example: 75 }) score?: number;
  @ApiPropertyOptional({ example: 80 }) phasesPercent?: number;
  @ApiPropertyOptional({ example: 90 }) indicatorsPercent?: number;
  @ApiProperty({ type: [PhaseAchievementView] }) phases!: PhaseAchievementView[];
  @ApiProperty({ type: [IndicatorAchievementView] }) indicators!: IndicatorAchievementView[];
  @ApiProperty({ type: [ScoreFlagView], description: 'What the score rests on that a person should know' }) flags!: ScoreFlagView[];
}

export class EvaluationDecisionView {
  @ApiProperty({ enum: ['evaluated', 'shared', 'contested', 'confirmed'], example: 'shared' }) status!: string;
  @ApiProperty({ minimum: 0, maximum: 100, example: 90 }) achievementPercent!: number;
  @ApiProperty({ description: 'On the SMVP scale', example: 75 }) score!: number;
  @ApiProperty({ example: 'Obiettivo raggiunto con lieve ritardo' }) motivation!: string;
  @ApiProperty({ type: EventActorView }) decidedBy!: EventActorView;
  @ApiProperty({ ...OCCURRED_AT, example: '2026-03-15' }) decidedOn!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Decision − proposal, in percentage points (null: no proposal)', example: 5 })
  differsFromProposalBy!: number | null;
}

export class EvaluationHistoryEntryView {
  @ApiProperty({ enum: ['ObjectiveEvaluated', 'EvaluationShared', 'EvaluationContested', 'EvaluationConfirmed'], example: 'ObjectiveEvaluated' })
  type!: string;
  @ApiProperty({ type: EventActorView }) actor!: EventActorView;
  @ApiProperty(OCCURRED_AT) occurredAt!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Obiettivo raggiunto con lieve ritardo' }) reason!: string | null;
  @ApiProperty({ ...EVENT_DATA, example: { achievementPercent: 90, motivation: 'Obiettivo raggiunto con lieve ritardo' } }) data!: Record<string, unknown>;
}

export class ObjectiveEvaluationView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty({ type: ScoringSystemView, description: "The ente's SMVP in force (the default, linear on the mean, until one is adopted)" })
  scoringSystem!: ScoringSystemView;
  @ApiProperty({ type: ObjectiveAchievementView, description: 'What the SMVP computes from the progress and values recorded' })
  proposal!: ObjectiveAchievementView;
  @ApiProperty(nullableRef(EvaluationDecisionView, "The NdV's decision (null: none, or not shared with the reader yet)"))
  decision!: EvaluationDecisionView | null;
  @ApiProperty({ type: [EvaluationHistoryEntryView], description: 'Evaluation events, in order (empty for a reader the evaluation is not shared with yet)' })
  history!: EvaluationHistoryEntryView[];
}

// ---------------------------------------------------------------- GET /objectives/{objectiveId}/as-of

export class ObjectiveAsOfView extends ObjectiveView {
  @ApiProperty({ type: AsOfPointView, description: 'The point asked for' }) asOf!: AsOfPointView;
  @ApiProperty({ type: 'boolean', enum: [true], description: 'The objective existed then: the rest is as it stood' }) existed!: true;
}

export class ObjectiveNotYetView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty({ type: AsOfPointView, description: 'The point asked for' }) asOf!: AsOfPointView;
  @ApiProperty({ type: 'boolean', enum: [false], description: 'Before its first event the objective did not exist yet' }) existed!: false;
}

/** The classes referenced by `$ref` rather than by type, which the document must still define. */
export const OBJECTIVE_SCHEMA_MODELS = [
  PhaseProgressView,
  IndicatorValueView,
  ReportSubmissionView,
  TargetReadView,
  TargetUnreadView,
  GiuntaActDto,
  ObjectiveDefinitionDto,
  PendingReprogrammingView,
  EvaluationStateView,
  EvaluationDecisionView,
  EventActorView,
];
