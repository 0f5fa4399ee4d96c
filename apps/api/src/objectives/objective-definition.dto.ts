import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  CROSS_CUTTING,
  INDICATOR_MEASURES,
  PERSON_ROLE_KINDS,
  INDICATOR_TYPE_ID,
  isCalendarDate,
  OBJECTIVE_LEVELS,
  OBJECTIVE_NATURES,
  TARGET_SENSES,
  type Indicator,
  type ObjectiveDefinition,
  type Phase,
} from '@piao/lifecycle';
import { HasUniqueIds, IsCalendarDate, MAX_QUANTITY, NestedObject } from '../validation/validators';

const SHORT = 500;
const LONG = 10_000;
const ITEM_ID = /^[A-Za-z0-9_.-]{1,40}$/;

export class PlanTreePlaceDto {
  @ApiPropertyOptional({ example: '4 - BENES. SOCIO-EDUCATIVO, CULTURALE, ASSOCIATIVO' }) @IsOptional() @IsString() @MaxLength(SHORT) publicValueArea?: string;
  @ApiPropertyOptional({ example: '05 Persone e famiglie al centro' }) @IsOptional() @IsString() @MaxLength(SHORT) strategicLine?: string;
  @ApiPropertyOptional({ example: '2023_2028_DUP_04 CULTURA E GRANDI EVENTI' }) @IsOptional() @IsString() @MaxLength(SHORT) mandateObjective?: string;
  @ApiPropertyOptional({ example: '01 Servizi istituzionali, generali e di gestione' }) @IsOptional() @IsString() @MaxLength(SHORT) dupMission?: string;
  @ApiPropertyOptional({ example: '02 Segreteria generale' }) @IsOptional() @IsString() @MaxLength(SHORT) dupProgramme?: string;
  @ApiPropertyOptional({ example: '1.01 - Gli Amministratori al servizio dei cittadini' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  strategicObjective?: string;
  @ApiPropertyOptional({ example: '1.01.02 - Per la trasparenza dell’azione amministrativa' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  operationalObjective?: string;
}

export class MultiYearDto {
  @ApiProperty({ type: 'integer', example: 1 }) @IsInt() @Min(1) @Max(10) stage!: number;
  @ApiPropertyOptional({ type: 'integer', description: 'Of how many stages; absent when the plan says "fase 1" without the total', example: 3 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  of?: number;
}

export class ObjectiveKindDto {
  @ApiPropertyOptional({ enum: OBJECTIVE_NATURES }) @IsOptional() @IsIn(OBJECTIVE_NATURES) nature?: (typeof OBJECTIVE_NATURES)[number];
  @ApiPropertyOptional({ enum: OBJECTIVE_LEVELS }) @IsOptional() @IsIn(OBJECTIVE_LEVELS) level?: (typeof OBJECTIVE_LEVELS)[number];
  @ApiPropertyOptional({ enum: CROSS_CUTTING }) @IsOptional() @IsIn(CROSS_CUTTING) crossCutting?: (typeof CROSS_CUTTING)[number];
  @ApiPropertyOptional({ type: MultiYearDto }) @IsOptional() @NestedObject(() => MultiYearDto) multiYear?: MultiYearDto;
}

export class PnrrDto {
  @ApiPropertyOptional({
    description: 'The measure as the plan writes it: its code, often with its name',
    example: 'M1.C1.1.2 Abilitazione al cloud per le PA locali',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  measureCode?: string;
  @ApiPropertyOptional({ example: 'J81F22000000006' }) @IsOptional() @Matches(/^[A-Z0-9]{15}$/, { message: 'cup must be the 15-character CUP' }) cup?: string;
}

export class PersonDto {
  @ApiProperty({ example: 'MONTINI RAFFAELLA' }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiPropertyOptional({ description: 'Their `sub`, when they have one', example: 'rmontini' }) @IsOptional() @IsString() @MaxLength(200) personId?: string;
  @ApiPropertyOptional({ example: 'D' }) @IsOptional() @IsString() @MaxLength(20) category?: string;
  @ApiPropertyOptional({ example: 35 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(100) participationPercent?: number;
  @ApiPropertyOptional({ description: 'Their part in the objective as the plan writes it: responsabile, RUP, referente, collaboratore…', example: 'referente' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  role?: string;
  @ApiPropertyOptional({
    enum: PERSON_ROLE_KINDS,
    description: 'The part the system knows; read from `role` when absent and its words name one ("R.U.P." → rup)',
    example: 'referente',
  })
  @IsOptional()
  @IsIn(PERSON_ROLE_KINDS)
  roleKind?: (typeof PERSON_ROLE_KINDS)[number];
}

export class HorizonDto {
  @ApiProperty({ type: 'integer', example: 2025 }) @IsInt() @Min(2000) @Max(2100) fromYear!: number;
  @ApiProperty({ type: 'integer', example: 2025 }) @IsInt() @Min(2000) @Max(2100) toYear!: number;
  @ApiPropertyOptional({ description: '"annuale ciclico"', example: false }) @IsOptional() @IsBoolean() cyclical?: boolean;
}

export class PhaseDto {
  @ApiPropertyOptional({ description: 'Stable id within the objective; f1, f2… when absent', example: 'f1' })
  @IsOptional()
  @Matches(ITEM_ID, { message: 'id must be 1 to 40 letters, digits, dots, dashes or underscores' })
  id?: string;

  @ApiProperty({ example: "Monitorare l'attività dello Sportello Legale per le famiglie e i cittadini" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LONG)
  description!: string;
  @ApiPropertyOptional({ example: '2025-01-01' }) @IsOptional() @IsCalendarDate() plannedStart?: string;
  @ApiPropertyOptional({ example: '2025-12-31' }) @IsOptional() @IsCalendarDate() plannedEnd?: string;
  @ApiPropertyOptional({ description: 'The period as written when the plan gives no day', example: 'II trim' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  plannedPeriodText?: string;

  @ApiPropertyOptional({ type: Number, description: 'Weight in the objective; null when the plan left it blank', nullable: true, example: 20 })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  weight?: number | null;

  @ApiPropertyOptional({ description: '% planned at each monitoring date', example: { '2025-07-31': 50, '2025-12-31': 100 } })
  @IsOptional()
  @IsObject()
  plannedPercentAt?: Record<string, number>;

  @ApiPropertyOptional({ example: 'GOVI ALESSANDRA' }) @IsOptional() @IsString() @MaxLength(200) responsiblePerson?: string;
  @ApiPropertyOptional({ example: 'In convenzione con gli Ordini di Monza e Milano' }) @IsOptional() @IsString() @MaxLength(LONG) notes?: string;
  @ApiPropertyOptional({ description: '"fase annullata"', example: false }) @IsOptional() @IsBoolean() cancelled?: boolean;
}

export class TargetDto {
  @ApiProperty({ description: 'The target as the plan wrote it', example: 'almeno n. 4' }) @IsString() @MaxLength(SHORT) text!: string;
  @ApiPropertyOptional({ enum: TARGET_SENSES }) @IsOptional() @IsIn(TARGET_SENSES) sense?: (typeof TARGET_SENSES)[number];
  @ApiPropertyOptional({ example: 4 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-MAX_QUANTITY) @Max(MAX_QUANTITY) value?: number;
  @ApiPropertyOptional({ description: 'true for "> 3": the value itself does not reach the target', example: false })
  @IsOptional()
  @IsBoolean()
  strict?: boolean;
  @ApiPropertyOptional({ example: 'n.' }) @IsOptional() @IsString() @MaxLength(50) unit?: string;
  @ApiPropertyOptional({ example: '2025-06-30' }) @IsOptional() @IsCalendarDate() date?: string;
}

export class UnitTargetDto {
  @ApiProperty({ description: 'The responsible unit or a contributing one (an id from /organisation)', example: 'cultura' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  unitId!: string;
  @ApiProperty({ type: TargetDto }) @IsDefined() @NestedObject(() => TargetDto) target!: TargetDto;
  @ApiPropertyOptional({ description: "The unit's own deadline for it", example: '2025-06-30' }) @IsOptional() @IsCalendarDate() dueDate?: string;
}

export class HistoricalValueDto {
  @ApiProperty({ type: 'integer', example: 2024 }) @IsInt() @Min(1990) @Max(2100) year!: number;
  @ApiProperty({ example: '1' }) @IsString() @MaxLength(SHORT) value!: string;
}

export class IndicatorDto {
  @ApiPropertyOptional({ description: 'Stable id within the objective; i1, i2… when absent', example: 'i1' })
  @IsOptional()
  @Matches(ITEM_ID, { message: 'id must be 1 to 40 letters, digits, dots, dashes or underscores' })
  id?: string;

  @ApiProperty({ example: "Mantenimento Sportello Family Point: avvio di almeno n.2 attività previste nell'accordo" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LONG)
  description!: string;
  @ApiPropertyOptional({
    description:
      "An id of the ente's catalogue of indicator types (`GET /organisation/indicator-types`): the standard ones (efficacia, efficienza, economicita, qualita, quantita, tempo, costo, output, outcome, attivita-processo, impatto) and the ente's own. An id not in the catalogue is refused (422 unknown-indicator-type). Absent: resolved from `typeAsWritten` when it names a type of the catalogue.",
    pattern: INDICATOR_TYPE_ID.source,
    maxLength: 40,
    example: 'efficacia',
  })
  @IsOptional()
  @Matches(INDICATOR_TYPE_ID, { message: 'type must be an indicator type id: 1 to 40 lower-case letters, digits or dashes' })
  type?: string;
  @ApiPropertyOptional({
    description:
      'The type as the plan wrote it ("EFFICIENZA", "attività/processo"), kept as it is. Without `type`, the server sets `type` to the type of the catalogue it names (its id, label or a synonym, whatever the case, accents and punctuation); when it names none, `type` stays absent and the definition is warned (indicator-type-not-in-catalogue). With `type`, both are kept as given.',
    maxLength: 200,
    example: 'EFFICIENZA',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  typeAsWritten?: string;
  @ApiPropertyOptional({ enum: INDICATOR_MEASURES }) @IsOptional() @IsIn(INDICATOR_MEASURES) measure?: (typeof INDICATOR_MEASURES)[number];
  @ApiPropertyOptional({ type: TargetDto }) @IsOptional() @NestedObject(() => TargetDto) target?: TargetDto;
  @ApiPropertyOptional({ example: '1' }) @IsOptional() @IsString() @MaxLength(SHORT) baseline?: string;
  @ApiPropertyOptional({ example: '2025-12-31' }) @IsOptional() @IsCalendarDate() dueDate?: string;
  @ApiPropertyOptional({
    type: [UnitTargetDto],
    description: 'Of an indicator shared by several units, each unit’s own target and deadline (each unit at most once)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => UnitTargetDto)
  unitTargets?: UnitTargetDto[];
  @ApiPropertyOptional({ type: [HistoricalValueDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => HistoricalValueDto)
  historicalValues?: HistoricalValueDto[];
}

export class ResourceDto {
  @ApiProperty({ example: 'Contributo regionale per le politiche familiari' }) @IsString() @IsNotEmpty() @MaxLength(SHORT) description!: string;
  @ApiPropertyOptional({ example: 15000 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_QUANTITY)
  amountEuro?: number;
}

export class ObjectiveDefinitionDto {
  @ApiProperty({ example: 'Sviluppo di progetti, anche in collaborazione con il privato sociale, finalizzati a sostenere le famiglie' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(SHORT * 2)
  title!: string;
  @ApiPropertyOptional({ example: 'Sostenere le famiglie anche attraverso luoghi di accoglienza e promozione del benessere familiare' })
  @IsOptional()
  @IsString()
  @MaxLength(LONG)
  description?: string;
  @ApiPropertyOptional({ description: 'finalità', example: 'Favorire e consolidare le reti familiari' })
  @IsOptional()
  @IsString()
  @MaxLength(LONG)
  purpose?: string;
  @ApiPropertyOptional({
    description: 'modalità di attuazione',
    example: "Politiche Familiari dell'Assessorato al welfare: incentivare il raccordo e lo scambio fra famiglie",
  })
  @IsOptional()
  @IsString()
  @MaxLength(LONG)
  implementation?: string;
  @ApiPropertyOptional({ description: 'fattori critici', example: 'Tempi del bando regionale' })
  @IsOptional()
  @IsString()
  @MaxLength(LONG)
  criticalFactors?: string;
  @ApiPropertyOptional({ type: PlanTreePlaceDto }) @IsOptional() @NestedObject(() => PlanTreePlaceDto) place?: PlanTreePlaceDto;
  @ApiPropertyOptional({ type: ObjectiveKindDto }) @IsOptional() @NestedObject(() => ObjectiveKindDto) kind?: ObjectiveKindDto;

  @ApiPropertyOptional({
    description: 'anticorruption-transparency, pnrr, digitalisation, equal-opportunities, training, agenda-2030, or free text',
    example: ['anticorruption-transparency'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: PnrrDto }) @IsOptional() @NestedObject(() => PnrrDto) pnrr?: PnrrDto;
  @ApiPropertyOptional({ example: 'VISENTIN_Welfare e Centralità della persona - Famiglia' }) @IsOptional() @IsString() @MaxLength(SHORT) assessorato?: string;
  @ApiProperty({ description: 'The unit responsible (an id from /organisation)', example: 'welfare' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  responsibleUnitId!: string;
  @ApiPropertyOptional({ description: 'PO / responsabile', example: 'DAL PIAZ BARBARA' }) @IsOptional() @IsString() @MaxLength(200) responsiblePerson?: string;
  @ApiPropertyOptional({ type: [String], description: 'Other units that contribute (ids from /organisation)', example: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  contributingUnitIds?: string[];
  @ApiPropertyOptional({ description: 'Of an objective shared by several units, the unit that coordinates it', example: 'welfare' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  coordinatingUnitId?: string;
  @ApiPropertyOptional({ description: "The objective's own deadline (scadenza), beside its phases'", example: '2025-12-31' })
  @IsOptional()
  @IsCalendarDate()
  deadline?: string;
  @ApiPropertyOptional({ description: 'Notes (note)', example: 'In collaborazione con il Terzo settore' })
  @IsOptional()
  @IsString()
  @MaxLength(LONG)
  notes?: string;
  @ApiPropertyOptional({ type: [PersonDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => PersonDto)
  people?: PersonDto[];
  @ApiProperty({ type: HorizonDto }) @IsDefined() @NestedObject(() => HorizonDto) horizon!: HorizonDto;

  @ApiProperty({ type: [PhaseDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @HasUniqueIds()
  @Type(() => PhaseDto)
  phases!: PhaseDto[];

  @ApiProperty({ type: [IndicatorDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @HasUniqueIds()
  @Type(() => IndicatorDto)
  indicators!: IndicatorDto[];

  @ApiPropertyOptional({ type: [ResourceDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ResourceDto)
  resources?: ResourceDto[];

  @ApiPropertyOptional({
    description:
      'The text as written of fields read into a value, keyed by the field\'s path: "31/12/25" read as 2025-12-31. A date that is not a real date is kept here only, its field left empty (warning value-kept-as-text).',
    example: { deadline: '31/12/25', 'phases.1.plannedEnd': '31/02/2025' },
  })
  @IsOptional()
  @IsObject()
  asWritten?: Record<string, string>;
}

/** A definition the server accepts as it is (from the Cinisello Balsamo 2025 plan, test/fixtures/real-objectives.json): for examples. */
export const DEFINITION_EXAMPLE = {
  title: 'Sviluppo di progetti, anche in collaborazione con il privato sociale, finalizzati a sostenere le famiglie',
  assessorato: 'VISENTIN_Welfare e Centralità della persona - Famiglia',
  responsibleUnitId: 'welfare',
  responsiblePerson: 'DAL PIAZ BARBARA',
  place: { publicValueArea: '4 - BENES. SOCIO-EDUCATIVO, CULTURALE, ASSOCIATIVO', mandateObjective: '2023_2028_DUP_05 PERSONE E FAMIGLIE AL CENTRO' },
  horizon: { fromYear: 2025, toYear: 2025 },
  phases: [
    {
      id: 'f1',
      description: "Monitorare l'attività dello Sportello Legale per le famiglie e i cittadini",
      plannedStart: '2025-01-01',
      plannedEnd: '2025-12-31',
      weight: 50,
      plannedPercentAt: { '2025-07-31': 50, '2025-12-31': 100 },
    },
    { id: 'f2', description: 'Dare continuità alle attività del CB FAMILY POINT', plannedStart: '2025-01-01', plannedEnd: '2025-12-31', weight: 50 },
  ],
  indicators: [
    {
      id: 'i1',
      description: "Mantenimento Sportello Family Point: avvio di almeno n.2 attività previste nell'accordo",
      type: 'quantita',
      target: { text: 'almeno n. 2', sense: 'at-least', value: 2 },
    },
    { id: 'i2', description: "Promozione del Tavolo per le Politiche Familiari: partecipazione all'evento Edufest", target: { text: 'Fatto', sense: 'done' } },
  ],
};

/**
 * The DTO as the domain's definition: phases and indicators without an id get f1…/i1… (by position), keys of
 * `plannedPercentAt` must be dates and values percentages. Returns the field errors instead when they are not.
 */
export function toDefinition(
  dto: ObjectiveDefinitionDto,
  field = 'definition',
): { definition: ObjectiveDefinition } | { errors: { field: string; rule: string; message: string }[] } {
  const errors: { field: string; rule: string; message: string }[] = [];
  if (dto.horizon.toYear < dto.horizon.fromYear)
    errors.push({ field: `${field}.horizon.toYear`, rule: 'horizon-reversed', message: 'toYear precedes fromYear' });
  const phases: Phase[] = dto.phases.map((phase, index) => {
    for (const [date, percent] of Object.entries(phase.plannedPercentAt ?? {})) {
      if (!isCalendarDate(date) || typeof percent !== 'number' || percent < 0 || percent > 100) {
        errors.push({
          field: `${field}.phases.${index}.plannedPercentAt`,
          rule: 'date-to-percent',
          message: 'plannedPercentAt maps YYYY-MM-DD dates to percentages 0-100',
        });
      }
    }
    if (phase.plannedStart && phase.plannedEnd && phase.plannedEnd < phase.plannedStart) {
      errors.push({ field: `${field}.phases.${index}.plannedEnd`, rule: 'end-before-start', message: 'plannedEnd precedes plannedStart' });
    }
    return plainJson({ ...phase, id: phase.id ?? nextId('f', index, dto.phases) });
  });
  const written = Object.entries(dto.asWritten ?? {});
  if (written.length > MAX_WRITTEN || written.some(([path, text]) => !WRITTEN_PATH.test(path) || typeof text !== 'string' || text.length > SHORT)) {
    errors.push({
      field: `${field}.asWritten`,
      rule: 'path-to-text',
      message: `asWritten maps at most ${MAX_WRITTEN} field paths (e.g. phases.0.plannedEnd) to texts of at most ${SHORT} characters`,
    });
  }
  const indicators: Indicator[] = dto.indicators.map((indicator, index) => plainJson({ ...indicator, id: indicator.id ?? nextId('i', index, dto.indicators) }));
  if (errors.length > 0) return { errors };
  return { definition: plainJson({ ...dto, phases, indicators }) as ObjectiveDefinition };
}

const MAX_WRITTEN = 500;
/** A field's path in the definition: `deadline`, `phases.0.plannedEnd`. */
const WRITTEN_PATH = /^[A-Za-z]{1,40}(\.(\d{1,3}|[A-Za-z]{1,40})){0,5}$/;

/** f3 for the third item, unless another item already took that id explicitly. */
function nextId(prefix: string, index: number, items: { id?: string }[]): string {
  const taken = new Set(items.map((i) => i.id).filter(Boolean));
  let n = index + 1;
  while (taken.has(`${prefix}${n}`)) n += items.length;
  return `${prefix}${n}`;
}

/** Plain JSON without undefined members, nested DTO instances included: what an event stores. */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
