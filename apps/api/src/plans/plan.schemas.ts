import { nullableRef } from '../openapi/schema-shapes';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { OBJECTIVE_STATUSES, PLAN_KINDS } from '@piao/lifecycle';
import { GiuntaActDto } from '../commands/command-options.dto';
import { PlanCampaignStateView } from '../read-side/read-side.schemas';
import { DefinitionWarningView } from '../objectives/objective.schemas';

/** The answers of the plan's routes (plans.controller.ts), as the OpenAPI document declares them. */

const PLAN_ID = { format: 'uuid', example: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b' };
const REVISION = { type: 'integer', minimum: 0, description: "The plan stream's revision: 0 is its first event", example: 3 } as const;

/** The plan of the year before, that a plan continues. */
export class PlanContinuesView {
  @ApiProperty({ ...PLAN_ID, description: 'The plan continued into this one' }) planId!: string;
}

export class PlanView {
  @ApiProperty(PLAN_ID) planId!: string;
  @ApiProperty({ enum: PLAN_KINDS, example: 'PIAO' }) kind!: string;
  @ApiProperty({ example: 'PIAO 2025-2027 – sezione 2.2 Performance' }) title!: string;
  @ApiProperty({ type: 'integer', example: 2025 }) fromYear!: number;
  @ApiProperty({ type: 'integer', example: 2027 }) toYear!: number;
  @ApiProperty({ enum: ['open', 'submitted', 'approved', 'closed'], example: 'approved' }) status!: string;
  @ApiProperty(nullableRef(GiuntaActDto, "The Giunta's act that approved the plan (null: not approved yet)"))
  approvalAct!: GiuntaActDto | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(PlanCampaignStateView) },
    description: 'Monitoring campaigns by monitoring date (YYYY-MM-DD)',
    example: { '2025-07-31': { dueOn: '2025-08-31', open: true } },
  })
  campaigns!: Record<string, PlanCampaignStateView>;
  @ApiPropertyOptional({
    type: PlanContinuesView,
    description: 'The plan of the year before that this one continues (`POST /plans/{planId}/continuation`); absent for a plan opened anew',
  })
  continues?: PlanContinuesView;
}

export class PlanCommandResult extends PlanView {
  @ApiProperty(REVISION) revision!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Where the command stands in the log (`<commit>/<sequence>`): `after=` of a query reads from there on; null when it recorded nothing',
    example: '748/12',
  })
  position!: string | null;
  @ApiProperty({ type: [String], description: 'The events the command recorded', example: ['PlanApprovedByGiunta'] }) recorded!: string[];
}

/** Where a copy comes from: the source plan, the source objective, and the revision of its stream the copy was made at. */
export class CopiedFromView {
  @ApiProperty({ ...PLAN_ID, description: 'The plan continued' }) planId!: string;
  @ApiProperty({ format: 'uuid', description: 'The objective copied', example: '0b1c7a52-6a3e-4f8e-9d0a-3c2f5e7d9a14' }) objectiveId!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The revision of the objective copied', example: 14 }) revision!: number;
}

/** One objective copied into the new plan by a continuation. */
export class ContinuedObjectiveView {
  @ApiProperty({ format: 'uuid', example: '5d0f1c3e-2b7a-5e44-8c1d-0e9f8a7b6c5d' }) objectiveId!: string;
  @ApiProperty({ description: 'The code in the new plan', example: '2026_S08_04' }) code!: string;
  @ApiProperty({ description: 'The code of the objective copied, in the plan continued', example: '2025_S08_04' }) sourceCode!: string;
  @ApiProperty({ type: CopiedFromView }) copiedFrom!: CopiedFromView;
  @ApiProperty({
    type: [DefinitionWarningView],
    description:
      'The copy’s warnings: its definition’s, and what the copy could not carry over (`baseline-not-updated`: no value reached last year; `target-date-past`: a target dated before the new year; `date-outside-horizon`: a date outside the copy’s horizon; `date-past`: a date to meet before the new year)',
  })
  warnings!: DefinitionWarningView[];
}

/** The new plan of a continuation, with the copies drafted in it. */
export class PlanContinuationResult extends PlanCommandResult {
  @ApiProperty({ type: [ContinuedObjectiveView], description: 'Each objective copied, in the order asked' }) objectives!: ContinuedObjectiveView[];
}

/** One objective of the plan as the plan lists it. */
export class PlanObjectiveSummaryView {
  @ApiProperty({ format: 'uuid', example: '0b1c7a52-6a3e-4f8e-9d0a-3c2f5e7d9a14' }) objectiveId!: string;
  @ApiProperty({ description: 'The code in the plan', example: '2025_S08_04' }) code!: string;
  @ApiPropertyOptional({ example: 'Sostegno alle famiglie' }) title?: string;
  @ApiPropertyOptional({ description: 'The responsible unit', example: 'welfare' }) responsibleUnitId?: string;
  @ApiProperty({
    enum: [...OBJECTIVE_STATUSES, 'missing'],
    description:
      'As the reader may see it (an evaluation not yet shared shows as `reported` to all but the NdV); `missing`: attached to the plan, but its stream cannot be read (the other fields are absent)',
    example: 'approved',
  })
  status!: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: "The objective's revision, also its `ETag`", example: 4 }) revision?: number;
  @ApiPropertyOptional({ type: [String], description: 'Codes of the warnings on its definition', example: ['phase-weights-not-100'] }) warnings?: string[];
}

/** The ente's plans, as the read models hold them. */
export class PlanListView {
  @ApiProperty({ type: [PlanView], description: 'The plans of the ente, the latest years first (at most 500)' }) items!: PlanView[];
}

export class PlanDetailView extends PlanView {
  @ApiProperty(REVISION) revision!: number;
  @ApiProperty({ type: [PlanObjectiveSummaryView], description: 'Every objective attached to the plan' }) objectives!: PlanObjectiveSummaryView[];
}

/** The classes referenced by `$ref` rather than by type, which the document must still define. */
export const PLAN_SCHEMA_MODELS = [PlanCampaignStateView, GiuntaActDto];
