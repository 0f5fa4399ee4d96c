import { type CommandOutcome } from '@piao/application';
import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type OrganisationCommand, type OrganisationState } from '@piao/lifecycle';
import { formatPosition } from '@piao/event-store';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import {
  CreateUnitDto,
  EndHeadshipDto,
  EndUnitAssignmentDto,
  HeadshipDto,
  RegisterPersonDto,
  ScoringSystemDto,
  slugOf,
  UnitAssignmentDto,
} from './organisation.dto';
import { EndSubstituteValidatorDto, SubstituteValidatorDto } from './substitute-validator.dto';
import { OrganisationDirectory, RunOrganisationCommand } from '@piao/application';
import { type CommandOptionsDto } from '../commands/command-options.dto';

@ApiTags('organisation')
@ApiBearerAuth()
@Controller('organisation')
export class OrganisationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Units, people, headships, unit assignments and substitute validators of the ente' })
  async read(@Context() context: RequestContext) {
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
  @ApiOperation({ summary: 'Create a unit (settore, direzione, …): admin' })
  createUnit(@Context() context: RequestContext, @Body() dto: CreateUnitDto) {
    const unitId = dto.unitId ?? slugOf(dto.name);
    return this.run(context, dto, { type: 'CreateUnit', unitId, name: dto.name.trim(), kind: dto.kind }, { unitId });
  }

  @Post('people')
  @ApiOperation({ summary: 'Register a person of the ente: admin' })
  registerPerson(@Context() context: RequestContext, @Body() dto: RegisterPersonDto) {
    return this.run(context, dto, { type: 'RegisterPerson', personId: dto.personId, name: dto.name.trim(), email: dto.email }, { personId: dto.personId });
  }

  @Post('headships')
  @ApiOperation({ summary: 'Appoint the head of a unit from a date, optionally to a date: admin' })
  assignHead(@Context() context: RequestContext, @Body() dto: HeadshipDto) {
    return this.run(context, dto, { type: 'AssignUnitHead', unitId: dto.unitId, personId: dto.personId, from: dto.from, to: dto.to }, {});
  }

  @Post('headships/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a headship on a date: admin' })
  endHeadship(@Context() context: RequestContext, @Body() dto: EndHeadshipDto) {
    return this.run(context, dto, { type: 'EndUnitHeadship', unitId: dto.unitId, personId: dto.personId, from: dto.from, to: dto.to }, {});
  }

  @Post('unit-assignments')
  @ApiOperation({ summary: 'Assign a person to work in a unit from a date, optionally to a date (heads are appointed under headships): admin' })
  assignToUnit(@Context() context: RequestContext, @Body() dto: UnitAssignmentDto) {
    return this.run(context, dto, { type: 'AssignPersonToUnit', unitId: dto.unitId, personId: dto.personId, from: dto.from, to: dto.to }, {});
  }

  @Post('unit-assignments/end')
  @HttpCode(200)
  @ApiOperation({ summary: "End a person's assignment to a unit on a date: admin" })
  endUnitAssignment(@Context() context: RequestContext, @Body() dto: EndUnitAssignmentDto) {
    return this.run(context, dto, { type: 'EndUnitAssignment', unitId: dto.unitId, personId: dto.personId, from: dto.from, to: dto.to }, {});
  }

  @Post('substitute-validators')
  @ApiOperation({
    summary:
      'Designate, by an act, who validates the reports the Segretario may not (of units he heads or works in), from a date, optionally to a date: admin or segretario',
  })
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
  @ApiOperation({ summary: 'End the designation of a substitute validator on a date: admin or segretario' })
  endSubstituteValidator(@Context() context: RequestContext, @Body() dto: EndSubstituteValidatorDto) {
    const { personId, segretarioPersonId, from, to } = dto;
    return this.run(context, dto, { type: 'EndSubstituteValidatorDesignation', personId, segretarioPersonId, from, to }, { personId });
  }

  @Post('scoring-system')
  @HttpCode(200)
  @ApiOperation({ summary: "Adopt the ente's SMVP: scoring basis and scale (bands such as 0/50/75/100, a 1–5 scale, or linear): admin or segretario" })
  adoptScoringSystem(@Context() context: RequestContext, @Body() dto: ScoringSystemDto) {
    const scale =
      dto.scale.kind === 'bands'
        ? { kind: 'bands' as const, bands: (dto.scale.bands ?? []).map((b) => ({ fromPercent: b.fromPercent, score: b.score })) }
        : { kind: 'linear' as const };
    return this.run(context, dto, { type: 'AdoptScoringSystem', system: { basis: dto.basis, scale } }, {});
  }

  private async run(context: RequestContext, dto: CommandOptionsDto, command: OrganisationCommand, ids: Record<string, string>) {
    const render = (outcome: CommandOutcome<OrganisationState>) => ({
      ...ids,
      revision: outcome.revision,
      position: outcome.position ? formatPosition(outcome.position) : null,
      recorded: outcome.recorded.map((e) => e.type),
    });
    return render(await this.commands.execute(new RunOrganisationCommand(command, commandRequest(context, dto, render))));
  }
}
