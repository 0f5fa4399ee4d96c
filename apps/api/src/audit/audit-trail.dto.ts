import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { OBJECTIVE_EVENT_TYPES } from '@piao/lifecycle';
import { IsCalendarDate, IsStorableText, IsUuidAnyCase, ToInteger } from '../validation/validators';

/** A log position a page ended at: two whole numbers that fit PostgreSQL's bigint. */
const TRAIL_CURSOR = /^(?:0|[1-9]\d{0,17})\/(?:0|[1-9]\d{0,17})$/;

/** `type=A,B`, `type=A&type=B`, or both mixed: a list either way. */
const ToList = () =>
  Transform(({ value }) => {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    return items.flatMap((v) => (typeof v === 'string' ? v.split(',').map((part) => part.trim()) : [v]));
  });

/** What narrows the trail; the export takes the same filters. */
export class AuditTrailFilterDto {
  @ApiPropertyOptional({ description: 'One objective (its id)' })
  @IsOptional()
  @IsUuidAnyCase('objectiveId')
  objectiveId?: string;

  @ApiPropertyOptional({ description: 'Objectives of a unit (responsible or contributing, as they stand); required of a dirigente: a unit they head' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @IsStorableText()
  unitId?: string;

  @ApiPropertyOptional({ description: 'Events recorded by this person (their id)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @IsStorableText()
  personId?: string;

  @ApiPropertyOptional({
    description: 'Event types: repeated (`type=A&type=B`) or comma-separated (`type=ReprogrammingApprovedByGiunta,ObjectiveEvaluated`)',
    enum: OBJECTIVE_EVENT_TYPES,
    isArray: true,
  })
  @IsOptional()
  @ToList()
  @IsArray()
  @ArrayMaxSize(OBJECTIVE_EVENT_TYPES.length)
  @IsIn(OBJECTIVE_EVENT_TYPES, { each: true, message: `type must be event types among: ${OBJECTIVE_EVENT_TYPES.join(', ')}` })
  type?: string[];

  @ApiPropertyOptional({ description: 'Business date from (inclusive), YYYY-MM-DD or DD/MM/YYYY' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Business date to (inclusive)' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ description: 'Recorded on or after this date (UTC)' })
  @IsOptional()
  @IsCalendarDate()
  recordedFrom?: string;

  @ApiPropertyOptional({ description: 'Recorded on or before this date (UTC)' })
  @IsOptional()
  @IsCalendarDate()
  recordedTo?: string;
}

export class AuditTrailQueryDto extends AuditTrailFilterDto {
  @ApiPropertyOptional({ description: "The previous page's `next` (a log position such as `748/12`)" })
  @IsOptional()
  @Matches(TRAIL_CURSOR, { message: 'cursor must be the `next` of a previous page, such as 748/12' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @ToInteger()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(500)
  limit?: number;
}

export const TRAIL_EXPORT_FORMATS = ['csv', 'json'] as const;

export class AuditTrailExportQueryDto extends AuditTrailFilterDto {
  @ApiPropertyOptional({ enum: TRAIL_EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(TRAIL_EXPORT_FORMATS, { message: 'format must be csv or json' })
  format?: (typeof TRAIL_EXPORT_FORMATS)[number];
}
