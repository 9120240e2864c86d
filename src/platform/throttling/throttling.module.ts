import { ExecutionContext, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { Environment } from '../../config/environment';
import { ApiKeyStore } from '../auth/api-key.store';
import { AuthenticatedRequest } from '../auth/principal.interface';
import { ApiKeyThrottlerGuard } from './api-key-throttler.guard';
import { FailSafeRedisStorage } from './fail-safe-redis.storage';
import { FixedWindowMemoryStorage } from './fixed-window-memory.storage';
import { RateLimitStorageModule } from './rate-limit-storage.module';

const ONE_MINUTE_MS = 60_000;

/**
 * RATE_LIMIT_RPM requests per minute per client (or a registry key's own `rate_limit_rpm`), in memory or in Redis (shared by every replica).
 * Must be imported after AuthModule so the guard sees the principal.
 */
@Module({
  imports: [
    RateLimitStorageModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [ConfigService, FailSafeRedisStorage, FixedWindowMemoryStorage, ApiKeyStore],
      useFactory: (
        config: ConfigService<Environment, true>,
        redisStorage: FailSafeRedisStorage,
        memoryStorage: FixedWindowMemoryStorage,
        keys: ApiKeyStore,
      ) => {
        const defaultLimit = config.get('RATE_LIMIT_RPM', { infer: true });
        // A registry key's own rate_limit_rpm, read per request so a reload of the keys file applies at once.
        const limit = (context: ExecutionContext): number => {
          const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
          return (principal && keys.rateLimitOf(principal.clientId)) ?? defaultLimit;
        };
        return {
          throttlers: [{ name: 'default', ttl: ONE_MINUTE_MS, limit }],
          storage: config.get('RATE_LIMIT_STORAGE', { infer: true }) === 'redis' ? redisStorage : memoryStorage,
        };
      },
    }),
  ],
  // Also a provider of its own: the direct `/mcp` route (mcp-direct-route.ts) runs this very instance.
  providers: [ApiKeyThrottlerGuard, { provide: APP_GUARD, useExisting: ApiKeyThrottlerGuard }],
  exports: [ApiKeyThrottlerGuard],
})
export class ThrottlingModule {}
