import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { DEADLINE_KINDS, OBJECTIVE_STATUSES, SCORING_BASES } from '@piao/lifecycle';
import { GiuntaActDto } from '../commands/command-options.dto';
import { ObjectiveDefinitionDto } from '../objectives/objective-definition.dto';
import { ScoreScaleDto } from '../organisation/organisation.dto';
import { ANY_JSON, nullableRef } from '../openapi/schema-shapes';

/**
 * The answers of the plan's and people's read side (plan-queries.controller.ts, people-queries.controller.ts), as
 * the OpenAPI document declares them: every property a route returns is listed here.
 */

const OBJECTIVE_ID = { format: 'uuid', example: '0b1c7a52-6a3e-4f8e-9d0a-3c2f5e7d9a14' };
const PLAN_ID = { format: 'uuid', example: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b' };
const CODE = { description: "The objective's code in the plan", example: 'S08_01' };
const UNIT_ID = { description: 'A unit of the organisation (`GET /organisation`)', example: 'welfare' };
const DATE = { format: 'date', example: '2025-06-30' };
const STATUS = { enum: OBJECTIVE_STATUSES, description: 'As the reader may see it: an evaluation not yet shared shows as `reported` to all but the NdV' };

/** Any JSON value: a changed field's old or new value. */
/**
 * A nullable object of a schema of its own: `oneOf` rather than the `allOf` Nest writes for `type: X, nullable: true`,
 * under which a null would still have to match X.
 */
// ---------------------------------------------------------------- GET /plans/{planId}/objectives

export class PlanObjectiveListItemView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty(CODE) code!: string;
  @ApiProperty({ example: 'Sostegno alle famiglie' }) title!: string;
  @ApiProperty(STATUS) status!: string;
  @ApiProperty(UNIT_ID) responsibleUnitId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The responsible person as the objective names them', example: 'MONTINI RAFFAELLA' })
  responsiblePerson!: string | null;
  @ApiProperty({ type: [String], example: [] }) contributingUnitIds!: string[];
  @ApiProperty({ type: [String], example: ['anticorruption-transparency'] }) tags!: string[];
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'The earliest deadline not met yet (null: none)', example: '2025-06-30' })
  firstUnmetDue!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Achievement of the phases, weighted (null: nothing to measure)', example: 50 })
  phasesPercent!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Achievement of the indicators against their targets (null: none measurable)', example: 25 })
  indicatorsPercent!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Its area of Valore Pubblico, as the definition’s place names it (null: not given)',
    example: 'Inclusione sociale',
  })
  publicValueArea!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Its strategic line, as the definition’s place names it (null: not given)',
    example: 'Una città che cura',
  })
  strategicLine!: string | null;
  @ApiProperty({ type: 'integer', description: "The objective stream's revision, for `expectedRevision`", example: 4 }) revision!: number;
}

export class PlanObjectivePageView {
  @ApiProperty({ type: [PlanObjectiveListItemView], description: 'By code, then id' }) items!: PlanObjectiveListItemView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last one',
    example: 'WyJTMDhfMDIiLCIwYjFjN2E1MiJd',
  })
  next!: string | null;
}

// ---------------------------------------------------------------- GET /plans/{planId}/dashboard

/** How many objectives are in each status; a status with none is absent. */
export class ObjectiveStatusCountsView {
  @ApiPropertyOptional({ type: 'integer', example: 1 }) draft?: number;
  @ApiPropertyOptional({ type: 'integer' }) proposed?: number;
  @ApiPropertyOptional({ type: 'integer' }) returned?: number;
  @ApiPropertyOptional({ type: 'integer', example: 2 }) approved?: number;
  @ApiPropertyOptional({ type: 'integer' }) reported?: number;
  @ApiPropertyOptional({ type: 'integer' }) evaluated?: number;
  @ApiPropertyOptional({ type: 'integer' }) closed?: number;
  @ApiPropertyOptional({ type: 'integer' }) cancelled?: number;
}

export class DashboardUnitView {
  @ApiProperty(UNIT_ID) unitId!: string;
  @ApiProperty({ type: String, nullable: true, description: "The unit's name (null: not in the organisation)", example: 'Settore Welfare' }) name!:
    string | null;
  @ApiProperty({ type: 'integer', description: 'Objectives the unit is responsible for', example: 3 }) objectives!: number;
  @ApiProperty({ type: ObjectiveStatusCountsView }) byStatus!: ObjectiveStatusCountsView;
  @ApiProperty({ type: Number, nullable: true, description: "Mean of its objectives' weighted phase progress (null: none measurable)", example: 50 })
  weightedProgressPercent!: number | null;
}

export class DashboardCampaignView {
  @ApiProperty({ ...DATE, description: 'The monitoring date' }) asOf!: string;
  @ApiProperty({ ...DATE, description: 'When the reports are due', example: '2025-07-31' }) dueOn!: string;
  @ApiProperty({ description: 'Still open to reports', example: true }) open!: boolean;
}

export class DashboardGapView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty(CODE) code!: string;
  @ApiProperty(UNIT_ID) unitId!: string;
  @ApiProperty({ description: 'The phase or indicator id', example: 'f1' }) id!: string;
  @ApiProperty({ description: 'Phase: % planned at the date; indicator: 100 (% of the target)', example: 100 }) planned!: number;
  @ApiProperty({ description: 'Phase: % done by the date; indicator: % of the target achieved', example: 40 }) actual!: number;
  @ApiProperty({ description: 'Percentage points behind', example: 60 }) behindBy!: number;
}

export class DashboardMonitoringDateView {
  @ApiProperty({ ...DATE, description: 'A monitoring date: a campaign of the plan, or a date a phase plans a % for' }) asOf!: string;
  @ApiProperty({ type: [DashboardGapView] }) phasesBehind!: DashboardGapView[];
  @ApiProperty({ type: [DashboardGapView], description: 'Indicators due by then that fall short of their target' }) indicatorsBehind!: DashboardGapView[];
}

export class PlanDashboardView {
  @ApiProperty(PLAN_ID) planId!: string;
  @ApiProperty({ example: 'PEG 2025' }) title!: string;
  @ApiProperty({ type: 'integer', example: 3 }) objectives!: number;
  @ApiProperty({ type: ObjectiveStatusCountsView }) byStatus!: ObjectiveStatusCountsView;
  @ApiProperty({ type: [DashboardUnitView], description: 'By unit id' }) units!: DashboardUnitView[];
  @ApiProperty({ type: [DashboardCampaignView] }) campaigns!: DashboardCampaignView[];
  @ApiProperty({ type: [DashboardMonitoringDateView], description: 'By date: what is behind plan at each' }) monitoring!: DashboardMonitoringDateView[];
}

// ---------------------------------------------------------------- GET /plans/{planId}/scores

/** The ente's SMVP in force (the default, linear on the mean, until one is adopted). */
export class ScoringSystemView {
  @ApiProperty({ enum: SCORING_BASES, description: 'What an objective is scored on: weighted phases, indicators, or the mean of the two', example: 'mean' })
  basis!: (typeof SCORING_BASES)[number];
  @ApiProperty({ type: ScoreScaleDto }) scale!: ScoreScaleDto;
}

export class ObjectiveScoreView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty(CODE) code!: string;
  @ApiProperty({ ...UNIT_ID, description: 'The responsible unit' }) unitId!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Achievement on the SMVP basis (null: nothing measurable)', example: 50 }) percent!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The score on the SMVP scale (null: no achievement)', example: 50 }) score!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['evaluated', 'shared', 'contested', 'confirmed'],
    description: 'Where the NdV’s evaluation stands (null: none yet; one not yet shared is shown to the `nucleo` only)',
    example: 'shared',
  })
  evaluationStatus!: 'evaluated' | 'shared' | 'contested' | 'confirmed' | null;
}

export class UnitScoreView {
  @ApiProperty(UNIT_ID) unitId!: string;
  @ApiProperty({ type: Number, nullable: true, description: "Mean of its objectives' achievement", example: 50 }) percent!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 50 }) score!: number | null;
}

export class PersonScoreView {
  @ApiProperty({ description: "The person's id, or their name where the objective gives no id", example: 'comune-a:dir' }) person!: string;
  @ApiProperty({ example: 'Dirigente Welfare' }) name!: string;
  @ApiProperty({ type: 'integer', description: 'Objectives that give the person a participation share', example: 2 }) objectives!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Achievement weighted by % participation', example: 50 }) percent!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 50 }) score!: number | null;
}

export class PlanScoresView {
  @ApiProperty(PLAN_ID) planId!: string;
  @ApiProperty({ type: ScoringSystemView }) scoringSystem!: ScoringSystemView;
  @ApiProperty({ type: [ObjectiveScoreView], description: 'Every objective past the draft (not returned or cancelled), by code' })
  objectives!: ObjectiveScoreView[];
  @ApiProperty({ type: [UnitScoreView] }) units!: UnitScoreView[];
  @ApiProperty({ type: [PersonScoreView], description: 'People named with a % participation' }) people!: PersonScoreView[];
}

// ---------------------------------------------------------------- GET /plans/{planId}/as-of

/** The point asked for: one of the two. */
export class AsOfPointView {
  @ApiPropertyOptional({ ...DATE, description: 'The end of this business date' }) date?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Right after this revision of the stream' }) revision?: number;
}

export class PlanAsOfFieldChangeView {
  @ApiProperty({ description: 'The field, as a path into the definition', example: 'phases[f1].plannedEnd' }) path!: string;
  @ApiProperty({ ...ANY_JSON, description: 'The value before (null: absent)', example: '2025-06-30' }) from!: unknown;
  @ApiProperty({ ...ANY_JSON, description: 'The value after (null: removed)', example: '2025-09-30' }) to!: unknown;
}

export class PlanAsOfReprogrammingView {
  @ApiProperty({ type: GiuntaActDto, description: "The Giunta's act that made it effective" }) act!: GiuntaActDto;
  @ApiProperty({ type: [PlanAsOfFieldChangeView] }) changes!: PlanAsOfFieldChangeView[];
}

export class PlanAsOfObjectiveView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty(CODE) code!: string;
  @ApiProperty({ description: 'false: attached to the plan then, but its own stream had not started yet (the other fields are absent)', example: true })
  existed!: boolean;
  @ApiPropertyOptional({ type: 'integer', description: "The objective stream's revision at that point", example: 4 }) revision?: number;
  @ApiPropertyOptional(STATUS) status?: string;
  @ApiPropertyOptional({ example: 'Sostegno alle famiglie' }) title?: string;
  @ApiPropertyOptional(UNIT_ID) responsibleUnitId?: string;
  @ApiPropertyOptional({ type: ObjectiveDefinitionDto, description: 'The definition in force then' }) definition?: ObjectiveDefinitionDto;
  @ApiPropertyOptional({ ...nullableRef(GiuntaActDto), description: 'The act that approved it (null: not approved then)' })
  approvalAct?: GiuntaActDto | null;
  @ApiPropertyOptional({ type: [PlanAsOfReprogrammingView], description: 'Reprogrammings in force then' }) reprogrammings?: PlanAsOfReprogrammingView[];
}

export class PlanCampaignStateView {
  @ApiProperty({ ...DATE, description: 'When the reports are due', example: '2025-07-31' }) dueOn!: string;
  @ApiProperty({ example: true }) open!: boolean;
}

export class PlanAsOfView {
  @ApiProperty(PLAN_ID) planId!: string;
  @ApiProperty({ type: AsOfPointView }) asOf!: AsOfPointView;
  @ApiProperty({ description: 'false: the plan was not opened yet then (the other fields are absent)', example: true }) existed!: boolean;
  @ApiPropertyOptional({ type: 'integer', description: "The plan stream's revision at that point", example: 3 }) revision?: number;
  @ApiPropertyOptional({ enum: ['open', 'submitted', 'approved', 'closed'], example: 'approved' }) status?: string;
  @ApiPropertyOptional({ example: 'PEG 2025' }) title?: string;
  @ApiPropertyOptional({ ...nullableRef(GiuntaActDto), description: "The Giunta's act that approved the plan (null: not approved then)" })
  approvalAct?: GiuntaActDto | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(PlanCampaignStateView) },
    description: 'Monitoring campaigns by monitoring date (YYYY-MM-DD)',
    example: { '2025-06-30': { dueOn: '2025-07-31', open: true } },
  })
  campaigns?: Record<string, PlanCampaignStateView>;
  @ApiPropertyOptional({ type: [PlanAsOfObjectiveView], description: "The plan's objectives then, each as it stood" }) objectives?: PlanAsOfObjectiveView[];
}

// ---------------------------------------------------------------- GET /people/{personId}/objectives and /deadlines

export class PersonObjectiveView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty(PLAN_ID) planId!: string;
  @ApiProperty(CODE) code!: string;
  @ApiProperty({ example: 'Sostegno alle famiglie' }) title!: string;
  @ApiProperty(STATUS) status!: string;
  @ApiProperty({ type: 'integer', description: "The objective stream's revision, for `expectedRevision`", example: 4 }) revision!: number;
  @ApiProperty({
    enum: ['responsible', 'contributing', 'participant', 'other'],
    description: 'Of a unit the person heads (responsible or contributing), naming them among the people, or neither',
    example: 'responsible',
  })
  role!: string;
}

export class PersonObjectivesView {
  @ApiProperty({ description: 'The person (`me` resolved to the token’s subject)', example: 'comune-a:dir' }) personId!: string;
  @ApiProperty({ ...DATE, description: 'The day looked from', example: '2025-06-15' }) on!: string;
  @ApiProperty({ type: [String], description: 'Units the person headed on that day', example: ['welfare'] }) unitsHeaded!: string[];
  @ApiProperty({ type: [PersonObjectiveView], description: 'By plan, then code' }) objectives!: PersonObjectiveView[];
}

export class PersonDeadlineView {
  @ApiProperty(OBJECTIVE_ID) objectiveId!: string;
  @ApiProperty(CODE) code!: string;
  @ApiProperty({ example: 'Sostegno alle famiglie' }) title!: string;
  @ApiProperty({ ...UNIT_ID, description: 'The responsible unit' }) unitId!: string;
  @ApiProperty({ enum: DEADLINE_KINDS, example: 'phase-end' }) kind!: string;
  @ApiProperty({ description: 'The phase or indicator id, the monitoring date, or the year of the year-end report', example: 'f1' }) ref!: string;
  @ApiProperty({ example: 'Analisi dei bisogni' }) description!: string;
  @ApiProperty(DATE) dueOn!: string;
  @ApiProperty({ description: 'Always false here: met deadlines are left out', example: false }) met!: boolean;
}

export class PersonOverdueDeadlineView extends PersonDeadlineView {
  @ApiProperty({ type: 'integer', minimum: 1, example: 15 }) daysOverdue!: number;
}

export class PersonUpcomingDeadlineView extends PersonDeadlineView {
  @ApiProperty({ type: 'integer', minimum: 0, example: 30 }) daysLeft!: number;
}

export class PersonDeadlinesView {
  @ApiProperty({ description: 'The person (`me` resolved to the token’s subject)', example: 'comune-a:dir' }) personId!: string;
  @ApiProperty({ ...DATE, description: 'The day looked from', example: '2025-07-15' }) on!: string;
  @ApiProperty({ type: [String], description: 'Units the person headed on that day', example: ['cultura', 'welfare'] }) unitsHeaded!: string[];
  @ApiProperty({ type: [PersonOverdueDeadlineView], description: 'Due before the day and not met, by due date' }) overdue!: PersonOverdueDeadlineView[];
  @ApiProperty({ type: [PersonUpcomingDeadlineView], description: 'Due from the day to the horizon, by due date' }) upcoming!: PersonUpcomingDeadlineView[];
}

/** Models the views name by reference only (`additionalProperties`, `oneOf`): the controllers register them. */
export const READ_SIDE_EXTRA_MODELS = [PlanCampaignStateView, GiuntaActDto];
