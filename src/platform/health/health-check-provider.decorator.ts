import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider implementing `HealthCheck` so that HealthModule adds it to `/health`.
 *
 * @example
 * @HealthCheckProvider()
 * @Injectable()
 * export class DatabaseHealth implements HealthCheck { readonly key = 'database'; ... }
 */
export const HealthCheckProvider = DiscoveryService.createDecorator<void>();
