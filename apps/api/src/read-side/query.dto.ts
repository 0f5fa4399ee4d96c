import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { OBJECTIVE_STATUSES } from '@piao/lifecycle';
import { IsCalendarDate, MAX_REVISION, ToInteger } from '../validation/validators';

export const POSITION_PATTERN = /^\d+\/\d+$/;
export const POSITION_MESSAGE = 'after must be a position as returned by a command, such as 748/12';

/** Every read-model query may wait for a command's position: read-your-writes. */
export class ReadQueryDto {
  // No example: Swagger UI would pre-fill it, and a position no command of this installation returned is refused.
  @ApiPropertyOptional({
    description:
      "Read your own writes: a command answer's `position` (`<commit>/<sequence>`, such as `748/12`). The answer waits, up to " +
      '`READ_YOUR_WRITES_TIMEOUT_MS`, until the read model includes it: 503 `read-model-behind` with `Retry-After` when it does not ' +
      'in time, 400 `position-in-log` for a position beyond the end of the log',
    pattern: '^\\d+/\\d+$',
  })
  @IsOptional()
  @Matches(POSITION_PATTERN, { message: POSITION_MESSAGE })
  after?: string;
}

export class ListObjectivesQueryDto extends ReadQueryDto {
  // The filters have no `example`: Swagger UI would pre-fill them all at once, and together they would match nothing.
  @ApiPropertyOptional({ description: 'A unit id, responsible or contributing (e.g. `welfare`)', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  unitId?: string;
  @ApiPropertyOptional({ description: 'The responsible person as the objective writes them, any case (e.g. `MONTINI RAFFAELLA`)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  responsiblePerson?: string;
  @ApiPropertyOptional({ description: "A person named among the objective's people, by id (e.g. `comune-a:dir`)", maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  personId?: string;
  @ApiPropertyOptional({ enum: OBJECTIVE_STATUSES, description: 'As the reader sees it: an evaluation not yet shared is `reported` to all but the NdV' })
  @IsOptional()
  @IsIn(OBJECTIVE_STATUSES)
  status?: string;
  @ApiPropertyOptional({
    description:
      'A tag of the definition: `anticorruption-transparency`, `pnrr`, `digitalisation`, `equal-opportunities`, `training`, `agenda-2030`, or free text',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tag?: string;
  @ApiPropertyOptional({ description: 'Only objectives with a deadline still unmet before this date (YYYY-MM-DD or DD/MM/YYYY, e.g. `2025-07-01`)' })
  @IsOptional()
  @IsCalendarDate()
  overdueOn?: string;
  @ApiPropertyOptional({
    description: 'Italian full-text search on title and description, stemmed (`trasparente` finds `trasparenza`); web-search syntax: `"…"`, `or`, `-`',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
  @ApiPropertyOptional({ description: "The previous page's `next`, with the same filters; absent for the first page", pattern: '^[A-Za-z0-9_-]{1,400}$' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor is not one this API returned' })
  cursor?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'Objectives per page', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class TimelineQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ type: 'integer', description: 'The first revision to list', minimum: 0, default: 0 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(0)
  @Max(MAX_REVISION)
  fromRevision?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'At most this many events', minimum: 1, maximum: 1000, default: 1000 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** As it stood on a date (business date of the events) or at a revision: one of the two. */
export class AsOfQueryDto {
  @ApiPropertyOptional({
    description: 'The state as of the end of this business date (YYYY-MM-DD or DD/MM/YYYY): the events of later business dates are left out',
    example: '2025-06-30',
  })
  @IsOptional()
  @IsCalendarDate()
  date?: string;
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Instead of `date`: the state right after this revision of the stream (0 is its first event)',
    minimum: 0,
  })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(0)
  @Max(MAX_REVISION)
  revision?: number;
}

export class OnDateQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ description: 'The day to look from (YYYY-MM-DD or DD/MM/YYYY; today, Italian date, by default): who headed which unit then' })
  @IsOptional()
  @IsCalendarDate()
  on?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'Deadlines: how many days after `on` count as upcoming', minimum: 0, maximum: 366, default: 30 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(0)
  @Max(366)
  horizonDays?: number;
}
