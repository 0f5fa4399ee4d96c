import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { Public } from '../auth/auth.guard';
import { ProjectionLagProbe } from '../read-side/projection-lag';

/**
 * Prometheus metrics: the projection's lag and progress, and the process's own (memory, event loop, GC).
 * Public like /health, and like it free of any ente's data.
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  private readonly registry = new Registry();

  constructor(probe: ProjectionLagProbe) {
    collectDefaultMetrics({ register: this.registry });
    // Both gauges read one measurement per scrape.
    let pending: Promise<{ events: number; applied: number }> | undefined;
    const measure = () => (pending ??= probe.measure().finally(() => setTimeout(() => (pending = undefined), 0)));
    new Gauge({
      name: 'piao_projection_lag_events',
      help: 'Events in the log not yet applied to the read models',
      registers: [this.registry],
      collect: async function () {
        this.set((await measure()).events);
      },
    });
    new Gauge({
      name: 'piao_projection_applied_events',
      help: 'Events applied to the read models since their last rebuild',
      registers: [this.registry],
      collect: async function () {
        this.set((await measure()).applied);
      },
    });
  }

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus text format: projection lag, process metrics' })
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
