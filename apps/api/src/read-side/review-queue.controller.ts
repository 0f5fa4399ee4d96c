import { Controller, Get, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ReadModelQueries, type ReviewKind } from '@piao/read-models';
import { requireRole } from '../auth/require-role';
import { Context, type RequestContext } from '../commands/request-context';
import { ReadQueryDto } from './query.dto';
import { ReadYourWritesInterceptor } from './read-your-writes';

/** More than any ente has waiting at once; the rest would come after the first are dealt with. */
const MAX_QUEUED = 1_000;
const REVIEW_KINDS: ReviewKind[] = ['proposal', 'monitoring-report', 'year-end-report', 'reprogramming'];

export class ReviewItemView {
  @ApiProperty({ enum: REVIEW_KINDS, description: 'What awaits: a proposal to approve or return, a report to validate or return, a reprogramming to decide' })
  kind!: ReviewKind;
  @ApiProperty() planId!: string;
  @ApiProperty() planTitle!: string;
  @ApiProperty() objectiveId!: string;
  @ApiProperty({ example: 'S08_01' }) code!: string;
  @ApiProperty() title!: string;
  @ApiProperty() responsibleUnitId!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The monitoring date of a monitoring report', example: '2025-07-31' })
  asOf!: string | null;
  @ApiProperty({
    description: 'When the event that put it in the queue occurred (its occurredAt: a date, or an instant): how long it has waited',
    example: '2025-08-01',
  })
  since!: string;
  @ApiProperty({ description: 'When that event was recorded' }) recordedAt!: string;
  @ApiProperty({ description: 'The objective’s revision, for the decision’s `expectedRevision`' }) revision!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Who submitted a report (their person id); null for a proposal or a reprogramming. Nobody validates or returns their own report ' +
      '(422 `self-validation-forbidden`): a Segretario’s own waits for another Segretario or the substitute designated',
    example: 'rossi',
  })
  submittedBy!: string | null;
}

export class ReviewQueueView {
  @ApiProperty({ type: [ReviewItemView], description: 'Oldest first (at most 1,000)' }) items!: ReviewItemView[];
}

/**
 * The Segretario's queue (the web interface's "Da esaminare"): what waits for their decision across the ente's plans,
 * read from the read models in two queries, however many objectives the plans hold.
 */
@ApiTags('read-side')
@ApiBearerAuth()
@Controller('review-queue')
@UseInterceptors(ReadYourWritesInterceptor)
export class ReviewQueueController {
  constructor(private readonly queries: ReadModelQueries) {}

  @Get()
  @ApiOperation({
    operationId: 'getReviewQueue',
    summary: 'What awaits the Segretario',
    description: [
      'Across the ente’s plans that are not closed: objectives proposed, monitoring and year-end reports submitted, reprogrammings',
      'proposed, each with the time it was submitted, oldest first. `after` waits for a command’s position (read-your-writes).',
      '',
      'Role: segretario (anybody else: 403 `role-not-allowed`).',
    ].join('\n'),
  })
  @ApiOkResponse({ type: ReviewQueueView })
  async queue(@Context() c: RequestContext, @Query() _query: ReadQueryDto): Promise<ReviewQueueView> {
    requireRole(c.actor, ['segretario'], 'the review queue');
    return { items: await this.queries.reviewQueue(c.actor.ente, MAX_QUEUED) };
  }
}
