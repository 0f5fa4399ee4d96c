import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The answers of a past year's history (plan-history.controller.ts), as the OpenAPI document declares them. */

export const HISTORY_STEP_STATUSES = ['applied', 'refused', 'not-run'] as const;

/** Why a step is refused. */
export class HistoryStepProblemView {
  @ApiPropertyOptional({ description: 'The field, as a path into the request, when one is to blame', example: 'steps.3.by' }) field?: string;
  @ApiProperty({ description: 'The rule it broke: a lifecycle or access rule, or a field rule', example: 'not-head-of-unit' }) rule!: string;
  @ApiProperty({
    example: 'bianchi as dirigente on 2024-02-10: Propose: a dirigente may act only on objectives of the units they head today',
  })
  message!: string;
}

/** What became of one step of the history. */
export class HistoryStepLineView {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The step’s place in `steps`, from 0', example: 3 }) index!: number;
  @ApiProperty({ description: 'The step’s action, as sent', example: 'propose' }) action!: string;
  @ApiPropertyOptional({ description: 'The objective’s code, for a step on an objective', example: '2024_S08_04' }) objective?: string;
  @ApiProperty({
    enum: HISTORY_STEP_STATUSES,
    description:
      '`applied`: decided, its events recorded (or, on a dry run or a refused history, they would be); `refused`: see `problem`; ' +
      '`not-run`: after a refused step, not decided (it may depend on the step refused)',
    example: 'applied',
  })
  status!: string;
  @ApiProperty({ type: [String], description: 'The types of the events the step records, in order', example: ['ObjectiveProposed'] }) events!: string[];
  @ApiPropertyOptional({ type: HistoryStepProblemView, description: 'Why it is refused' }) problem?: HistoryStepProblemView;
}

/** The report of a past year's history: of the dry run, of the history appended, or (in a 422 `history-refused`) of the refusal. */
export class HistoryReportView {
  @ApiProperty({ format: 'uuid', example: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b' }) planId!: string;
  @ApiProperty({ description: 'true: nothing was written, the report says what a real run would do', example: false }) dryRun!: boolean;
  @ApiProperty({ description: 'true: every step’s events were appended, in one transaction', example: true }) applied!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Where the history’s last event stands in the log (`after=` of a query reads from there on); null when nothing was written',
    example: '748/12',
  })
  position!: string | null;
  @ApiProperty({ type: [HistoryStepLineView], description: 'One line per step, in the request’s order' }) steps!: HistoryStepLineView[];
}

export const HISTORY_SCHEMA_MODELS = [HistoryStepProblemView, HistoryStepLineView, HistoryReportView];
