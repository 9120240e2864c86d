import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitStorageModule } from '../throttling/rate-limit-storage.module';
import { ApiKeyStore } from './api-key.store';
import { ApiKeysFileWatcher } from './api-keys-file.watcher';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { AuthGuard } from './auth.guard';
import { OAuthMetadataController } from './oauth-metadata.controller';
import { OAuthTokenVerifier } from './oauth-token.verifier';

/** API-key (and, with OAUTH_ISSUER, OAuth token) authentication for every route not marked `@Public()`, with a cap on failures per address. Import before ThrottlingModule. */
@Global()
@Module({
  imports: [RateLimitStorageModule],
  controllers: [OAuthMetadataController],
  // The global guard is also a provider of its own, so that the direct `/mcp` route (mcp-direct-route.ts) runs this very instance.
  providers: [ApiKeyStore, ApiKeysFileWatcher, AuthFailureLimiter, OAuthTokenVerifier, AuthGuard, { provide: APP_GUARD, useExisting: AuthGuard }],
  exports: [ApiKeyStore, ApiKeysFileWatcher, AuthGuard],
})
export class AuthModule {}
