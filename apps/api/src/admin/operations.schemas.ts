import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/**
 * The answers of the operations routes: liveness and readiness (health.controller.ts), the processors and their dead
 * letters (processors.controller.ts). The Prometheus text of /metrics is a string (metrics.controller.ts).
 */

const PROCESSOR_STATES = ['active', 'standby', 'stopped'] as const;

/** How far one processor follows the log. */
export class ProcessorLagView {
  @ApiProperty({ description: 'The processor', example: 'read-models' })
  name!: string;

  @ApiProperty({
    enum: PROCESSOR_STATES,
    description: "This process's instance: active (holds the lease), standby, or stopped (the processors run in another process)",
    example: 'active',
  })
  state!: string;

  @ApiProperty({ description: 'The log position its checkpoint has reached (`<commit>/<sequence>`)', example: '748/12' })
  position!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events of the log not handled yet (counted up to a million)', example: 0 })
  lagEvents!: number;

  @ApiProperty({ minimum: 0, description: 'How long ago the oldest event not handled yet was recorded, in seconds; 0 when caught up', example: 0 })
  lagSeconds!: number;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When its checkpoint last moved (absent before it first moved)',
    example: '2025-06-30T10:00:00.000Z',
  })
  checkpointUpdatedAt?: string;

  @ApiProperty({ minimum: 0, description: 'Seconds since its checkpoint last moved', example: 12.5 })
  secondsSinceMoved!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Unresolved parked events (dead letters): of every ente in /health, of the admin’s ente in /admin/processors',
    example: 0,
  })
  parked!: number;
}

export class ProcessorsView {
  @ApiProperty({ type: [ProcessorLagView] })
  processors!: ProcessorLagView[];
}

const CHECK_STATUS = { type: String, enum: ['up', 'down'], description: 'up: the check passed', example: 'up' };

export class EventStoreCheckView {
  @ApiProperty(CHECK_STATUS)
  status!: string;

  @ApiProperty({ description: 'The event store in use (`EVENT_STORE`)', example: 'postgres' })
  kind!: string;

  @ApiPropertyOptional({ description: 'Why it is down', example: 'unreachable: connect ECONNREFUSED 127.0.0.1:5432' })
  message?: string;
}

export class RemindersCheckView {
  @ApiProperty(CHECK_STATUS)
  status!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Pending reminders whose send time has passed', example: 0 })
  due?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'How long the one waiting longest has waited, in seconds', example: 0 })
  lagSeconds?: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'The send time of the one waiting longest', example: null })
  oldestDueAt?: string | null;

  @ApiPropertyOptional({ description: 'Why it is down', example: '3 reminders are waiting to be sent, the oldest for 660 s' })
  message?: string;
}

/**
 * The checks by name (@nestjs/terminus): the event store, the processors (one entry per processor besides `status`,
 * `warning` and `message`), the sending of reminders.
 */
export class HealthChecksView {
  @ApiPropertyOptional({ type: EventStoreCheckView })
  eventStore?: EventStoreCheckView;

  @ApiPropertyOptional({
    type: 'object',
    description: 'Each processor’s lag under its name; `warning` names the processors with parked events (reported, not failed on)',
    properties: {
      status: { type: 'string', enum: ['up', 'down'], example: 'up' },
      warning: { type: 'string', example: 'read-models: 3 parked events' },
      message: { type: 'string', example: 'read-models is 420 s behind the log' },
    },
    additionalProperties: { $ref: getSchemaPath(ProcessorLagView) },
  })
  processors?: Record<string, unknown>;

  @ApiPropertyOptional({ type: RemindersCheckView })
  reminders?: RemindersCheckView;
}

/** Readiness: every check up. (Not ready is a 503 problem whose `checks` is this object with `status: error`.) */
export class ReadinessView {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: string;

  @ApiPropertyOptional({ type: HealthChecksView, description: 'The checks that are up' })
  info?: HealthChecksView;

  @ApiPropertyOptional({ type: HealthChecksView, description: 'The checks that are down: none when ready' })
  error?: HealthChecksView;

  @ApiProperty({ type: HealthChecksView, description: 'Every check' })
  details!: HealthChecksView;
}

export class LivenessView {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: string;
}

export class DeadLetterEventView {
  @ApiProperty({ format: 'uuid', example: '6f1c2b9e-3a4d-4e5f-8a7b-9c0d1e2f3a4b' })
  id!: string;

  @ApiProperty({ example: 'objective-0b6f3a52-8c1e-4d7a-9f3b-2e5c4a1d7b90' })
  streamId!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Its revision in its stream', example: 3 })
  revision!: number;

  @ApiProperty({ example: 'PhaseProgressReported' })
  type!: string;

  @ApiProperty({ description: 'Its position in the log', example: '748/12' })
  position!: string;
}

/** An event a processor parked after failing to handle it. */
export class DeadLetterView {
  @ApiProperty({ description: 'The letter’s id (`afterId=` pages after it)', example: '42' })
  id!: string;

  @ApiProperty({ example: 'read-models' })
  processor!: string;

  @ApiProperty({ type: DeadLetterEventView })
  event!: DeadLetterEventView;

  @ApiProperty({ description: 'The error it failed with', example: 'duplicate key value violates unique constraint "rm_objectives_pkey"' })
  error!: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 5 })
  attempts!: number;

  @ApiProperty({ description: 'Parked only because an earlier event of its stream is: its own handling never failed', example: false })
  heldBack!: boolean;

  @ApiProperty({ format: 'date-time', example: '2025-06-30T10:00:00.000Z' })
  parkedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  replayRequestedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When a replay handled it', example: null })
  resolvedAt!: string | null;
}

export class DeadLettersView {
  @ApiProperty({ type: [DeadLetterView], description: 'Oldest first' })
  deadLetters!: DeadLetterView[];

  @ApiProperty({ type: String, nullable: true, description: 'The `afterId=` of the next page; null on the last', example: null })
  next!: string | null;
}

export class ReplayResult {
  @ApiProperty({ example: 'read-models' })
  processor!: string;

  @ApiProperty({ example: 'objective-0b6f3a52-8c1e-4d7a-9f3b-2e5c4a1d7b90' })
  streamId!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Parked events marked for replay (0: none of this ente’s in that stream); the active instance replays them within seconds',
    example: 3,
  })
  requested!: number;
}
