import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DOSSIER_SCOPE_KINDS } from '@piao/lifecycle';
import { IsStorableText, ToInteger, NestedObject } from '../validation/validators';

export class DossierScopeDto {
  @ApiProperty({ enum: DOSSIER_SCOPE_KINDS, description: 'What the dossier is about', example: 'unit' })
  @IsIn(DOSSIER_SCOPE_KINDS, { message: `kind must be one of: ${DOSSIER_SCOPE_KINDS.join(', ')}` })
  kind!: (typeof DOSSIER_SCOPE_KINDS)[number];

  @ApiProperty({ description: "The objective's or plan's id (a UUID), or the unit's id", maxLength: 64, example: 'welfare' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  @IsStorableText()
  id!: string;
}

export class RequestDossierDto {
  @ApiProperty({ type: DossierScopeDto, description: 'An objective, a unit or a plan of the ente' })
  @IsDefined({ message: 'scope is required: { kind, id }' })
  @IsObject({ message: 'scope must be an object: { kind, id }' })
  @NestedObject(() => DossierScopeDto)
  scope!: DossierScopeDto;
}

export class DossiersQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @ToInteger()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(200)
  limit?: number;
}
