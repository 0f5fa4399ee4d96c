import { type CommandOutcome } from '@piao/application';
import { applyDecorators, Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { indicatorTypeCatalogue, type OrganisationCommand, type OrganisationState } from '@piao/lifecycle';
import { formatPosition } from '@piao/event-store';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import {
  CreateUnitDto,
  EndHeadshipDto,
  EndUnitAssignmentDto,
  HeadshipDto,
  IndicatorTypeDto,
  RegisterPersonDto,
  ScoringSystemDto,
  slugOf,
  UnitAssignmentDto,
} from './organisation.dto';
import { EndSubstituteValidatorDto, SubstituteValidatorDto } from './substitute-validator.dto';
import { OrganisationDirectory, RunOrganisationCommand } from '@piao/application';
import { ApiCommandBody, type CommandOptionsDto } from '../commands/command-options.dto';
import { IndicatorTypeCatalogueView, OrganisationCommandResult, OrganisationView } from './organisation.schemas';

/** A command on the ente's organisation: the ids it concerns, and what it recorded. */
function OrganisationCommandRoute(status: 200 | 201, operationId: string, summary: string, description: string[]): MethodDecorator {
  const answer = { type: OrganisationCommandResult, description: 'What the command recorded, and the organisation’s new revision' };
  return applyDecorators(
    ApiOperation({ operationId, summary, description: description.join('\n') }),
    status === 201 ? ApiCreatedResponse(answer) : ApiOkResponse(answer),
  );
}

const ADMIN = 'Who: the `admin`.';
const ADMIN_OR_SEGRETARIO = 'Who: the `admin` or the `segretario`.';

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('organisation')
export class OrganisationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getOrganisation',
    summary: "Get the ente's organisation",
    description: [
      'Units, people, headships, unit assignments, substitute validators and the SMVP adopted, of the token’s ente.',
      '',
      'Any role of the ente may call it.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: OrganisationView, description: 'The organisation as it stands' })
  async read(@Context() context: RequestContext): Promise<OrganisationView> {
    const { units, people, headships, unitAssignments, substituteValidators, scoringSystem } = await this.directory.load(context.actor.ente);
    return {
      ente: context.actor.ente,
      units: Object.values(units),
      people: Object.values(people),
      headships,
      unitAssignments: unitAssignments ?? [],
      substituteValidators: substituteValidators ?? [],
      scoringSystem: scoringSystem ?? null,
    };
  }

  @Post('units')
  @ApiCommandBody(CreateUnitDto, 'The Settore Welfare', { unitId: 'welfare', name: 'Settore Welfare e Politiche Abitative', kind: 'settore' })
  @OrganisationCommandRoute(201, 'createUnit', 'Create a unit', [
    'Creates a unit of the ente (settore, direzione, servizio, …). `unitId` is derived from the name when absent; names are unique, in any case.',
    '',
    ADMIN,
  ])
  createUnit(@Context() context: RequestContext, @Body() dto: CreateUnitDto) {
    const unitId = dto.unitId ?? slugOf(dto.name);
    return this.run(context, dto, { type: 'CreateUnit', unitId, name: dto.name.trim(), kind: dto.kind }, { unitId });
  }

  @Post('people')
  @ApiCommandBody(RegisterPersonDto, 'Mario Rossi', { personId: 'mrossi', name: 'Mario Rossi', email: 'mario.rossi@comune.esempio.it' })
  @OrganisationCommandRoute(201, 'registerPerson', 'Register a person', [
    'Registers a person of the ente under their `sub` at the identity provider, so that they can head a unit, work in one or be designated.',
    '',
    ADMIN,
  ])
  registerPerson(@Context() context: RequestContext, @Body() dto: RegisterPersonDto) {
    return this.run(context, dto, { type: 'RegisterPerson', personId: dto.personId, name: dto.name.trim(), email: dto.email }, { personId: dto.personId });
  }

  @Post('headships')
  @ApiCommandBody(HeadshipDto, 'Mario Rossi heads the Settore Welfare from 01/01', { unitId: 'welfare', personId: 'mrossi', from: '2025-01-01' })
  @OrganisationCommandRoute(201, 'assignUnitHead', 'Appoint the head of a unit', [
    'Appoints a registered person head of a unit from a date, optionally to a date; headships of a unit may not overlap. The head is the',
    '`dirigente` who acts for the unit’s objectives.',
    '',
    ADMIN,
  ])
  assignHead(@Context() context: RequestContext, @Body() dto: HeadshipDto) {
    const { unitId, personId, from, to, interim } = dto;
    return this.run(context, dto, { type: 'AssignUnitHead', unitId, personId, from, to, ...(interim ? { interim } : {}) }, {});
  }

  @Post('headships/end')
  @HttpCode(200)
  @ApiCommandBody(EndHeadshipDto, 'Until 30/04', { unitId: 'welfare', personId: 'mrossi', from: '2025-01-01', to: '2025-04-30' })
  @OrganisationCommandRoute(200, 'endUnitHeadship', 'End a headship', [
    'Ends a headship, named by unit, person and first day (`from`), on its last day (`to`).',
    '',
    ADMIN,
  ])
  endHeadship(@Context() context: RequestContext, @Body() dto: EndHeadshipDto) {
    return this.run(context, dto, { type: 'EndUnitHeadship', unitId: dto.unitId, personId: dto.personId, from: dto.from, to: dto.to }, {});
  }

  @Post('unit-assignments')
  @ApiCommandBody(UnitAssignmentDto, 'Mario Rossi works in the Settore Welfare from 01/01', { unitId: 'welfare', personId: 'mrossi', from: '2025-01-01' })
  @OrganisationCommandRoute(201, 'assignPersonToUnit', 'Assign a person to a unit', [
    'Records that a person works in a unit from a date, optionally to a date (heads are appointed under `headships`): nobody judges the work of',
    'a unit they belong to (docs/segregation-of-duties.md).',
    '',
    ADMIN,
  ])
  assignToUnit(@Context() context: RequestContext, @Body() dto: UnitAssignmentDto) {
    return this.run(context, dto, { type: 'AssignPersonToUnit', unitId: dto.unitId, personId: dto.personId, from: dto.from, to: dto.to }, {});
  }

  @Post('unit-assignments/end')
  @HttpCode(200)
  @ApiCommandBody(EndUnitAssignmentDto, 'Until 30/04', { unitId: 'welfare', personId: 'mrossi', from: '2025-01-01', to: '2025-04-30' })
  @OrganisationCommandRoute(200, 'endUnitAssignment', "End a person's assignment to a unit", [
    'Ends an assignment, named by unit, person and first day (`from`), on its last day (`to`).',
    '',
    ADMIN,
  ])
  endUnitAssignment(@Context() context: RequestContext, @Body() dto: EndUnitAssignmentDto) {
    return this.run(context, dto, { type: 'EndUnitAssignment', unitId: dto.unitId, personId: dto.personId, from: dto.from, to: dto.to }, {});
  }

  @Post('substitute-validators')
  @ApiCommandBody(SubstituteValidatorDto, "The Segretario's own substitute, by the Sindaco's decree", {
    personId: 'vbianchi',
    from: '2025-01-10',
    act: { number: '12', date: '2025-01-10' },
  })
  @OrganisationCommandRoute(201, 'designateSubstituteValidator', 'Designate a substitute validator', [
    'Designates, by an act (a decree of the Sindaco or a deliberation: `act` required), who validates in the Segretario’s stead the reports he',
    'may not validate (of units he heads or works in), from a date, optionally to a date (docs/segregation-of-duties.md).',
    '',
    'Who: the `segretario`, for himself only (`segretarioPersonId` absent or his own `sub`).',
  ])
  designateSubstituteValidator(@Context() context: RequestContext, @Body() dto: SubstituteValidatorDto) {
    const { personId, segretarioPersonId, from, to, act } = dto;
    return this.run(
      context,
      dto,
      { type: 'DesignateSubstituteValidator', personId, segretarioPersonId, from, to, act: { number: act.number, date: act.date } },
      { personId },
    );
  }

  @Post('substitute-validators/end')
  @HttpCode(200)
  @ApiCommandBody(EndSubstituteValidatorDto, 'Until 30/06', { personId: 'vbianchi', from: '2025-01-10', to: '2025-06-30' })
  @OrganisationCommandRoute(200, 'endSubstituteValidatorDesignation', "End a substitute validator's designation", [
    'Ends a designation, named by the person, the Segretario and its first day (`from`), on its last day (`to`). The `admin` must name the',
    'Segretario (`segretarioPersonId`).',
    '',
    ADMIN_OR_SEGRETARIO,
  ])
  endSubstituteValidator(@Context() context: RequestContext, @Body() dto: EndSubstituteValidatorDto) {
    const { personId, segretarioPersonId, from, to } = dto;
    return this.run(context, dto, { type: 'EndSubstituteValidatorDesignation', personId, segretarioPersonId, from, to }, { personId });
  }

  @Post('scoring-system')
  @HttpCode(200)
  @ApiCommandBody(ScoringSystemDto, 'Bands 0/50/75/100 on the mean of phases and indicators', {
    basis: 'mean',
    scale: {
      kind: 'bands',
      bands: [
        { fromPercent: 0, score: 0 },
        { fromPercent: 50, score: 50 },
        { fromPercent: 75, score: 75 },
        { fromPercent: 100, score: 100 },
      ],
    },
  })
  @OrganisationCommandRoute(200, 'adoptScoringSystem', "Adopt the ente's scoring system", [
    'Adopts the ente’s SMVP: what an objective is scored on (`basis`) and the scale (linear, or bands such as 0/50/75/100 or 1–5). Each',
    'adoption replaces the previous one, for the scores computed from then on.',
    '',
    ADMIN_OR_SEGRETARIO,
  ])
  adoptScoringSystem(@Context() context: RequestContext, @Body() dto: ScoringSystemDto) {
    const scale =
      dto.scale.kind === 'bands'
        ? { kind: 'bands' as const, bands: (dto.scale.bands ?? []).map((b) => ({ fromPercent: b.fromPercent, score: b.score })) }
        : { kind: 'linear' as const };
    return this.run(context, dto, { type: 'AdoptScoringSystem', system: { basis: dto.basis, scale } }, {});
  }

  @Get('indicator-types')
  @ApiOperation({
    operationId: 'listIndicatorTypes',
    summary: "List the ente's indicator types",
    description: [
      'The catalogue an indicator’s `type` is an id of: the standard types (efficacia, efficienza, economicita, qualita, quantita, tempo, costo,',
      'output, outcome, attivita-processo, impatto), then the ente’s own. A type as written (`typeAsWritten`) resolves to the type whose id,',
      'label or synonym it is, whatever its case, accents and punctuation.',
      '',
      'Any role of the ente may call it.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: IndicatorTypeCatalogueView, description: 'The catalogue, standard types first' })
  async indicatorTypes(@Context() context: RequestContext): Promise<IndicatorTypeCatalogueView> {
    const organisation = await this.directory.load(context.actor.ente);
    return {
      ente: context.actor.ente,
      types: indicatorTypeCatalogue(organisation).map(({ typeId, label, synonyms, standard }) => ({
        typeId,
        label,
        synonyms: [...(synonyms ?? [])],
        standard,
      })),
    };
  }

  @Post('indicator-types')
  @ApiCommandBody(IndicatorTypeDto, 'An own type', { typeId: 'sviluppo-digitale', label: 'Sviluppo digitale', synonyms: ['digitalizzazione'] })
  @OrganisationCommandRoute(201, 'defineIndicatorType', 'Define an indicator type of the ente', [
    'Adds a type to the ente’s catalogue of indicator types, beside the standard ones. The id must be new, and its id, label and synonyms',
    'must name no other type (422 `indicator-type-already-exists`, `indicator-type-name-taken`), so that a type as written resolves to one',
    'type. Defining again a type as it is records nothing; a type is never redefined otherwise (objectives name it).',
    '',
    'Who: the `segretario`.',
  ])
  defineIndicatorType(@Context() context: RequestContext, @Body() dto: IndicatorTypeDto) {
    const command: OrganisationCommand = {
      type: 'DefineIndicatorType',
      typeId: dto.typeId,
      label: dto.label.trim(),
      ...(dto.synonyms ? { synonyms: dto.synonyms.map((s) => s.trim()) } : {}),
    };
    return this.run(context, dto, command, { typeId: dto.typeId });
  }

  private async run(
    context: RequestContext,
    dto: CommandOptionsDto,
    command: OrganisationCommand,
    ids: Pick<OrganisationCommandResult, 'unitId' | 'personId' | 'typeId'>,
  ): Promise<OrganisationCommandResult> {
    const render = (outcome: CommandOutcome<OrganisationState>): OrganisationCommandResult => ({
      ...ids,
      revision: outcome.revision,
      position: outcome.position ? formatPosition(outcome.position) : null,
      recorded: outcome.recorded.map((e) => e.type),
    });
    return render(await this.commands.execute(new RunOrganisationCommand(command, commandRequest(context, dto, render))));
  }
}
