import { type CommandOutcome } from '@piao/application';
import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type OrganisationCommand, type OrganisationState } from '@piao/lifecycle';
import { formatPosition } from '@piao/event-store';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import { CreateUnitDto, EndHeadshipDto, HeadshipDto, RegisterPersonDto, ScoringSystemDto, slugOf } from './organisation.dto';
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
  @ApiOperation({ summary: 'Units, people and headships of the ente' })
  async read(@Context() context: RequestContext) {
    const { units, people, headships, scoringSystem } = await this.directory.load(context.actor.ente);
    return { ente: context.actor.ente, units: Object.values(units), people: Object.values(people), headships, scoringSystem: scoringSystem ?? null };
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
