import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, formatPosition, PROCESSOR_STORE, type EventStore, type ProcessorStore } from '@piao/event-store';
import { CLOCK, type Clock } from '../clock/clock.port';
import { type Processor } from './processor';
import { ProcessorRunner, type RunnerState } from './processor-runner';
import { PROCESSING, type ProcessingOptions } from './processing-options';

/** Counting stops here: a lag beyond it is reported as "at least". */
const LAG_CAP = 1_000_000;

export interface ProcessorLag {
  name: string;
  /** This process's instance: active (holds the lease), standby, or stopped (processors run elsewhere). */
  state: RunnerState;
  position: string;
  /** Events of the log not handled yet (at most LAG_CAP). */
  lagEvents: number;
  /** How long ago the oldest event not handled yet was recorded; 0 when caught up. */
  lagSeconds: number;
  /** When its checkpoint last moved. */
  checkpointUpdatedAt?: string;
  secondsSinceMoved: number;
  /** Unresolved parked events: of every ente, or of the one asked about. */
  parked: number;
}

/**
 * The processors of this installation: registered by the modules that define them, started in this process when it
 * runs processors (RUN_PROCESSORS), and measured from the shared checkpoints whichever process runs them.
 */
@Injectable()
export class ProcessorsHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Processors');
  private readonly runners = new Map<string, ProcessorRunner>();
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PROCESSOR_STORE) private readonly store: ProcessorStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROCESSING) private readonly options: ProcessingOptions,
  ) {}

  register(processor: Processor): ProcessorRunner {
    if (this.runners.has(processor.name)) throw new Error(`processor ${processor.name} is registered twice`);
    const runner = new ProcessorRunner(processor, this.events, this.store, this.clock, {
      holder: this.holder,
      leaseMs: this.options.leaseMs ?? 10_000,
      maxAttempts: this.options.maxAttempts,
      gatherMs: this.options.gatherMs,
      onError: (error, name) => this.logger.error(`processor ${name}: ${error instanceof Error ? error.message : String(error)}`),
    });
    this.runners.set(processor.name, runner);
    if (this.started) runner.start();
    return runner;
  }

  runner(name: string): ProcessorRunner {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`no processor ${name}`);
    return runner;
  }

  /** Whether the named processor's parked events may be replayed (an unknown name: nothing to refuse). */
  replayable(name: string): boolean {
    return this.runners.get(name)?.processor.replayable !== false;
  }

  names(): string[] {
    return [...this.runners.keys()];
  }

  private started = false;

  onApplicationBootstrap(): void {
    if (!this.options.runProcessors) return;
    this.started = true;
    for (const runner of this.runners.values()) runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }

  /** Wakes the processors of this process (a reader waits for a position). */
  poke(): void {
    for (const runner of this.runners.values()) runner.poke();
  }

  /** What this process's instance of each processor has done since it started (nothing for one running elsewhere). */
  activity(): { name: string; events: number; busySeconds: number }[] {
    return [...this.runners.values()].map((r) => ({ name: r.name, events: r.activity.events, busySeconds: r.activity.busyMs / 1000 }));
  }

  /**
   * Each processor's position and lag. The last error is not in it: it may name another ente's stream or a connection
   * detail, and goes to the logs only. `ente` counts only that ente's parked events.
   */
  async lag(ente?: string): Promise<ProcessorLag[]> {
    const checkpoints = await this.store.checkpoints();
    const parked = await this.store.parkedCounts(ente);
    return Promise.all(
      [...this.runners.values()].map(async (runner) => {
        const checkpoint = checkpoints.get(runner.name) ?? (await this.store.checkpoint(runner.name));
        const lagEvents = await this.events.countAfter(checkpoint.position, LAG_CAP);
        const oldest = lagEvents > 0 ? (await this.events.readAll(checkpoint.position, 1))[0] : undefined;
        const recordedAt = oldest ? Date.parse(oldest.metadata.recordedAt) : NaN;
        return {
          name: runner.name,
          state: runner.state,
          position: formatPosition(checkpoint.position),
          lagEvents,
          lagSeconds: Number.isFinite(recordedAt) ? Math.max(0, (this.clock.now().getTime() - recordedAt) / 1000) : 0,
          checkpointUpdatedAt: checkpoint.updatedAt?.toISOString(),
          secondsSinceMoved: checkpoint.secondsSinceMoved ?? 0,
          parked: parked.get(runner.name) ?? 0,
        };
      }),
    );
  }
}
