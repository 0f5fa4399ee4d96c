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

/** An objective's code in its plan, as plans write them: 2025_S08_04, SEGRATE 1.01.02, 1/16. */
export const OBJECTIVE_CODE = /^[\p{L}\p{N}_.\-/ ]{1,64}$/u;
export const OBJECTIVE_CODE_RULE = 'code must be 1 to 64 letters, digits, spaces or _ . - /';

export class DraftObjectiveDto extends CommandOptionsDto {
  @ApiPropertyOptional({ description: 'The code in the plan, e.g. 2025_S08_04; generated when the plan has none', example: '2025_S08_04' })
  @IsOptional()
  @Matches(OBJECTIVE_CODE, { message: OBJECTIVE_CODE_RULE })
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
  @ApiPropertyOptional({ description: 'When the phase actually started; not after today', example: '2025-01-15' })
  @IsOptional()
  @IsCalendarDate()
  actualStart?: string;
  @ApiPropertyOptional({ description: 'When it actually ended; not after today', example: '2025-06-30' }) @IsOptional() @IsCalendarDate() actualEnd?: string;
  @ApiPropertyOptional({ example: 'Analisi completata per 3 quartieri su 5' }) @IsOptional() @IsString() @MaxLength(4000) note?: string;
}

export class IndicatorValueDto extends CommandOptionsDto {
  @ApiProperty({ example: 'i1' }) @IsString() @IsNotEmpty() @MaxLength(40) indicatorId!: string;
  @ApiProperty({ description: 'The value reached, as measured (number, %, date, Fatto…)', example: '3' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  value!: string;
  @ApiProperty({ description: 'The date it was measured at; not after today', example: '2025-07-31' }) @IsCalendarDate() asOf!: string;
  @ApiPropertyOptional({ example: 'Dato rilevato dal gestionale dei servizi sociali' }) @IsOptional() @IsString() @MaxLength(4000) note?: string;
  @ApiPropertyOptional({
    description:
      "The value is that unit's share, scored against the unit's own target (`unitTargets`); a unit without a target of its own on the indicator is 422 `unit-not-targeted`. Absent: the indicator's overall value",
    example: 'cultura',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  unitId?: string;
}

export class PhaseReportDto {
  @ApiProperty({ description: 'A phase of the objective', example: 'f1' }) @IsString() @IsNotEmpty() @MaxLength(40) phaseId!: string;
  @ApiProperty({ minimum: 0, maximum: 100, example: 60 }) @percent() progressPercent!: number;
}

export class IndicatorReportDto {
  @ApiProperty({ description: 'An indicator of the objective', example: 'i1' }) @IsString() @IsNotEmpty() @MaxLength(40) indicatorId!: string;
  @ApiProperty({ description: 'The value reached, as measured', example: '2' }) @IsString() @IsNotEmpty() @MaxLength(500) value!: string;
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
  @ApiPropertyOptional({ description: 'Problems met', example: "Ritardo nell'uscita del bando regionale" })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  problems?: string;
  @ApiPropertyOptional({ description: 'Corrective actions', example: 'Anticipata la raccolta delle domande delle famiglie' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  correctiveActions?: string;
}

export class YearEndReportDto extends ReportItemsDto {
  @ApiPropertyOptional({ description: 'Evidence of what was done', example: 'Determinazione n. 1234 del 15/12/2025; registro presenze dello Sportello' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  evidence?: string;
  @ApiPropertyOptional({ example: 'Obiettivo raggiunto con lieve ritardo' }) @IsOptional() @IsString() @MaxLength(10_000) notes?: string;
}

export class AsOfDto extends CommandOptionsDto {
  @ApiProperty({ description: 'The monitoring date of the report', example: '2025-07-31' }) @IsCalendarDate() asOf!: string;
}

export class ReassignDto extends CommandOptionsDto {
  @ApiProperty({ description: 'The new responsible unit (an id from /organisation)', example: 'cultura' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  toUnitId!: string;
  @ApiProperty({ description: 'From when; not after today', example: '2025-09-01' }) @IsCalendarDate() effectiveOn!: string;
}

export class EvaluationDto extends CommandOptionsDto {
  @ApiProperty({ description: 'Degree of achievement decided by the NdV (its motivation in `reason`)', minimum: 0, maximum: 100, example: 90 })
  @percent()
  achievementPercent!: number;
}

export { CommandOptionsDto, GiuntaActCommandDto };
