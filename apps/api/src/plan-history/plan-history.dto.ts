import { type Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, validateSync } from 'class-validator';
import { MAX_HISTORY_STEPS, type HistoryDraft, type HistoryProblem, type HistoryStep } from '@piao/application';
import { ROLES, type Role } from '@piao/lifecycle';
import { CommandOptionsDto, GiuntaActDto } from '../commands/command-options.dto';
import { DefinitionCommandDto, OBJECTIVE_CODE, OBJECTIVE_CODE_RULE } from '../objectives/objective-command.dto';
import { definitionOf, OBJECTIVE_ACTIONS } from '../objectives/objective-actions';
import { PLAN_ACTIONS } from '../plans/plan-actions';
import { ProblemException, type FieldError } from '../problem-details/problem';
import { IsCalendarDate } from '../validation/validators';
import { flatten } from '../validation/validation-pipe';

/**
 * The actions a step may take. On the plan (no `objective`): the plan routes' (plan-actions.ts). On an objective (its
 * code in `objective`): `draft`, which drafts it into the plan under that code with the body of
 * `POST /plans/{planId}/objectives` (its `definition`), and the objective routes' (objective-actions.ts). The names
 * `approve` and `close` are both: the step's `objective` says which.
 */
interface StepAction {
  dto: Type<CommandOptionsDto>;
  command(dto: CommandOptionsDto): NonNullable<HistoryStep['command']>;
}
const DRAFT = {
  dto: DefinitionCommandDto,
  command(dto: DefinitionCommandDto): HistoryDraft {
    return { type: 'DraftObjective', definition: definitionOf(dto.definition) };
  },
};
const ON_OBJECTIVE: Record<string, StepAction> = { draft: DRAFT, ...OBJECTIVE_ACTIONS };
const ON_PLAN: Record<string, StepAction> = PLAN_ACTIONS;
export const HISTORY_ACTIONS = [...new Set([...Object.keys(ON_PLAN), ...Object.keys(ON_OBJECTIVE)])];

/** Who did what, to what: what every step says before the fields of its action. */
export class HistoryStepHeaderDto {
  @ApiProperty({ description: 'The person who did it: a `personId` the ente has registered (`GET /organisation`)', example: 'bianchi' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  by!: string;

  @ApiProperty({
    enum: ROLES,
    description: 'The role they did it in; a `dirigente` acts for the units they headed on `occurredOn`',
    example: 'dirigente',
  })
  @IsIn(ROLES)
  role!: Role;

  @ApiProperty({
    enum: HISTORY_ACTIONS,
    description:
      'What they did, as the route of that command: on the plan (no `objective`) `submit`, `approve`, `open-monitoring-campaign`, ' +
      '`close-monitoring-campaign`, `close`; on an objective `draft` (with `definition`, as `POST /plans/{planId}/objectives`), `update-draft`, ' +
      '`propose`, `return`, `approve`, `phase-progress`, `indicator-value`, `monitoring-report`, `validate-monitoring-report`, ' +
      '`return-monitoring-report`, `reprogramming`, `approve-reprogramming`, `reject-reprogramming`, `reassign`, `cancel`, `year-end-report`, ' +
      '`validate-year-end-report`, `return-year-end-report`, `evaluation`, `share-evaluation`, `contest-evaluation`, `confirm-evaluation`, `close`',
    example: 'propose',
  })
  @IsIn(HISTORY_ACTIONS)
  action!: string;

  @ApiPropertyOptional({
    description: 'The objective’s code in this plan (for `draft`, the code it gets); absent for a step on the plan',
    example: '2024_S08_04',
  })
  @IsOptional()
  @IsString()
  @Matches(OBJECTIVE_CODE, { message: OBJECTIVE_CODE_RULE })
  objective?: string;
}

/** One step, as the OpenAPI document shows it: the header, the business date, and the fields of the action's route. */
export class HistoryStepDto extends HistoryStepHeaderDto {
  @ApiProperty({ description: 'When it happened (YYYY-MM-DD or DD/MM/YYYY): not after today, nor before the step before it', example: '2024-02-10' })
  @IsCalendarDate()
  occurredOn!: string;

  @ApiPropertyOptional({ type: GiuntaActDto, description: "The Giunta's deliberation, where the action's route takes one; not dated after `occurredOn`" })
  act?: GiuntaActDto;

  @ApiPropertyOptional({ description: 'Why, as the action’s route takes it', example: 'Indicare la fonte dei dati degli indicatori' })
  reason?: string;
}

export class PlanHistoryDto {
  @ApiProperty({
    type: 'array',
    minItems: 1,
    maxItems: MAX_HISTORY_STEPS,
    items: {
      allOf: [
        { $ref: getSchemaPath(HistoryStepDto) },
        {
          type: 'object',
          additionalProperties: true,
          description: 'Beside the header, the fields of the action’s route body (`phaseId`, `asOf`, `definition`…); not `expectedRevision`',
        },
      ],
    },
    description: 'What happened, in the order it happened (business dates never decreasing): each step is checked as its route would check it',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_HISTORY_STEPS)
  steps!: unknown[];
}

const VALIDATION = { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } };

/** Each step of the request read as its route would read its body: the step, or what makes it unreadable (a line of the report). */
export function historySteps(steps: unknown[]): HistoryStep[] {
  return steps.map((raw, index) => readStep(raw, `steps.${index}`));
}

function readStep(raw: unknown, at: string): HistoryStep {
  // What the step says of itself is kept for the report, even when it cannot be read.
  const unreadable = (action: unknown, objective: unknown, errors: FieldError[]): HistoryStep => ({
    action: typeof action === 'string' ? action : '',
    ...(typeof objective === 'string' ? { objective } : {}),
    by: '',
    role: 'admin',
    occurredOn: '',
    problem: problemOf(errors),
  });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return unreadable(undefined, undefined, [
      { field: at, rule: 'nested-object', message: `${at} must be an object: { "by", "role", "occurredOn", "action", … }` },
    ]);
  }
  const { by, role, action, objective, ...body } = raw as Record<string, unknown>;
  const headerErrors = validateSync(plainToInstance(HistoryStepHeaderDto, { by, role, action, objective }, { enableImplicitConversion: false }), VALIDATION);
  if (headerErrors.length > 0) return unreadable(action, objective, flatten(headerErrors, at));
  const name = action as string;
  const code = objective as string | undefined;
  const taken = code === undefined ? ON_PLAN[name] : ON_OBJECTIVE[name];
  if (!taken) {
    const message =
      code === undefined ? `${name} is an action on an objective: give its code in objective` : `${name} is an action on the plan: leave objective out`;
    return unreadable(name, code, [{ field: `${at}.objective`, rule: code === undefined ? 'objective-required' : 'objective-not-allowed', message }]);
  }
  const errors: FieldError[] = [];
  if (body.occurredOn === undefined) {
    errors.push({ field: `${at}.occurredOn`, rule: 'isDefined', message: `${at}.occurredOn (the business date) is required for every step` });
  }
  if ('expectedRevision' in body) {
    errors.push({
      field: `${at}.expectedRevision`,
      rule: 'unknown-field',
      message: `${at}.expectedRevision: a step takes none, a history is decided on the plan as it stands`,
    });
  }
  const dto = plainToInstance(taken.dto, body, { enableImplicitConversion: false });
  errors.push(...flatten(validateSync(dto, VALIDATION), at));
  if (errors.length > 0) return unreadable(name, code, errors);
  let command: HistoryStep['command'];
  try {
    command = taken.command(dto);
  } catch (error) {
    // A definition that does not hold together (toDefinition): its fields, named as drafting names them.
    if (error instanceof ProblemException && error.problem.errors) {
      return unreadable(
        name,
        code,
        error.problem.errors.map((e) => ({ ...e, field: `${at}.${e.field}`, message: `${at}.${e.field}: ${e.message}` })),
      );
    }
    throw error;
  }
  const act = (dto as { act?: GiuntaActDto }).act;
  return {
    action: name,
    ...(code !== undefined ? { objective: code.trim() } : {}),
    by: by as string,
    role: role as Role,
    occurredOn: dto.occurredOn!,
    ...(act ? { act: { number: act.number, date: act.date } } : {}),
    ...(dto.reason !== undefined ? { reason: dto.reason } : {}),
    command,
  };
}

/** The first bad field names the problem; the message lists every one, so that a step is fixed in one go. */
function problemOf(errors: FieldError[]): HistoryProblem {
  const [first] = errors;
  return { field: first.field, rule: first.rule, message: errors.map((e) => e.message).join('; ') };
}
