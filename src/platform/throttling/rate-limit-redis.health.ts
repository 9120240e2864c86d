import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Environment } from '../../config/environment';
import { HealthCheckProvider } from '../health/health-check-provider.decorator';
import { HealthCheck } from '../health/health-check.interface';
import { RateLimitRedis } from './rate-limit-redis';

/**
 * `redis` in `/health`: present when rate limits are kept in Redis. It gates readiness only under the
 * fail-closed policy; fail-open keeps serving without Redis, so the replica stays ready.
 */
@HealthCheckProvider()
@Injectable()
export class RateLimitRedisHealth implements HealthCheck {
  readonly key = 'redis';

  constructor(
    private readonly redis: RateLimitRedis,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  isEnabled(): boolean {
    return this.redis.enabled;
  }

  gatesReadiness(): boolean {
    return this.config.get('RATE_LIMIT_FAIL_MODE', { infer: true }) === 'closed';
  }

  async check(indicator: HealthIndicatorService): Promise<HealthIndicatorResult> {
    const session = indicator.check(this.key);
    const started = Date.now();
    try {
      await this.redis.ping();
      return session.up({ latency_ms: Date.now() - started });
    } catch {
      return session.down({ message: 'Redis did not answer PING' });
    }
  }
}
