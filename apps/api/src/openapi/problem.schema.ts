import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';

/** One bad field of a 400 (or the field a 422's rule blames): the `errors[]` extension of the problem details. */
@ApiSchema({ name: 'FieldError' })
export class FieldErrorSchema {
  @ApiProperty({
    description: 'The field, as a path into the body (`definition.phases.0.weight`), a query or path parameter, or a header',
    example: 'definition.title',
  })
  field!: string;

  @ApiProperty({ description: 'The rule it broke (`isString`, `maxLength`, `storable-text`, `unknown-field`…)', example: 'maxLength' })
  rule!: string;

  @ApiProperty({ example: 'definition.title must be shorter than or equal to 1000 characters' })
  message!: string;
}

/** RFC 9457 problem details, as every error of the API is answered (`application/problem+json`). */
@ApiSchema({ name: 'Problem' })
export class ProblemSchema {
  @ApiProperty({
    description: 'A URI reference naming the kind of problem, e.g. `/problems/validation`, `/problems/lifecycle/{rule}`',
    example: '/problems/validation',
  })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({ description: 'The HTTP status, repeated', example: 400 })
  status!: number;

  @ApiProperty({ example: 'Invalid fields: definition.title' })
  detail!: string;

  @ApiPropertyOptional({ description: 'The request path', example: '/plans/1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b/objectives' })
  instance?: string;

  @ApiPropertyOptional({
    type: [FieldErrorSchema],
    description:
      '400: every bad field, with the rule it broke; 422: the field the lifecycle rule blames (`act.date` for an act dated after today), when one is',
  })
  errors?: FieldErrorSchema[];

  @ApiPropertyOptional({ description: '403 and 422: the access or lifecycle rule that was broken', example: 'giunta-act-required' })
  rule?: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: "409 and 412: the stream's revision now, to reload and retry from (null: it does not exist)",
    example: 7,
  })
  currentRevision?: number | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: '503 from readiness: the result of each check' })
  checks?: Record<string, unknown>;

  // By name: the reports' classes are registered by their routes (and import this schema themselves).
  @ApiPropertyOptional({
    oneOf: [{ $ref: getSchemaPath('ImportReportView') }, { $ref: getSchemaPath('HistoryReportView') }],
    description:
      '422 `import-refused`: the import’s report, objective by objective (`ImportReportView`); 422 `history-refused`: the history’s ' +
      'report, step by step (`HistoryReportView`)',
  })
  report?: object;
}
