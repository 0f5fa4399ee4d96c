import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@piao/event-store';
import { Public } from '../auth/auth.guard';
import { AppConfig } from '../config/app-config';
import { ProjectionLagProbe } from '../read-side/projection-lag';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly config: AppConfig,
    private readonly lag: ProjectionLagProbe,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness, event-store reachability and how far the read models lag behind the log' })
  async check() {
    try {
      await this.store.ping();
    } catch (error) {
      throw new ServiceUnavailableException(`event store (${this.config.EVENT_STORE}) unreachable: ${(error as Error).message}`);
    }
    let lag;
    try {
      lag = await this.lag.measure();
    } catch (error) {
      throw new ServiceUnavailableException(`read models unreachable: ${(error as Error).message}`);
    }
    // A lag is reported, not failed on: the API still answers commands and reads of the event store.
    return {
      status: 'ok',
      eventStore: this.config.EVENT_STORE,
      readModels: { lagEvents: lag.events, position: lag.position, projecting: this.config.RUN_PROJECTIONS === 'true' },
    };
  }
}
