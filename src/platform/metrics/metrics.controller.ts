import { Controller, Get, Headers, NotFoundException, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Environment } from '../../config/environment';
import { Public } from '../auth/public.decorator';
import { exposeMetrics } from './metrics-exposition';

/**
 * `GET /metrics` in the Prometheus text format, or OpenMetrics (with exemplars) when the scraper's `Accept` asks
 * for it; needs a key unless METRICS_PUBLIC=true.
 */
@Controller()
@SkipThrottle()
export class MetricsController extends PrometheusController {
  constructor(private readonly config: ConfigService<Environment, true>) {
    super();
  }

  @Get()
  @Public({ when: 'METRICS_PUBLIC' })
  override async index(@Res({ passthrough: true }) response: Response, @Headers('accept') accept?: string): Promise<string> {
    if (!this.config.get('METRICS_ENABLED', { infer: true })) throw new NotFoundException();
    const { contentType, body } = await exposeMetrics(accept);
    response.header('Content-Type', contentType);
    return body;
  }
}
