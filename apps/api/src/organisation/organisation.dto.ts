import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SCORING_BASES, UNIT_KINDS, type UnitKind } from '@piao/lifecycle';
import { CommandOptionsDto } from '../commands/command-options.dto';
import { IsCalendarDate } from '../validation/validators';

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

export class CreateUnitDto extends CommandOptionsDto {
  @ApiPropertyOptional({ description: 'Stable id (lower-case letters, digits, dashes); generated from the name when absent', example: 'welfare' })
  @IsOptional()
  @Matches(SLUG, { message: 'unitId must be 1 to 64 lower-case letters, digits or dashes' })
  unitId?: string;

  @ApiProperty({ example: 'Settore Welfare e Politiche Abitative' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: UNIT_KINDS })
  @IsIn(UNIT_KINDS)
  kind!: UnitKind;
}

export class RegisterPersonDto extends CommandOptionsDto {
  @ApiProperty({ description: 'The person’s subject (sub) at the identity provider', example: 'mrossi' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  personId!: string;

  @ApiProperty({ example: 'Mario Rossi' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  email?: string;
}

export class HeadshipDto extends CommandOptionsDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  unitId!: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  personId!: string;

  @ApiProperty({ description: 'First day of the headship', example: '2025-01-01' })
  @IsCalendarDate()
  from!: string;

  @ApiPropertyOptional({ description: 'Last day of the headship; open-ended when absent', example: '2025-04-30' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class EndHeadshipDto extends HeadshipDto {
  @ApiProperty({ description: 'Last day of the headship', example: '2025-04-30' })
  @IsCalendarDate()
  declare to: string;
}

export function slugOf(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'unit'
  );
}

export class ScoreBandDto {
  @ApiProperty({ description: 'Achievement % where the band starts (inclusive)', example: 75 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1000)
  fromPercent!: number;
  @ApiProperty({ description: 'Score the band gives: a %, or a point on a 1–5 scale', example: 75 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1000)
  score!: number;
}

export class ScoreScaleDto {
  @ApiProperty({ enum: ['linear', 'bands'] }) @IsIn(['linear', 'bands']) kind!: 'linear' | 'bands';
  @ApiPropertyOptional({ type: [ScoreBandDto], description: 'Required for bands: e.g. 0/50/75/100, or five bands scoring 1 to 5' })
  @ValidateIf((o: ScoreScaleDto) => o.kind === 'bands')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ScoreBandDto)
  bands?: ScoreBandDto[];
}

/** The ente's SMVP as the Giunta adopted it. */
export class ScoringSystemDto extends CommandOptionsDto {
  @ApiProperty({ enum: SCORING_BASES, description: 'What an objective is scored on: weighted phases, indicators, or the mean of the two' })
  @IsIn(SCORING_BASES)
  basis!: (typeof SCORING_BASES)[number];
  @ApiProperty({ type: ScoreScaleDto }) @IsDefined() @ValidateNested() @Type(() => ScoreScaleDto) scale!: ScoreScaleDto;
}
