import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@piao/event-store';
import { Public } from '../auth/auth.guard';
import { AppConfig } from '../config/app-config';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and event-store reachability' })
  async check() {
    try {
      await this.store.ping();
    } catch (error) {
      throw new ServiceUnavailableException(`event store (${this.config.EVENT_STORE}) unreachable: ${(error as Error).message}`);
    }
    return { status: 'ok', eventStore: this.config.EVENT_STORE };
  }
}
