import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { HealthChecksExplorer } from './health-checks.explorer';
import { HealthController } from './health.controller';

/** Composes the memory check with every `@HealthCheckProvider()` other modules contribute. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }), DiscoveryModule],
  controllers: [HealthController],
  providers: [HealthChecksExplorer],
})
export class HealthModule {}
