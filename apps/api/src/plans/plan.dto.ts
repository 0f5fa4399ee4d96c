import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PLAN_KINDS, type PlanKind } from '@piao/lifecycle';
import { CommandOptionsDto } from '../commands/command-options.dto';
import { IsCalendarDate } from '../validation/validators';

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
