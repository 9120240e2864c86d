import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerStorage } from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Counter } from 'prom-client';
import { Environment } from '../../config/environment';
import { RATE_LIMIT_STORAGE_ERRORS_TOTAL } from '../metrics/metrics.constants';
import { RateLimitRedis } from './rate-limit-redis';
import { RateLimitUnavailableException } from './rate-limit-unavailable.exception';

type StorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Redis-backed counters shared by every replica. When Redis fails, applies RATE_LIMIT_FAIL_MODE:
 * `open` lets the request through uncounted, `closed` answers 503. Either way it logs and counts.
 */
@Injectable()
export class FailSafeRedisStorage implements ThrottlerStorage {
  private readonly counters?: ThrottlerStorageRedisService;
  private readonly failMode: Environment['RATE_LIMIT_FAIL_MODE'];

  constructor(
    redis: RateLimitRedis,
    config: ConfigService<Environment, true>,
    @InjectMetric(RATE_LIMIT_STORAGE_ERRORS_TOTAL) private readonly errors: Counter<string>,
    @InjectPinoLogger(FailSafeRedisStorage.name) private readonly logger: PinoLogger,
  ) {
    this.failMode = config.get('RATE_LIMIT_FAIL_MODE', { infer: true });
    if (redis.client) this.counters = new ThrottlerStorageRedisService(redis.client);
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<StorageRecord> {
    try {
      if (!this.counters) throw new Error('rate-limit Redis is not configured');
      return await this.counters.increment(key, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      this.errors.inc({ policy: this.failMode });
      this.logger.warn({ reason: (error as Error).message, policy: this.failMode }, 'rate-limit storage failed');
      if (this.failMode === 'closed') throw new RateLimitUnavailableException();
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
