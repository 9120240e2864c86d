import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { makeCounterProvider, makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import {
  HTTP_REQUESTS_TOTAL,
  HTTP_REQUEST_DURATION_SECONDS,
  RATE_LIMIT_REJECTIONS_TOTAL,
  RATE_LIMIT_STORAGE_ERRORS_TOTAL,
} from './metrics.constants';

const platformMetrics = [
  makeCounterProvider({
    name: HTTP_REQUESTS_TOTAL,
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'],
  }),
  makeHistogramProvider({
    name: HTTP_REQUEST_DURATION_SECONDS,
    help: 'HTTP request duration in seconds by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  }),
  makeCounterProvider({
    name: RATE_LIMIT_REJECTIONS_TOTAL,
    help: 'Requests rejected with 429 by the rate limiter, by API key id',
    labelNames: ['key_id'],
  }),
  makeCounterProvider({
    name: RATE_LIMIT_STORAGE_ERRORS_TOTAL,
    help: 'Rate-limit storage (Redis) failures, by the policy applied',
    labelNames: ['policy'],
  }),
];

/**
 * Prometheus metrics: default process metrics, HTTP request count and duration, rate-limit counters.
 * Families register their own metrics with `makeCounterProvider` etc. in their modules.
 */
@Global()
@Module({
  imports: [PrometheusModule.register({ controller: MetricsController, defaultMetrics: { enabled: true } })],
  providers: [...platformMetrics, HttpMetricsMiddleware],
  exports: platformMetrics,
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
