import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { CommandOptionsDto } from '../commands/command-options.dto';
import { IsCalendarDate, IsStorableText, NestedObject } from '../validation/validators';

/*
 * Who validates in the Segretario's stead (docs/segregation-of-duties.md). The "end" body is its own class, not a
 * subclass of the one that opens: class-validator would inherit the optional `to`, and a missing `to` would leave the
 * designation open.
 */

/** The act that designates: a decree of the Sindaco or a deliberation of the Giunta, by number and date. */
export class DesignationActDto {
  @ApiProperty({ description: 'Number of the act', example: '12' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  @IsStorableText()
  number!: string;

  @ApiProperty({ description: 'Date of the act', example: '2025-01-10' })
  @IsCalendarDate()
  date!: string;
}

/** Who substitutes which Segretario from when: shared by designating and ending a designation. */
class SubstituteValidatorPartiesDto extends CommandOptionsDto {
  @ApiProperty({ description: 'The person designated (their `sub`), registered under /organisation/people', example: 'vbianchi' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @IsStorableText()
  personId!: string;

  @ApiPropertyOptional({
    description:
      'The Segretario substituted (registered under /organisation/people): designating, the Segretario may only name himself, or leave it out; ending, the admin must give it',
    example: 'mbianchi',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @IsStorableText()
  segretarioPersonId?: string;

  @ApiProperty({ description: 'First day of the designation', example: '2025-01-10' })
  @IsCalendarDate()
  from!: string;
}

export class SubstituteValidatorDto extends SubstituteValidatorPartiesDto {
  @ApiPropertyOptional({ description: 'Last day of the designation; open-ended when absent', example: '2025-12-31' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiProperty({ type: DesignationActDto, description: 'The act that designates (decree of the Sindaco, deliberation of the Giunta)' })
  @IsDefined()
  @NestedObject(() => DesignationActDto)
  act!: DesignationActDto;
}

export class EndSubstituteValidatorDto extends SubstituteValidatorPartiesDto {
  @ApiProperty({ description: 'Last day of the designation', example: '2025-06-30' })
  @IsCalendarDate()
  to!: string;
}
