import { Controller, Get, NotFoundException, Res, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  MemoryHealthIndicator,
} from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Environment } from '../../config/environment';
import { Public } from '../auth/public.decorator';
import { HealthCheck } from './health-check.interface';
import { HealthChecksExplorer } from './health-checks.explorer';

export type HealthAnswer = HealthCheckResult & { timestamp: string };

/**
 * `/health` (every check), `/health/ready` (dependencies) and `/health/live` (the process answers).
 * Terminus's shape plus a timestamp; 200 when all are up, 503 otherwise. Public and never rate limited.
 */
@Controller('health')
@Public()
@SkipThrottle()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly memory: MemoryHealthIndicator,
    private readonly checks: HealthChecksExplorer,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  @Get()
  all(@Res({ passthrough: true }) res: Response): Promise<HealthAnswer> {
    const heapLimit = this.config.get('HEALTH_MEMORY_HEAP_LIMIT_MB', { infer: true }) * 1024 * 1024;
    return this.run(res, [() => this.memory.checkHeap('memory', heapLimit), ...this.indicators(this.checks.all())]);
  }

  @Get('ready')
  ready(@Res({ passthrough: true }) res: Response): Promise<HealthAnswer> {
    return this.run(res, this.indicators(this.checks.readiness()));
  }

  @Get('live')
  live(@Res({ passthrough: true }) res: Response): Promise<HealthAnswer> {
    return this.run(res, []);
  }

  private indicators(checks: HealthCheck[]): HealthIndicatorFunction[] {
    return checks.map((check) => () => check.check(this.indicator));
  }

  private async run(res: Response, indicators: HealthIndicatorFunction[]): Promise<HealthAnswer> {
    if (!this.config.get('HEALTH_CHECK_ENABLED', { infer: true })) throw new NotFoundException();
    let result: HealthCheckResult;
    try {
      result = await this.health.check(indicators);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      result = error.getResponse() as HealthCheckResult;
    }
    return { ...result, timestamp: new Date().toISOString() };
  }
}
