import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Counter, Histogram } from 'prom-client';
import { HTTP_REQUESTS_TOTAL, HTTP_REQUEST_DURATION_SECONDS } from './metrics.constants';

/**
 * Counts and times every HTTP request by method, route template (never the raw path) and status.
 * Recording runs in the response's 'finish' event, where a throw would be an uncaught exception: it is
 * caught and logged instead.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    @InjectMetric(HTTP_REQUESTS_TOTAL) private readonly requests: Counter<string>,
    @InjectMetric(HTTP_REQUEST_DURATION_SECONDS) private readonly duration: Histogram<string>,
    @InjectPinoLogger(HttpMetricsMiddleware.name) private readonly logger: PinoLogger,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      try {
        const routePath: unknown = (req.route as { path?: unknown } | undefined)?.path;
        const labels = {
          method: req.method,
          route: typeof routePath === 'string' ? `${req.baseUrl}${routePath}` : 'unmatched',
          status: String(res.statusCode),
        };
        this.requests.inc(labels);
        this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      } catch (error) {
        this.logger.error({ err: error }, 'recording HTTP metrics failed');
      }
    });
    next();
  }
}
