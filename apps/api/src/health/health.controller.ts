import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { CLOCK, ProcessorsHost, type Clock, type ProcessorLag } from '@piao/application';
import { EVENT_STORE, type EventStore } from '@piao/event-store';
import { Public } from '../auth/auth.guard';
import { AppConfig } from '@piao/config';
import { ProblemException } from '../problem-details/problem';
import { ReminderOperations } from '../reminder-operations/reminder-operations';
import { ApiProblems } from '../openapi/api-problems';
import { LivenessView, ProcessorLagView, ReadinessView } from '../admin/operations.schemas';

const NOT_READY: [number, string] = [
  503,
  'Not ready (`/problems/not-ready`): `detail` gives the reasons, `checks` the result of every check (as a 200 gives it, with `status: error`); retry after `Retry-After` seconds',
];
const READINESS = [
  'Public. The event store answers, no processor is stuck (events waiting, no progress) or too far behind the log, and',
  'no due reminder has waited longer than `REMINDER_MAX_LAG_SECONDS`. `details` has each check: the processors’ lag under',
  'their names, parked events as a `warning` (reported, not failed on). An answer is given again for `READINESS_CACHE_MS`',
  '(1 s by default) without checking anew.',
].join('\n');

/**
 * Liveness and readiness (through @nestjs/terminus). Live: the process answers. Ready: the event store answers, and
 * no processor is stuck (events waiting while its checkpoint has not moved) or far behind the head of the log. A
 * processor with parked events is reported (`warning`): it goes on with everything else, so the API stays ready.
 * Reminders: not ready when a reminder whose time has come has waited longer than REMINDER_MAX_LAG_SECONDS (the
 * sender, in-process or apps/worker, is down or cannot reach the mail server).
 */
@ApiTags('operations')
@ApiExtraModels(ProcessorLagView)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly processors: ProcessorsHost,
    private readonly config: AppConfig,
    private readonly reminders: ReminderOperations,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({
    operationId: 'checkLiveness',
    // Public: no bearer token (an explicit empty requirement, not a forgotten one).
    security: [],
    summary: 'Liveness: the process answers',
    description: 'Public. Checks no dependency: for a process supervisor deciding whether to restart the process.',
  })
  @ApiOkResponse({ type: LivenessView, description: 'The process answers' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    operationId: 'checkReadiness',
    security: [],
    summary: 'Readiness: the event store answers and every processor follows the log',
    description: READINESS,
  })
  @ApiOkResponse({ type: ReadinessView, description: 'Ready' })
  @ApiProblems(NOT_READY)
  ready() {
    return this.check();
  }

  @Get()
  @Public()
  @ApiOperation({
    operationId: 'checkHealth',
    security: [],
    summary: 'The same as /health/ready',
    description: READINESS,
  })
  @ApiOkResponse({ type: ReadinessView, description: 'Ready' })
  @ApiProblems(NOT_READY)
  readiness() {
    return this.check();
  }

  /** The readiness answer being given, and when its check started (ms, by the clock). */
  private recent?: { startedAt: number; answer: ReturnType<HealthController['checkNow']> };

  /**
   * The last answer while it is younger than READINESS_CACHE_MS (whether ready or not), otherwise a new check; callers
   * arriving while a check runs share it.
   */
  private check() {
    const now = this.clock.now().getTime();
    // A clock set back (a test's, or the machine's) starts a new check too.
    if (!this.recent || now - this.recent.startedAt >= this.config.READINESS_CACHE_MS || now < this.recent.startedAt) {
      this.recent = { startedAt: now, answer: this.checkNow() };
    }
    return this.recent.answer;
  }

  private async checkNow() {
    try {
      return await this.health.check([() => this.eventStore(), () => this.processorsFollow(), () => this.remindersOnTime()]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as { error?: Record<string, { message?: string }> };
      const reasons = Object.entries(result.error ?? {}).map(([key, value]) => `${key}: ${value.message ?? 'down'}`);
      throw new ProblemException({
        type: '/problems/not-ready',
        title: 'Not ready',
        status: 503,
        detail: reasons.join('; ') || 'a dependency is down',
        checks: result,
      });
    }
  }

  private async eventStore() {
    const check = this.indicators.check('eventStore');
    try {
      await this.store.ping();
      return check.up({ kind: this.config.EVENT_STORE });
    } catch (error) {
      return check.down({ kind: this.config.EVENT_STORE, message: `unreachable: ${(error as Error).message}` });
    }
  }

  private async processorsFollow() {
    const check = this.indicators.check('processors');
    let lags: ProcessorLag[];
    try {
      lags = await this.processors.lag();
    } catch (error) {
      return check.down({ message: `checkpoints unreachable: ${(error as Error).message}` });
    }
    const { PROCESSOR_STUCK_SECONDS: stuckAfter, PROCESSOR_MAX_LAG_SECONDS: maxLag } = this.config;
    const problems = lags.flatMap((lag) => {
      // Waiting events older than the bound, and no progress for as long: a checkpoint idle overnight is not stuck.
      if (lag.lagEvents > 0 && lag.secondsSinceMoved > stuckAfter && lag.lagSeconds > stuckAfter)
        return [`${lag.name} is stuck: ${lag.lagEvents} events waiting, no progress for ${Math.round(lag.secondsSinceMoved)} s`];
      if (lag.lagSeconds > maxLag) return [`${lag.name} is ${Math.round(lag.lagSeconds)} s behind the log`];
      return [];
    });
    const details: Record<string, unknown> = Object.fromEntries(lags.map((lag) => [lag.name, lag]));
    if (problems.length > 0) return check.down({ message: problems.join('; '), ...details });
    // Parked events are reported, not failed on: the processor goes on with every other stream.
    const parked = lags.filter((lag) => lag.parked > 0);
    return check.up(parked.length > 0 ? { warning: parked.map((l) => `${l.name}: ${l.parked} parked events`).join('; '), ...details } : details);
  }

  private async remindersOnTime() {
    const check = this.indicators.check('reminders');
    try {
      const { due, oldestDueAt, lagSeconds } = await this.reminders.lag();
      const details = { due, lagSeconds: Math.round(lagSeconds), oldestDueAt: oldestDueAt?.toISOString() ?? null };
      const max = this.config.REMINDER_MAX_LAG_SECONDS;
      if (max > 0 && lagSeconds > max) {
        return check.down({ message: `${due} reminders are waiting to be sent, the oldest for ${Math.round(lagSeconds)} s`, ...details });
      }
      return check.up(details);
    } catch (error) {
      return check.down({ message: `the reminders' outbox is unreachable: ${(error as Error).message}` });
    }
  }
}
