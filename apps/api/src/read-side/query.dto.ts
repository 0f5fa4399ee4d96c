import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { OBJECTIVE_STATUSES } from '@piao/lifecycle';
import { IsCalendarDate, MAX_REVISION, ToInteger } from '../validation/validators';

export const POSITION_PATTERN = /^\d+\/\d+$/;
export const POSITION_MESSAGE = 'after must be a position as returned by a command, such as 748/12';

/** Every read-model query may wait for a command's position: read-your-writes. */
export class ReadQueryDto {
  @ApiPropertyOptional({
    description: "A command response's `position`: the answer waits (bounded) until the read model includes it, or is a 503",
    example: '748/12',
  })
  @IsOptional()
  @Matches(POSITION_PATTERN, { message: POSITION_MESSAGE })
  after?: string;
}

export class ListObjectivesQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ description: 'Responsible or contributing unit' }) @IsOptional() @IsString() @MaxLength(64) unitId?: string;
  @ApiPropertyOptional({ description: 'Responsible person as written in the objective' }) @IsOptional() @IsString() @MaxLength(200) responsiblePerson?: string;
  @ApiPropertyOptional({ description: 'A person involved (by id)' }) @IsOptional() @IsString() @MaxLength(64) personId?: string;
  @ApiPropertyOptional({ enum: OBJECTIVE_STATUSES }) @IsOptional() @IsIn(OBJECTIVE_STATUSES) status?: string;
  @ApiPropertyOptional({ description: 'anticorruption-transparency, pnrr, intersettoriale, trasversale, pluriennale, …' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tag?: string;
  @ApiPropertyOptional({ description: 'Only objectives with a deadline unmet before this date (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate()
  overdueOn?: string;
  @ApiPropertyOptional({ description: 'Italian full-text search on title and description', example: 'trasparenza' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
  @ApiPropertyOptional({ description: "The previous page's `next` cursor" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor is not one this API returned' })
  cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @ToInteger() @IsInt() @Min(1) @Max(200) limit?: number;
}

export class TimelineQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ minimum: 0, default: 0 }) @IsOptional() @ToInteger() @IsInt() @Min(0) @Max(MAX_REVISION) fromRevision?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1000 }) @IsOptional() @ToInteger() @IsInt() @Min(1) @Max(1000) limit?: number;
}

/** As it stood on a date (business date of the events) or at a revision: one of the two. */
export class AsOfQueryDto {
  @ApiPropertyOptional({ description: 'The state as of the end of this business date (YYYY-MM-DD or DD/MM/YYYY)' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
  @ApiPropertyOptional({ description: 'The state right after this revision of the stream', minimum: 0 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(0)
  @Max(MAX_REVISION)
  revision?: number;
}

export class OnDateQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ description: 'The day to look from (today by default): who headed which unit then' }) @IsOptional() @IsCalendarDate() on?: string;
  @ApiPropertyOptional({ description: 'Deadlines: how many days ahead count as upcoming', minimum: 0, maximum: 366, default: 30 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(0)
  @Max(366)
  horizonDays?: number;
}
