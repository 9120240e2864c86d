import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { HealthCheckProvider } from './health-check-provider.decorator';
import { HealthCheck } from './health-check.interface';

/** Finds every `@HealthCheckProvider()` at bootstrap; keeps the enabled ones, sorted by key. */
@Injectable()
export class HealthChecksExplorer implements OnApplicationBootstrap {
  private registered: readonly HealthCheck[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    const found = this.discovery
      .getProviders({ metadataKey: HealthCheckProvider.KEY })
      .map((wrapper) => wrapper.instance as HealthCheck | undefined)
      .filter((check): check is HealthCheck => check !== undefined && check.isEnabled());
    const keys = new Set<string>();
    for (const check of found) {
      if (keys.has(check.key)) throw new Error(`Two health checks share the key "${check.key}"`);
      keys.add(check.key);
    }
    this.registered = found.sort((a, b) => a.key.localeCompare(b.key));
  }

  all(): HealthCheck[] {
    return [...this.registered];
  }

  readiness(): HealthCheck[] {
    return this.registered.filter((check) => check.gatesReadiness());
  }
}
