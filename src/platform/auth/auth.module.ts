import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyStore } from './api-key.store';
import { AuthGuard } from './auth.guard';

/** API-key authentication for every route not marked `@Public()`. Import before ThrottlingModule. */
@Global()
@Module({
  providers: [ApiKeyStore, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiKeyStore],
})
export class AuthModule {}
