import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { planRedFlags } from '@piao/audit';
import { EVENT_STORE, type EventStore } from '@piao/event-store';
import { DOSSIER_REQUESTERS, RED_FLAG_KINDS, RED_FLAG_SEVERITIES } from '@piao/lifecycle';
import { requireRole } from '../auth/require-role';
import { Context, type RequestContext } from '../commands/request-context';
import { notFound } from '../problem-details/problem';
import { seesUnsharedEvaluations } from '../objectives/objective.views';
import { IsUuidAnyCase } from '../validation/validators';
import { ApiProblems } from '../openapi/api-problems';
import { RedFlagListView } from './audit.schemas';

export class RedFlagsQueryDto {
  @ApiProperty({ description: 'The plan whose objectives are examined' })
  @IsUuidAnyCase('planId')
  planId!: string;

  @ApiPropertyOptional({ description: 'One objective of the plan' })
  @IsOptional()
  @IsUuidAnyCase('objectiveId')
  objectiveId?: string;

  @ApiPropertyOptional({ enum: RED_FLAG_SEVERITIES })
  @IsOptional()
  @IsIn(RED_FLAG_SEVERITIES, { message: `severity must be one of: ${RED_FLAG_SEVERITIES.join(', ')}` })
  severity?: string;

  @ApiPropertyOptional({ enum: RED_FLAG_KINDS })
  @IsOptional()
  @IsIn(RED_FLAG_KINDS, { message: `kind must be one of: ${RED_FLAG_KINDS.join(', ')}` })
  kind?: string;
}

/**
 * Anticorruption red flags (docs/audit.md) of a plan's objectives, as the log stands now: each with its severity, an
 * Italian description and the events that prove it (their leaves are in the audit trail). The dossier holds the same,
 * as of its request.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/red-flags')
export class RedFlagsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @ApiOperation({
    operationId: 'listRedFlags',
    summary: "Anticorruption red flags of a plan's objectives, with severity and the proving events",
    description:
      'Roles: nucleo, rpct, segretario, admin. As the log stands now, narrowed by `objectiveId`, `severity` and `kind`; each flag names ' +
      'the events that prove it. A flag about an evaluation the NdV has not shared yet is shown to the NdV only.',
  })
  @ApiOkResponse({ type: RedFlagListView })
  @ApiProblems([404, 'The plan is not the ente’s'])
  async list(@Context() c: RequestContext, @Query() query: RedFlagsQueryDto): Promise<RedFlagListView> {
    requireRole(c.actor, DOSSIER_REQUESTERS, 'the red flags');
    const flags = await planRedFlags(this.store, c.actor.ente, query.planId, { seesUnsharedEvaluations: seesUnsharedEvaluations(c.actor) });
    if (!flags) throw notFound(`plan ${query.planId}`);
    const items = flags.filter(
      (f) =>
        (!query.objectiveId || f.objectiveId === query.objectiveId) &&
        (!query.severity || f.severity === query.severity) &&
        (!query.kind || f.kind === query.kind),
    );
    return { planId: query.planId, items };
  }
}
