import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { ProcessorsHost, type ProcessorLag } from '@piao/application';
import { Public } from '../auth/auth.guard';
import { ReminderOperations } from '../reminder-operations/reminder-operations';

/**
 * Prometheus metrics: each processor's lag (events and seconds behind the head), progress and parked events, and the
 * events and busy time of this process's instances; the
 * reminders' sending lag and, with Redis, the reminder queues' job counts; and the process's own (memory, event loop, GC). Public like /health, and like it free of any ente's data.
 */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  private readonly registry = new Registry();

  constructor(processors: ProcessorsHost, reminders: ReminderOperations) {
    collectDefaultMetrics({ register: this.registry });
    // Every gauge of a scrape reads one measurement.
    let pending: Promise<ProcessorLag[]> | undefined;
    const measure = () => (pending ??= processors.lag().finally(() => setTimeout(() => (pending = undefined), 0)));
    const gauge = (name: string, help: string, value: (lag: ProcessorLag) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['processor'],
        registers: [this.registry],
        collect: async function () {
          for (const lag of await measure()) this.set({ processor: lag.name }, value(lag));
        },
      });
    gauge('piao_processor_lag_events', 'Events of the log the processor has not handled yet', (l) => l.lagEvents);
    gauge('piao_processor_lag_seconds', 'How long ago the oldest event the processor has not handled was recorded', (l) => l.lagSeconds);
    gauge('piao_processor_parked_events', 'Events the processor parked in its dead letters, not yet replayed', (l) => l.parked);
    gauge('piao_processor_active', '1 when this process holds the processor’s lease', (l) => (l.state === 'active' ? 1 : 0));
    // Counted by this process's instances only (a processor run by another process reads 0 here).
    const activity = (name: string, help: string, value: (a: ReturnType<ProcessorsHost['activity']>[number]) => number) =>
      new Counter({
        name,
        help,
        labelNames: ['processor'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const a of processors.activity()) this.inc({ processor: a.name }, value(a));
        },
      });
    activity('piao_processor_events_total', 'Events this process’s instance of the processor has handled since it started', (a) => a.events);
    activity(
      'piao_processor_busy_seconds_total',
      'Wall time this process’s instance of the processor spent reading and committing batches since it started',
      (a) => a.busySeconds,
    );
    // One look at the outbox and one at Redis per scrape; a failed look leaves the reminders' gauges out of it.
    const once = <T>(look: () => Promise<T>) => {
      let current: Promise<T | undefined> | undefined;
      return () =>
        (current ??= look()
          .catch(() => undefined)
          .finally(() => setTimeout(() => (current = undefined), 0)));
    };
    const lag = once(() => reminders.lag());
    const counts = once(() => reminders.queueCounts());
    new Gauge({
      name: 'piao_reminder_lag_seconds',
      help: 'How long the due reminder waiting longest has waited, from its send time or from when it became pending if later (0: none)',
      registers: [this.registry],
      collect: async function () {
        const measured = await lag();
        if (measured) this.set(measured.lagSeconds);
      },
    });
    new Gauge({
      name: 'piao_reminder_due',
      help: 'Pending reminders whose send time has passed',
      registers: [this.registry],
      collect: async function () {
        const measured = await lag();
        if (measured) this.set(measured.due);
      },
    });
    if (reminders.queues.length > 0) {
      new Gauge({
        name: 'piao_reminder_queue_jobs',
        help: 'Jobs of the reminder queues (apps/worker) by state',
        labelNames: ['queue', 'state'],
        registers: [this.registry],
        collect: async function () {
          this.reset();
          for (const [queue, byState] of (await counts()) ?? []) {
            for (const [state, n] of Object.entries(byState)) this.set({ queue, state }, n);
          }
        },
      });
      new Gauge({
        name: 'piao_reminder_queue_up',
        help: '1 when Redis answered for the reminder queues',
        registers: [this.registry],
        collect: async function () {
          this.set((await counts()) ? 1 : 0);
        },
      });
    }
  }

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({
    operationId: 'getMetrics',
    // Public: no bearer token (an explicit empty requirement, not a forgotten one).
    security: [],
    summary: 'Prometheus metrics: processor lag and parked events, reminder lag and queues, process metrics',
    description: [
      'Public, and free of any ente’s data. Prometheus text exposition format 0.0.4: `piao_processor_lag_events`,',
      '`piao_processor_lag_seconds`, `piao_processor_parked_events`, `piao_processor_active`, and this process’s',
      '`piao_processor_events_total` and `piao_processor_busy_seconds_total` (by `processor`),',
      '`piao_reminder_lag_seconds`, `piao_reminder_due`; with Redis `piao_reminder_queue_jobs` (by `queue`, `state`) and',
      '`piao_reminder_queue_up`; the process’s own (memory, event loop, GC).',
    ].join('\n'),
  })
  @ApiOkResponse({
    description: 'The metrics (`text/plain; version=0.0.4`)',
    content: {
      'text/plain': {
        schema: { type: 'string' },
        example: [
          '# HELP piao_processor_lag_events Events of the log the processor has not handled yet',
          '# TYPE piao_processor_lag_events gauge',
          'piao_processor_lag_events{processor="read-models"} 0',
          '# HELP piao_reminder_lag_seconds How long the due reminder waiting longest has waited, from its send time or from when it became pending if later (0: none)',
          '# TYPE piao_reminder_lag_seconds gauge',
          'piao_reminder_lag_seconds 0',
          '',
        ].join('\n'),
      },
    },
  })
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
