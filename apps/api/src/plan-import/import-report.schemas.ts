import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { TargetReadView, TargetUnreadView } from '../objectives/objective.schemas';
import { ProblemSchema } from '../openapi/problem.schema';

/** The answers of the plan import (plan-import.controller.ts), as the OpenAPI document declares them. */

export const IMPORT_FORMATS = ['xlsx', 'csv', 'json'] as const;

/** Something found while reading the file, before any objective is decided: a row, a column, a date read. */
export class ImportIssueView {
  @ApiPropertyOptional({ type: 'integer', description: 'The row as the spreadsheet numbers it (the header is row 1); absent for the whole file', example: 7 })
  row?: number;
  @ApiPropertyOptional({ description: 'The column, by its header in the template', example: 'Fase - fine' }) column?: string;
  @ApiProperty({ description: 'A stable code (docs/plan-import.md)', example: 'two-digit-year' }) code!: string;
  @ApiProperty({ enum: ['error', 'warning', 'info'], description: 'error: the row (or the file) cannot be imported', example: 'info' }) severity!: string;
  @ApiProperty({ example: '"31/12/25" was read as 2025-12-31' }) message!: string;
}

/** Why an objective cannot be created. */
export class ImportProblemView {
  @ApiPropertyOptional({ description: "The field, as a path into the objective's draft", example: 'definition.responsibleUnitId' }) field?: string;
  @ApiProperty({ example: 'unknown-unit' }) rule!: string;
  @ApiProperty({ example: 'the ente has no unit "Settore Cultura" (by id or by name): create it under /organisation first' }) message!: string;
}

export class ImportWarningView {
  @ApiProperty({ example: 'phase-weights-not-100' }) code!: string;
  @ApiProperty({ example: 'phase weights total 90, not 100' }) message!: string;
}

/** How an indicator's target was read: flagged targets (`unread`) are scored by a person. */
export class ImportTargetView {
  @ApiProperty({ example: 'i1' }) indicatorId!: string;
  @ApiPropertyOptional({ description: "A unit's own target on the indicator: the unit", example: 'cultura' }) unitId?: string;
  @ApiProperty({ example: 'almeno n. 2' }) text!: string;
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(TargetReadView) }, { $ref: getSchemaPath(TargetUnreadView) }] }) reading!: TargetReadView | TargetUnreadView;
}

/** What the import does (or would do, on a dry run) with one objective of the file. */
export class ImportLineView {
  @ApiProperty({ example: '2025_S08_04' }) code!: string;
  @ApiPropertyOptional({ description: 'Its title as read from the file (absent when it could not be read)', example: 'Sportello unico per le famiglie' })
  title?: string;
  @ApiProperty({
    type: [Number],
    description: 'The spreadsheet rows it was read from; for a JSON document, its position in `objectives` (from 1)',
    example: [2, 3, 4],
  })
  rows!: number[];
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Its id in the plan (derived from the plan and the code)',
    example: '0b1c7a52-6a3e-5f8e-9d0a-3c2f5e7d9a14',
  })
  objectiveId?: string;
  @ApiProperty({
    enum: ['create', 'unchanged', 'refused'],
    description: 'create: drafted into the plan; unchanged: the plan already has it with this very definition; refused: see `problems`',
    example: 'create',
  })
  action!: string;
  @ApiProperty({ type: [ImportProblemView] }) problems!: ImportProblemView[];
  @ApiProperty({ type: [ImportWarningView], description: 'What the draft would carry as warnings' }) warnings!: ImportWarningView[];
  @ApiProperty({ type: [ImportTargetView] }) targets!: ImportTargetView[];
}

export class ImportSummaryView {
  @ApiProperty({ type: 'integer', example: 36 }) objectives!: number;
  @ApiProperty({ type: 'integer', example: 35 }) create!: number;
  @ApiProperty({ type: 'integer', example: 0 }) unchanged!: number;
  @ApiProperty({ type: 'integer', example: 1 }) refused!: number;
  @ApiProperty({ type: 'integer', description: 'Indicators in the file', example: 147 }) indicators!: number;
  @ApiProperty({ type: 'integer', description: 'Targets that could not be read with confidence', example: 4 }) flaggedTargets!: number;
  @ApiProperty({ type: 'integer', description: 'Issues of severity error found reading the file', example: 0 }) errors!: number;
}

export class ImportReportView {
  @ApiProperty({ format: 'uuid', example: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b' }) planId!: string;
  @ApiProperty({ enum: IMPORT_FORMATS, example: 'xlsx' }) format!: string;
  @ApiProperty({ description: 'true: nothing was written, the report says what a real run would do', example: true }) dryRun!: boolean;
  @ApiProperty({ description: 'true: every objective to create was appended, in one batch', example: false }) applied!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Where the batch stands in the log (`after=` of a query reads from there on); null when nothing was appended',
    example: '748/12',
  })
  position!: string | null;
  @ApiProperty({ type: ImportSummaryView }) summary!: ImportSummaryView;
  @ApiProperty({ type: [ImportIssueView], description: 'What reading the file found, row by row' }) issues!: ImportIssueView[];
  @ApiProperty({ type: [ImportLineView], description: 'One line per objective, in the order of the file' }) objectives!: ImportLineView[];
}

/** How far an import has gone. */
export class ImportProgressView {
  @ApiProperty({
    enum: ['checking', 'deciding', 'appending'],
    description: 'checking each objective, deciding it against the plan, appending the batch',
    example: 'deciding',
  })
  stage!: string;
  @ApiProperty({ type: 'integer', example: 125 }) done!: number;
  @ApiProperty({ type: 'integer', example: 300 }) total!: number;
}

/** One line of a streamed import (`Accept: application/x-ndjson`): exactly one of its members. */
export class ImportStreamLineView {
  @ApiPropertyOptional({ type: ImportProgressView }) progress?: ImportProgressView;
  @ApiPropertyOptional({ type: ImportReportView, description: 'The last line of an import that answered its report' }) report?: ImportReportView;
  @ApiPropertyOptional({ type: () => ProblemSchema, description: 'The last line of an import refused once the answer had started (e.g. `import-refused`)' })
  problem?: ProblemSchema;
}

export const IMPORT_SCHEMA_MODELS = [
  ImportIssueView,
  ImportProblemView,
  ImportWarningView,
  ImportTargetView,
  ImportLineView,
  ImportSummaryView,
  ImportReportView,
  ImportProgressView,
  ImportStreamLineView,
];
