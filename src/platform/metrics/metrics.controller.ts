import { Controller, Get, NotFoundException, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Environment } from '../../config/environment';
import { Public } from '../auth/public.decorator';

/** `GET /metrics` in the Prometheus text format; needs a key unless METRICS_PUBLIC=true. */
@Controller()
@SkipThrottle()
export class MetricsController extends PrometheusController {
  constructor(private readonly config: ConfigService<Environment, true>) {
    super();
  }

  @Get()
  @Public({ when: 'METRICS_PUBLIC' })
  override index(@Res({ passthrough: true }) response: Response): Promise<string> {
    if (!this.config.get('METRICS_ENABLED', { infer: true })) throw new NotFoundException();
    return super.index(response);
  }
}
