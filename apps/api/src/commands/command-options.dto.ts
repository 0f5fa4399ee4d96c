import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate, IsStorableText, MAX_REVISION, NestedObject } from '../validation/validators';

/** Fields every command accepts. */
export class CommandOptionsDto {
  @ApiPropertyOptional({ description: 'Business date of the fact (YYYY-MM-DD or DD/MM/YYYY); today by default', example: '2025-07-31' })
  @IsOptional()
  @IsCalendarDate()
  occurredOn?: string;

  @ApiPropertyOptional({
    description: 'Why: the motivation recorded with the event (required by returns, rejections, cancellations, contests and evaluations)',
    maxLength: 4000,
    example: 'Come da verbale della conferenza dei dirigenti del 28/07/2025',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  @IsStorableText()
  reason?: string;

  // No example: only a fresh read gives the right one (route examples leave it out, see ApiCommandBody).
  @ApiPropertyOptional({
    type: 'integer',
    description:
      'The revision last read (the answer’s `revision`): the command runs only if the stream is still at that revision, otherwise 409 with ' +
      '`currentRevision`; -1: the stream must not exist yet. On an objective, `If-Match` is the alternative. Absent: the command ' +
      'applies to the stream as it is.',
    minimum: -1,
    maximum: MAX_REVISION,
  })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(MAX_REVISION)
  expectedRevision?: number;
}

export class GiuntaActDto {
  @ApiProperty({ description: 'Number of the deliberation', example: '31' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  @IsStorableText()
  number!: string;

  @ApiProperty({ description: 'Date of the deliberation (YYYY-MM-DD or DD/MM/YYYY), not after today', example: '2025-03-10' })
  @IsCalendarDate()
  date!: string;
}

/** For commands resting on a deliberation of the Giunta ("DGC n. 31 del 10/03/2022"). */
export class GiuntaActCommandDto extends CommandOptionsDto {
  @ApiPropertyOptional({
    type: GiuntaActDto,
    description:
      "The Giunta's deliberation (DGC n. 31 del 10/03/2025): required by approvals, and by the cancellation of an approved objective (422 `giunta-act-required` without it)",
  })
  @IsOptional()
  @NestedObject(() => GiuntaActDto)
  act?: GiuntaActDto;
}

/**
 * A command's body with the example Swagger UI pre-fills "Try it out" with. The example is a whole body, so that the
 * optional fields a client rarely sends stay out of it: above all `expectedRevision`, which only a fresh read gives
 * (Swagger UI would otherwise pre-fill its minimum, -1, which no existing stream matches).
 */
export function ApiCommandBody(type: Type<unknown>, summary: string, value: object): MethodDecorator {
  return applyDecorators(ApiExtraModels(type), ApiBody({ schema: { $ref: getSchemaPath(type) }, examples: { example: { summary, value } } }));
}
