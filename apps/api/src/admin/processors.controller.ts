import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ProcessorsHost } from '@piao/application';
import { NotPermitted } from '@piao/lifecycle';
import { formatPosition, PROCESSOR_STORE, type DeadLetter, type ProcessorStore } from '@piao/event-store';
import { Context, type RequestContext } from '../commands/request-context';
import { IgnoresIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { ProblemException } from '../problem-details/problem';
import { ApiProblems } from '../openapi/api-problems';
import { DeadLettersView, ProcessorsView, ReplayResult } from './operations.schemas';

/** Names of processors and streams: printable characters, no NUL nor other control characters. */
const VISIBLE = /^[^\p{Cc}\p{Cs}]+$/u;

export class DeadLettersQueryDto {
  // No examples: Swagger UI would pre-fill them, and a filter made up would match nothing.
  @ApiPropertyOptional({ description: 'Only the letters of this processor (e.g. `read-models`)', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(VISIBLE, { message: 'processor must be visible characters' })
  processor?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: '`false`: resolved (replayed) letters too' })
  @IsOptional()
  @IsIn(['true', 'false'])
  unresolved?: 'true' | 'false';

  /** The id of the last letter of the previous page. */
  @ApiPropertyOptional({ description: 'The previous page’s `next`: the id of its last letter', pattern: '^\\d{1,18}$' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'afterId must be the id of a dead letter' })
  afterId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ReplayDto {
  @ApiProperty({ description: 'The processor that parked the events (`GET /admin/dead-letters`)', maxLength: 100, example: 'read-models' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(VISIBLE, { message: 'processor must be visible characters' })
  processor!: string;

  /** The stream whose parked events are replayed, in log order. */
  @ApiProperty({
    description: 'The stream whose parked events are replayed, in log order (`event.streamId` of a dead letter)',
    maxLength: 200,
    example: 'objective-0b6f3a52-8c1e-4d7a-9f3b-2e5c4a1d7b90',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(VISIBLE, { message: 'streamId must be visible characters' })
  streamId!: string;
}

/**
 * The processors for the ente's administrator: how far each one lags behind the log, the events of this ente that
 * a processor parked (with the error), and the replay of a stream's parked events once the cause is fixed.
 * Another ente's parked events are neither listed nor replayable.
 */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('admin')
export class ProcessorsController {
  constructor(
    private readonly host: ProcessorsHost,
    @Inject(PROCESSOR_STORE) private readonly store: ProcessorStore,
  ) {}

  @Get('processors')
  @ApiOperation({
    operationId: 'listProcessors',
    summary: 'Each processor: state, position, lag, parked events',
    description: 'Role: admin. Parked events are counted for the admin’s own ente only.',
  })
  @ApiOkResponse({ type: ProcessorsView, description: 'Every processor of the installation' })
  async processors(@Context() c: RequestContext) {
    requireAdmin(c);
    // Parked events are counted for the admin's own ente only.
    return { processors: await this.host.lag(c.actor.ente) };
  }

  @Get('dead-letters')
  @ApiOperation({
    operationId: 'listProcessorDeadLetters',
    summary: 'Events of the ente that a processor parked after failing to handle them',
    description: [
      'Role: admin. Oldest first, with the error; unresolved ones only unless `unresolved=false`; `next` → `afterId=`.',
      'Another ente’s parked events are not listed.',
    ].join('\n'),
  })
  @ApiOkResponse({ type: DeadLettersView, description: 'One page' })
  async deadLetters(@Context() c: RequestContext, @Query() query: DeadLettersQueryDto) {
    requireAdmin(c);
    const limit = query.limit ?? 100;
    const letters = await this.store.deadLetters({
      processor: query.processor,
      ente: c.actor.ente,
      unresolved: query.unresolved !== 'false',
      limit,
      afterId: query.afterId,
    });
    return { deadLetters: letters.map(view), next: letters.length === limit ? letters[letters.length - 1].id : null };
  }

  @Post('dead-letters/replay')
  @HttpCode(202)
  @IgnoresIdempotencyKey()
  @ApiOperation({
    operationId: 'replayDeadLetters',
    summary: "Replay a stream's parked events, after a fix",
    description: [
      'Role: admin. Marks the stream’s unresolved letters of that processor for replay; the processor’s active instance',
      'replays them within seconds (`GET /admin/dead-letters` shows `replayRequestedAt`, then `resolvedAt`). Idempotent in',
      'itself: `Idempotency-Key` is ignored. Another ente’s stream is answered like one with nothing parked (`requested: 0`).',
    ].join('\n'),
  })
  @ApiAcceptedResponse({ type: ReplayResult, description: 'Requested' })
  @ApiProblems([409, 'The processor keeps the log’s order (`/problems/replay-refused`): its parked events are fixed by a rebuild, not replayed'])
  async replay(@Context() c: RequestContext, @Body() dto: ReplayDto) {
    requireAdmin(c);
    // A processor whose output is the log in its order (the audit tree) would put a replayed event out of place, and
    // every later verification would fail on it: its fix is a rebuild (docs/audit.md), not a replay.
    if (!this.host.replayable(dto.processor))
      throw new ProblemException({
        type: '/problems/replay-refused',
        title: 'Replay refused',
        status: 409,
        detail: `${dto.processor} keeps the log’s order: an event it parked cannot be replayed out of place (see docs/audit.md)`,
      });
    const mine = await this.store.deadLetters({ processor: dto.processor, ente: c.actor.ente, streamId: dto.streamId, unresolved: true, limit: 1 });
    // Another ente's stream is answered like one with nothing parked: its existence is not disclosed.
    const requested = mine.length > 0 ? await this.store.requestReplay(dto.processor, dto.streamId) : 0;
    return { processor: dto.processor, streamId: dto.streamId, requested };
  }
}

function requireAdmin(c: RequestContext): void {
  if (!c.actor.roles.includes('admin')) throw new NotPermitted('role-not-allowed', 'the processors are reserved to: admin');
}

function view(letter: DeadLetter) {
  const { event } = letter;
  return {
    id: letter.id,
    processor: letter.processor,
    event: { id: event.id, streamId: event.streamId, revision: event.revision, type: event.type, position: formatPosition(event.position) },
    error: letter.error,
    attempts: letter.attempts,
    heldBack: letter.heldBack,
    parkedAt: letter.parkedAt.toISOString(),
    replayRequestedAt: letter.replayRequestedAt?.toISOString() ?? null,
    resolvedAt: letter.resolvedAt?.toISOString() ?? null,
  };
}
