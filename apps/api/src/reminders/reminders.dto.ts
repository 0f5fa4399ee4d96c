import { ApiProperty, ApiPropertyOptional, type ExamplesObject } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { DEADLINE_KINDS, isCalendarDate, REMINDER_CHANNELS, type ReminderChannel, type ReminderPolicy } from '@piao/lifecycle';
import { DEADLINE_STATUSES, type DeadlineStatus } from '@piao/reminders';
import { CommandOptionsDto, GiuntaActCommandDto } from '../commands/command-options.dto';
import { ReadQueryDto } from '../read-side/query.dto';
import { IsCalendarDate, ToInteger, NestedObject } from '../validation/validators';

/** Printable text: no NUL nor any other control character, no lone surrogate. */
export const VISIBLE = /^[^\p{Cc}\p{Cs}]+$/u;
/** A person's id as the identity provider gives it (the token's `sub`), as the domain accepts it. */
export const PERSON_ID = /^[\w.@:-]{1,200}$/;
const MONTH_DAY = /^(\d{2})-(\d{2})$/;
const CURSOR = /^[A-Za-z0-9_-]{1,600}$/;
const CURSOR_MESSAGE = 'must be a cursor this API returned';

/** A day of the year as `MM-DD` (29 February included). */
function IsMonthDay(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isMonthDay',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args: ValidationArguments) => `${args.property} must be a day of the year as MM-DD, such as 07-31`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && MONTH_DAY.test(value) && isCalendarDate(`2024-${value}`) },
    });
}

/** A campaign is due on or after its reference day. */
function IsNotBefore(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'notBefore',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      options: { message: (args: ValidationArguments) => `${args.property} must not be before ${other}`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const before = (args.object as Record<string, unknown>)[other];
          return typeof value !== 'string' || typeof before !== 'string' || value >= before;
        },
      },
    });
}

/** Items of an array must not share the value of `key`. */
function HasUniqueValuesOf(key: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'uniqueValues',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args: ValidationArguments) => `${args.property} must not contain two items with the same ${key}`, ...options },
      validator: {
        validate: (value: unknown) => {
          if (!Array.isArray(value)) return true;
          const values = value.map((item: Record<string, unknown> | null) => item?.[key]).filter((v) => v !== undefined);
          return new Set(values).size === values.length;
        },
      },
    });
}

export class CampaignCalendarEntryDto {
  @ApiProperty({ description: 'Reference day of the report (MM-DD)', example: '06-30' })
  @IsMonthDay()
  asOf!: string;

  @ApiProperty({ description: 'Day the report is due, the same year (MM-DD)', example: '07-31' })
  @IsMonthDay()
  @IsNotBefore('asOf')
  dueOn!: string;
}

/** The reminder policy of the ente (BRIEF §5), as a whole: every field but the optional ones is required. */
export class ReminderPolicyDto {
  @ApiProperty({
    description: 'Days before the due date on which to write (1–366 each, at most 10)',
    example: [30, 7, 1],
    type: 'integer',
    isArray: true,
    maxItems: 10,
  })
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(366, { each: true })
  daysBefore!: number[];

  @ApiProperty({ description: 'Write on the due date itself', example: true })
  @IsBoolean()
  onTheDay!: boolean;

  @ApiProperty({ type: 'integer', description: 'Every N days while overdue; null: only the escalation', nullable: true, minimum: 1, maximum: 366, example: 7 })
  @ValidateIf((o: ReminderPolicyDto) => o.overdueEveryDays !== null)
  @IsInt()
  @Min(1)
  @Max(366)
  overdueEveryDays!: number | null;

  @ApiProperty({
    type: 'integer',
    description: 'Write to the Segretario once this many days overdue; null: never',
    nullable: true,
    minimum: 1,
    maximum: 366,
    example: 15,
  })
  @ValidateIf((o: ReminderPolicyDto) => o.escalateAfterDaysOverdue !== null)
  @IsInt()
  @Min(1)
  @Max(366)
  escalateAfterDaysOverdue!: number | null;

  @ApiProperty({ type: 'integer', description: 'Hour of the day (Italian time) reminders go out', minimum: 0, maximum: 23, example: 8 })
  @IsInt()
  @Min(0)
  @Max(23)
  sendHour!: number;

  @ApiPropertyOptional({ description: "The patron saint's day (MM-DD): nobody is written to on it", example: '06-24' })
  @ValidateIf((o: ReminderPolicyDto) => o.patronSaintDay !== undefined)
  @IsMonthDay()
  patronSaintDay?: string;

  @ApiProperty({ type: [CampaignCalendarEntryDto], description: 'The monitoring campaigns of every year (at most 12, one per reference day)', maxItems: 12 })
  @IsArray()
  @ArrayMaxSize(12)
  @HasUniqueValuesOf('asOf')
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CampaignCalendarEntryDto)
  monitoringCampaigns!: CampaignCalendarEntryDto[];

  @ApiProperty({ description: "The plan's approval by the Giunta, in its first year (MM-DD)", example: '01-31' })
  @IsMonthDay()
  planApprovalDue!: string;

  @ApiProperty({ description: 'The year-end report, in the year after the objective’s last (MM-DD)', example: '01-31' })
  @IsMonthDay()
  yearEndReportDue!: string;

  @ApiProperty({ description: "The NdV's validation, in the year after the plan's last (MM-DD)", example: '06-30' })
  @IsMonthDay()
  ndvValidationDue!: string;

  @ApiPropertyOptional({
    description: 'Who is written to for a vacant unit, the plan’s deadlines and escalations (a registered person)',
    maxLength: 200,
    example: 'comune-a:seg',
  })
  @ValidateIf((o: ReminderPolicyDto) => o.segretarioPersonId !== undefined)
  @IsString()
  @Matches(PERSON_ID, { message: 'segretarioPersonId must be a person id' })
  segretarioPersonId?: string;

  @ApiPropertyOptional({
    description: "Who is written to about the NdV's validation (registered people), at most 10",
    type: [String],
    maxItems: 10,
    example: ['comune-a:ndv'],
  })
  @ValidateIf((o: ReminderPolicyDto) => o.nucleoPersonIds !== undefined)
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(PERSON_ID, { each: true, message: 'nucleoPersonIds must be person ids' })
  nucleoPersonIds?: string[];
}

export class AdoptReminderPolicyDto extends GiuntaActCommandDto {
  @ApiProperty({ type: ReminderPolicyDto })
  @IsDefined()
  @IsObject()
  @NestedObject(() => ReminderPolicyDto)
  policy!: ReminderPolicyDto;
}

/** The policy as the domain takes it: a plain object with the fields given, nothing else. */
export function policyOf(dto: ReminderPolicyDto): ReminderPolicy {
  return {
    daysBefore: [...dto.daysBefore],
    onTheDay: dto.onTheDay,
    overdueEveryDays: dto.overdueEveryDays,
    escalateAfterDaysOverdue: dto.escalateAfterDaysOverdue,
    sendHour: dto.sendHour,
    ...(dto.patronSaintDay !== undefined ? { patronSaintDay: dto.patronSaintDay } : {}),
    monitoringCampaigns: dto.monitoringCampaigns.map((c) => ({ asOf: c.asOf, dueOn: c.dueOn })),
    planApprovalDue: dto.planApprovalDue,
    yearEndReportDue: dto.yearEndReportDue,
    ndvValidationDue: dto.ndvValidationDue,
    ...(dto.segretarioPersonId !== undefined ? { segretarioPersonId: dto.segretarioPersonId } : {}),
    ...(dto.nucleoPersonIds !== undefined ? { nucleoPersonIds: [...dto.nucleoPersonIds] } : {}),
  };
}

export class ReminderPreferencesDto extends CommandOptionsDto {
  @ApiProperty({ enum: REMINDER_CHANNELS, isArray: true, description: 'E-mail, in-app or both', example: ['email', 'in-app'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(REMINDER_CHANNELS.length)
  @ArrayUnique()
  @IsIn(REMINDER_CHANNELS, { each: true })
  channels!: ReminderChannel[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 10,
    description: 'People copied on the reminders (delegates), registered in the ente, not the person; at most 10. Absent: none',
    example: ['comune-a:vice'],
  })
  @ValidateIf((o: ReminderPreferencesDto) => o.copyTo !== undefined)
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(PERSON_ID, { each: true, message: 'copyTo must be person ids' })
  copyTo?: string[];
}

export class DeadlinesQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ enum: DEADLINE_STATUSES, default: 'open', description: 'open: still owed; closed: met, moved away or cancelled' })
  @IsOptional()
  @IsIn(DEADLINE_STATUSES)
  status?: DeadlineStatus;

  @ApiPropertyOptional({ description: 'Responsible unit' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(VISIBLE, { message: 'unitId must be visible characters' })
  unitId?: string;

  @ApiPropertyOptional({ enum: DEADLINE_KINDS })
  @IsOptional()
  @IsIn(DEADLINE_KINDS)
  kind?: string;

  @ApiPropertyOptional({ description: 'Dated deadlines due on or after this day' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Dated deadlines due on or before this day' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ description: "The dated list's `next` cursor" })
  @IsOptional()
  @Matches(CURSOR, { message: `cursor ${CURSOR_MESSAGE}` })
  cursor?: string;

  @ApiPropertyOptional({ description: "The undated list's `undatedNext` cursor" })
  @IsOptional()
  @Matches(CURSOR, { message: `undatedCursor ${CURSOR_MESSAGE}` })
  undatedCursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50, description: 'Page size of each list' })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class PageQueryDto {
  @ApiPropertyOptional({ description: "The previous page's `next` cursor" })
  @IsOptional()
  @Matches(CURSOR, { message: `cursor ${CURSOR_MESSAGE}` })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class ReminderDeadLettersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: "The deliveries list's `deliveriesNext` cursor" })
  @IsOptional()
  @Matches(CURSOR, { message: `deliveriesCursor ${CURSOR_MESSAGE}` })
  deliveriesCursor?: string;
}

/**
 * What Swagger UI pre-fills for `PUT /organisation/reminder-policy`: a policy the server accepts as it is (it names
 * nobody, so it needs no registered person), resting on a deliberation of the Giunta.
 */
export const ADOPT_REMINDER_POLICY_EXAMPLE: ExamplesObject = {
  policy: {
    summary: 'Reminders 30, 7 and 1 days before, on the day and weekly once overdue; the patron saint’s day is quiet',
    value: {
      policy: {
        daysBefore: [30, 7, 1],
        onTheDay: true,
        overdueEveryDays: 7,
        escalateAfterDaysOverdue: 15,
        sendHour: 8,
        patronSaintDay: '06-24',
        monitoringCampaigns: [{ asOf: '06-30', dueOn: '07-31' }],
        planApprovalDue: '01-31',
        yearEndReportDue: '02-28',
        ndvValidationDue: '06-30',
      },
      act: { number: '12', date: '2025-02-01' },
      reason: 'Calendario dei promemoria del ciclo della performance 2025',
    },
  },
};

/** What Swagger UI pre-fills for `PUT /people/{personId}/reminder-preferences`: accepted as it is (nobody in copy). */
export const REMINDER_PREFERENCES_EXAMPLE: ExamplesObject = {
  both: {
    summary: 'E-mail and in-app, nobody in copy',
    value: { channels: ['email', 'in-app'], copyTo: [], reason: 'Promemoria anche nell’area riservata' },
  },
};
