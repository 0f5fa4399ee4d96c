import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, formatPosition, type EventStore, type SqlClient } from '@piao/event-store';
import { ProjectionRunner, READ_MODEL_SQL } from '@piao/read-models';

/** Counting stops here: a lag beyond it is reported as "at least". */
const LAG_CAP = 1_000_000;

export interface ProjectionLag {
  /** Events in the log that the read models have not applied yet (at most LAG_CAP). */
  events: number;
  position: string;
  /** Events applied since the last rebuild. */
  applied: number;
}

/** How far the read models are behind the log, from the stored checkpoint: true whichever process projects. */
@Injectable()
export class ProjectionLagProbe {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_SQL) private readonly sql: SqlClient,
  ) {}

  async measure(): Promise<ProjectionLag> {
    const checkpoint = await ProjectionRunner.checkpoint(this.sql);
    return { events: await this.events.countAfter(checkpoint.position, LAG_CAP), position: formatPosition(checkpoint.position), applied: checkpoint.events };
  }
}
