import { nullableRef } from '../openapi/schema-shapes';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UNIT_KINDS } from '@piao/lifecycle';
import { ScoringSystemView } from '../read-side/read-side.schemas';
import { DesignationActDto } from './substitute-validator.dto';

/** The answers of the organisation's routes (organisation.controller.ts), as the OpenAPI document declares them. */

const UNIT_ID = { description: 'The unit’s id', example: 'welfare' };
const PERSON_ID = { description: 'The person’s `sub` at the identity provider', example: 'mrossi' };

export class OrganisationUnitView {
  @ApiProperty(UNIT_ID) unitId!: string;
  @ApiProperty({ example: 'Settore Welfare e Politiche Abitative' }) name!: string;
  @ApiProperty({ enum: UNIT_KINDS, example: 'settore' }) kind!: string;
}

export class OrganisationPersonView {
  @ApiProperty(PERSON_ID) personId!: string;
  @ApiProperty({ example: 'Mario Rossi' }) name!: string;
  @ApiPropertyOptional({ format: 'email', example: 'mario.rossi@comune.example.it' }) email?: string;
}

/** A headship, or a person's assignment to a unit: who, where, from when, to when. */
export class UnitTenureView {
  @ApiProperty(UNIT_ID) unitId!: string;
  @ApiProperty(PERSON_ID) personId!: string;
  @ApiProperty({ format: 'date', description: 'First day', example: '2025-01-01' }) from!: string;
  @ApiPropertyOptional({ format: 'date', description: 'Last day; absent while open-ended', example: '2025-12-31' }) to?: string;
}

/** A headship: a tenure, and whether it is ad interim. */
export class HeadshipView extends UnitTenureView {
  @ApiPropertyOptional({ description: 'true for a head appointed ad interim (their acts are recorded in that capacity)', example: true })
  interim?: boolean;
}

export class SubstituteValidatorView {
  @ApiProperty({ ...PERSON_ID, description: 'The person designated', example: 'vbianchi' }) personId!: string;
  @ApiProperty({ ...PERSON_ID, description: 'The Segretario substituted', example: 'mbianchi' }) segretarioPersonId!: string;
  @ApiProperty({ format: 'date', description: 'First day', example: '2025-01-10' }) from!: string;
  @ApiPropertyOptional({ format: 'date', description: 'Last day; absent while open-ended', example: '2025-12-31' }) to?: string;
  @ApiProperty({ type: DesignationActDto, description: 'The act that designated them' }) act!: DesignationActDto;
}

export class OrganisationView {
  @ApiProperty({ description: 'The ente of the token', example: 'comune-cinisello-balsamo' }) ente!: string;
  @ApiProperty({ type: [OrganisationUnitView] }) units!: OrganisationUnitView[];
  @ApiProperty({ type: [OrganisationPersonView] }) people!: OrganisationPersonView[];
  @ApiProperty({ type: [HeadshipView], description: 'Who heads which unit when, past ones included' }) headships!: HeadshipView[];
  @ApiProperty({ type: [UnitTenureView], description: 'Who works in which unit when (heads are under `headships`)' }) unitAssignments!: UnitTenureView[];
  @ApiProperty({ type: [SubstituteValidatorView], description: 'Substitute validators designated, in force or not' })
  substituteValidators!: SubstituteValidatorView[];
  @ApiProperty(nullableRef(ScoringSystemView, 'The SMVP adopted (null: none yet, the default linear one on the mean applies)'))
  scoringSystem!: ScoringSystemView | null;
}

export class IndicatorTypeView {
  @ApiProperty({ description: 'The id indicators name in `type`', example: 'efficienza' }) typeId!: string;
  @ApiProperty({ example: 'Efficienza' }) label!: string;
  @ApiProperty({ type: [String], description: 'Other ways plans write it, beside the id and the label', example: ['efficiente'] }) synonyms!: string[];
  @ApiProperty({ description: 'true: a standard type, which every ente has; false: one the ente defined', example: true }) standard!: boolean;
}

export class IndicatorTypeCatalogueView {
  @ApiProperty({ description: 'The ente of the token', example: 'comune-cinisello-balsamo' }) ente!: string;
  @ApiProperty({ type: [IndicatorTypeView], description: 'The standard types, then the ente’s own in the order defined' }) types!: IndicatorTypeView[];
}

export class OrganisationCommandResult {
  @ApiPropertyOptional({ ...UNIT_ID, description: 'The unit created (`POST /organisation/units`)' }) unitId?: string;
  @ApiPropertyOptional({ description: 'The indicator type defined (`POST /organisation/indicator-types`)', example: 'sviluppo-digitale' }) typeId?: string;
  @ApiPropertyOptional({ ...PERSON_ID, description: 'The person registered or designated' }) personId?: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: "The organisation stream's revision", example: 12 }) revision!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Where the command stands in the log (`<commit>/<sequence>`): `after=` of a query reads from there on; null when it recorded nothing',
    example: '748/12',
  })
  position!: string | null;
  @ApiProperty({ type: [String], description: 'The events the command recorded', example: ['UnitCreated'] }) recorded!: string[];
}
