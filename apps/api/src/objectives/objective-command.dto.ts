import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CommandOptionsDto, GiuntaActCommandDto } from '../commands/command-options.dto';
import { IsCalendarDate, NestedObject } from '../validation/validators';
import { ObjectiveDefinitionDto } from './objective-definition.dto';

const percent = () => (target: object, key: string) => {
  IsNumber({ allowNaN: false, allowInfinity: false })(target, key);
  Min(0)(target, key);
  Max(100)(target, key);
};

export class DraftObjectiveDto extends CommandOptionsDto {
  @ApiPropertyOptional({ description: 'The code in the plan, e.g. 2025_S08_04; generated when the plan has none', example: '2025_S08_04' })
  @IsOptional()
  @Matches(/^[\p{L}\p{N}_.\-/ ]{1,64}$/u, { message: 'code must be 1 to 64 letters, digits, spaces or _ . - /' })
  code?: string;

  @ApiProperty({ type: ObjectiveDefinitionDto })
  @IsDefined()
  @NestedObject(() => ObjectiveDefinitionDto)
  definition!: ObjectiveDefinitionDto;
}

export class DefinitionCommandDto extends CommandOptionsDto {
  @ApiProperty({ type: ObjectiveDefinitionDto, description: 'The whole new definition; the changes are computed field by field' })
  @IsDefined()
  @NestedObject(() => ObjectiveDefinitionDto)
  definition!: ObjectiveDefinitionDto;
}

export class PhaseProgressDto extends CommandOptionsDto {
  @ApiProperty({ example: 'f1' }) @IsString() @IsNotEmpty() @MaxLength(40) phaseId!: string;
  @ApiProperty({ example: 60, minimum: 0, maximum: 100 }) @percent() progressPercent!: number;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() actualStart?: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() actualEnd?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) note?: string;
}

export class IndicatorValueDto extends CommandOptionsDto {
  @ApiProperty({ example: 'i1' }) @IsString() @IsNotEmpty() @MaxLength(40) indicatorId!: string;
  @ApiProperty({ description: 'The value reached, as measured (number, %, date, Fatto…)', example: '3' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  value!: string;
  @ApiProperty({ example: '2025-07-31' }) @IsCalendarDate() asOf!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) note?: string;
}

export class PhaseReportDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(40) phaseId!: string;
  @ApiProperty() @percent() progressPercent!: number;
}

export class IndicatorReportDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(40) indicatorId!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500) value!: string;
}

export class ReportItemsDto extends CommandOptionsDto {
  @ApiProperty({ type: [PhaseReportDto] }) @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => PhaseReportDto) phases!: PhaseReportDto[];
  @ApiProperty({ type: [IndicatorReportDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => IndicatorReportDto)
  indicators!: IndicatorReportDto[];
}

export class MonitoringReportDto extends ReportItemsDto {
  @ApiProperty({ description: 'The monitoring date', example: '2025-07-31' }) @IsCalendarDate() asOf!: string;
  @ApiPropertyOptional({ description: 'Problems met' }) @IsOptional() @IsString() @MaxLength(10_000) problems?: string;
  @ApiPropertyOptional({ description: 'Corrective actions' }) @IsOptional() @IsString() @MaxLength(10_000) correctiveActions?: string;
}

export class YearEndReportDto extends ReportItemsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10_000) evidence?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10_000) notes?: string;
}

export class AsOfDto extends CommandOptionsDto {
  @ApiProperty({ example: '2025-07-31' }) @IsCalendarDate() asOf!: string;
}

export class ReassignDto extends CommandOptionsDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(64) toUnitId!: string;
  @ApiProperty() @IsCalendarDate() effectiveOn!: string;
}

export class EvaluationDto extends CommandOptionsDto {
  @ApiProperty({ description: 'Degree of achievement decided by the NdV', minimum: 0, maximum: 100 }) @percent() achievementPercent!: number;
}

export { CommandOptionsDto, GiuntaActCommandDto };
