import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { UNIT_KINDS, type UnitKind } from '@piao/lifecycle';
import { CommandOptionsDto } from '../event-sourcing/command-options.dto';
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
