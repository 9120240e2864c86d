import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

/**
 * A dependency check a module contributes to `/health` (and `/health/ready`). Implement it on a provider
 * marked `@HealthCheckProvider()`; HealthModule discovers it at boot.
 */
export interface HealthCheck {
  /** The key in the Terminus answer, e.g. `redis`, `database`, `upstream_api`. */
  readonly key: string;
  /** False when this configuration does not use the dependency; it is then left out of the answer. */
  isEnabled(): boolean;
  /** True when the server cannot serve calls without this dependency: then it also gates `/health/ready`. */
  gatesReadiness(): boolean;
  check(indicator: HealthIndicatorService): Promise<HealthIndicatorResult>;
}
