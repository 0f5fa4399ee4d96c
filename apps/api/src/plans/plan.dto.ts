import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PLAN_KINDS, type PlanKind } from '@piao/lifecycle';
import { CommandOptionsDto } from '../commands/command-options.dto';
import { IsCalendarDate } from '../validation/validators';
import { OBJECTIVE_CODE, OBJECTIVE_CODE_RULE } from '../objectives/objective-command.dto';

export class OpenPlanDto extends CommandOptionsDto {
  @ApiProperty({ enum: PLAN_KINDS, example: 'PIAO' }) @IsIn(PLAN_KINDS) kind!: PlanKind;
  @ApiProperty({ example: 'PIAO 2025-2027 – sezione 2.2 Performance' }) @IsString() @IsNotEmpty() @MaxLength(500) title!: string;
  @ApiProperty({ type: 'integer', example: 2025 }) @IsInt() @Min(2000) @Max(2100) fromYear!: number;
  @ApiProperty({ type: 'integer', example: 2027 }) @IsInt() @Min(2000) @Max(2100) toYear!: number;
}

export class MonitoringCampaignDto extends CommandOptionsDto {
  @ApiProperty({ description: 'Reference date of the monitoring', example: '2025-07-31' }) @IsCalendarDate() asOf!: string;
  @ApiPropertyOptional({ description: 'When reports are due; the reference date by default', example: '2025-08-31' })
  @IsOptional()
  @IsCalendarDate()
  dueOn?: string;
}

export class CloseCampaignDto extends CommandOptionsDto {
  @ApiProperty({ description: 'Reference date of the campaign to close', example: '2025-07-31' }) @IsCalendarDate() asOf!: string;
}

/** At most this many objectives continue in one request. */
export const MAX_CONTINUED_OBJECTIVES = 500;

export class ContinuedObjectiveDto {
  @ApiProperty({ description: 'The objective’s code in the plan continued', example: '2025_S08_04' })
  @IsString()
  @Matches(OBJECTIVE_CODE, { message: OBJECTIVE_CODE_RULE })
  code!: string;

  @ApiPropertyOptional({ description: 'Its code in the new plan; the same code by default', example: '2026_S08_04' })
  @IsOptional()
  @IsString()
  @Matches(OBJECTIVE_CODE, { message: OBJECTIVE_CODE_RULE })
  newCode?: string;
}

export class ContinuePlanDto extends CommandOptionsDto {
  @ApiPropertyOptional({
    description: 'The new plan’s title; by default the source’s with its years moved on by one, or followed by the new years in brackets',
    example: 'PIAO 2026-2028 – sezione 2.2 Performance',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ enum: PLAN_KINDS, description: 'The new plan’s kind; the source’s by default', example: 'PIAO' })
  @IsOptional()
  @IsIn(PLAN_KINDS)
  kind?: PlanKind;

  @ApiProperty({
    type: [ContinuedObjectiveDto],
    minItems: 1,
    maxItems: MAX_CONTINUED_OBJECTIVES,
    description: 'The objectives that continue, by their code in the source plan, each once; the new codes must differ too',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CONTINUED_OBJECTIVES)
  @ValidateNested({ each: true })
  @Type(() => ContinuedObjectiveDto)
  objectives!: ContinuedObjectiveDto[];
}
