import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
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
import { INDICATOR_TYPE_ID, INDICATOR_TYPE_LABEL_MAX, INDICATOR_TYPE_SYNONYMS_MAX, SCORING_BASES, UNIT_KINDS, type UnitKind } from '@piao/lifecycle';
import { CommandOptionsDto } from '../commands/command-options.dto';
import { IsCalendarDate, IsStorableText, NestedObject } from '../validation/validators';

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

  @ApiProperty({ enum: UNIT_KINDS, example: 'settore' })
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

  @ApiPropertyOptional({ description: 'Where reminders are sent', example: 'mario.rossi@comune.esempio.it' })
  @IsOptional()
  @IsEmail()
  email?: string;
}

/** Who holds a place in which unit from when (a headship, an assignment): shared by opening and ending one. */
class UnitTenureDto extends CommandOptionsDto {
  @ApiProperty({ example: 'welfare' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  unitId!: string;

  @ApiProperty({ description: 'The person (their `sub`), registered under /organisation/people', example: 'mrossi' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  personId!: string;

  @ApiProperty({ description: 'First day', example: '2025-01-01' })
  @IsCalendarDate()
  from!: string;
}

class OpenTenureDto extends UnitTenureDto {
  @ApiPropertyOptional({ description: 'Last day; open-ended when absent', example: '2025-04-30' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class HeadshipDto extends OpenTenureDto {
  @ApiPropertyOptional({
    description: 'true for a head appointed ad interim to a unit whose head left: their acts are recorded in that capacity',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  interim?: boolean;
}

/**
 * Not a HeadshipDto: class-validator would inherit its optional `to`, and a missing or null `to` would end the
 * headship for good.
 */
export class EndHeadshipDto extends UnitTenureDto {
  @ApiProperty({ description: 'Last day', example: '2025-04-30' })
  @IsCalendarDate()
  to!: string;
}

/** Who works in which unit (docs/segregation-of-duties.md: nobody judges the work of a unit they belong to). */
export class UnitAssignmentDto extends OpenTenureDto {}
export class EndUnitAssignmentDto extends EndHeadshipDto {}

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
  @ApiProperty({ enum: ['linear', 'bands'], example: 'bands' }) @IsIn(['linear', 'bands']) kind!: 'linear' | 'bands';
  @ApiPropertyOptional({
    type: [ScoreBandDto],
    description: 'Required for bands, from 0% up: e.g. 0/50/75/100, or five bands scoring 1 to 5',
    example: [
      { fromPercent: 0, score: 0 },
      { fromPercent: 50, score: 50 },
      { fromPercent: 75, score: 75 },
      { fromPercent: 100, score: 100 },
    ],
  })
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
  @ApiProperty({ enum: SCORING_BASES, description: 'What an objective is scored on: weighted phases, indicators, or the mean of the two', example: 'mean' })
  @IsIn(SCORING_BASES)
  basis!: (typeof SCORING_BASES)[number];
  @ApiProperty({ type: ScoreScaleDto }) @IsDefined() @NestedObject(() => ScoreScaleDto) scale!: ScoreScaleDto;
}

/** An indicator type of the ente's own, beside the standard ones (docs/api.md, "Indicator types"). */
export class IndicatorTypeDto extends CommandOptionsDto {
  @ApiProperty({
    description: 'Stable id (lower-case letters, digits, dashes), as indicators name it in `type`; not a standard one nor another type’s name',
    pattern: INDICATOR_TYPE_ID.source,
    maxLength: 40,
    example: 'sviluppo-digitale',
  })
  @Matches(INDICATOR_TYPE_ID, { message: 'typeId must be 1 to 40 lower-case letters, digits or dashes' })
  typeId!: string;

  @ApiProperty({
    description: 'As a person reads it; a type as written resolves to this type when it is its label',
    maxLength: INDICATOR_TYPE_LABEL_MAX,
    example: 'Sviluppo digitale',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(INDICATOR_TYPE_LABEL_MAX)
  @IsStorableText()
  label!: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Other ways the ente’s plans write it (case, accents and punctuation do not count): no other type may answer to them',
    maxItems: INDICATOR_TYPE_SYNONYMS_MAX,
    example: ['digitalizzazione', 'transizione digitale'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(INDICATOR_TYPE_SYNONYMS_MAX)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(INDICATOR_TYPE_LABEL_MAX, { each: true })
  @IsStorableText({ each: true })
  synonyms?: string[];
}
