import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate, IsStorableText, MAX_REVISION, NestedObject } from '../validation/validators';

/** Fields every command accepts. */
export class CommandOptionsDto {
  @ApiPropertyOptional({ description: 'Business date of the fact (YYYY-MM-DD or DD/MM/YYYY); today by default', example: '2025-07-31' })
  @IsOptional()
  @IsCalendarDate()
  occurredOn?: string;

  @ApiPropertyOptional({ description: 'Why: the motivation recorded with the event', maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  @IsStorableText()
  reason?: string;

  @ApiPropertyOptional({ description: 'Revision last read; the command fails with 409 if the stream moved on', minimum: -1 })
  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(MAX_REVISION)
  expectedRevision?: number;
}

export class GiuntaActDto {
  @ApiPropertyOptional({ description: 'Number of the deliberation', example: '31' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  @IsStorableText()
  number!: string;

  @ApiPropertyOptional({ description: 'Date of the deliberation', example: '2022-03-10' })
  @IsCalendarDate()
  date!: string;
}

/** For commands resting on a deliberation of the Giunta ("DGC n. 31 del 10/03/2022"). */
export class GiuntaActCommandDto extends CommandOptionsDto {
  @ApiPropertyOptional({ type: GiuntaActDto, description: "The Giunta's deliberation: without it the step is refused (422)" })
  @IsOptional()
  @NestedObject(() => GiuntaActDto)
  act?: GiuntaActDto;
}
