import { Module } from '@nestjs/common';
import { FailSafeRedisStorage } from './fail-safe-redis.storage';
import { FixedWindowMemoryStorage } from './fixed-window-memory.storage';
import { RateLimitRedis } from './rate-limit-redis';
import { RateLimitRedisHealth } from './rate-limit-redis.health';

/** The counter stores (in memory, and Redis when RATE_LIMIT_STORAGE=redis) shared by every limit. */
@Module({
  providers: [RateLimitRedis, FailSafeRedisStorage, FixedWindowMemoryStorage, RateLimitRedisHealth],
  exports: [RateLimitRedis, FailSafeRedisStorage, FixedWindowMemoryStorage],
})
export class RateLimitStorageModule {}
