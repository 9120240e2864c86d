import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { Environment } from '../../config/environment';
import { ApiKeyThrottlerGuard } from './api-key-throttler.guard';
import { FailSafeRedisStorage } from './fail-safe-redis.storage';
import { FixedWindowMemoryStorage } from './fixed-window-memory.storage';
import { RateLimitStorageModule } from './rate-limit-storage.module';

const ONE_MINUTE_MS = 60_000;

/**
 * RATE_LIMIT_RPM requests per minute per API key, in memory or in Redis (shared by every replica).
 * Must be imported after AuthModule so the guard sees the principal.
 */
@Module({
  imports: [
    RateLimitStorageModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [ConfigService, FailSafeRedisStorage, FixedWindowMemoryStorage],
      useFactory: (
        config: ConfigService<Environment, true>,
        redisStorage: FailSafeRedisStorage,
        memoryStorage: FixedWindowMemoryStorage,
      ) => ({
        throttlers: [{ name: 'default', ttl: ONE_MINUTE_MS, limit: config.get('RATE_LIMIT_RPM', { infer: true }) }],
        storage: config.get('RATE_LIMIT_STORAGE', { infer: true }) === 'redis' ? redisStorage : memoryStorage,
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ApiKeyThrottlerGuard }],
})
export class ThrottlingModule {}
