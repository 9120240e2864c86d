import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { HealthCheckProvider } from '../../platform/health/health-check-provider.decorator';
import { HealthCheck } from '../../platform/health/health-check.interface';
import { RestConfig } from './rest.config';
import { UpstreamClient } from './upstream.client';

/** Timeout of one health probe of the upstream. */
export const UPSTREAM_HEALTH_TIMEOUT_MS = 2000;
/** How long one probe's answer is reused: `/health` polled often never hammers the upstream. */
export const UPSTREAM_HEALTH_CACHE_MS = 5000;

type ProbeOutcome = { readonly up: true; readonly latencyMs: number } | { readonly up: false; readonly message: string };

/**
 * `upstream_api` in `/health`: GET API_HEALTH_PATH on the upstream (2 s timeout, no retries, answer
 * cached 5 s), with the circuit breaker's state. `up` with `state: not_configured` when API_BASE_URL is
 * unset. It never gates `/health/ready`: an upstream outage answers the REST tools `retry`, while the
 * other families keep working, so the replica stays in rotation.
 */
@HealthCheckProvider()
@Injectable()
export class UpstreamApiHealth implements HealthCheck {
  readonly key = 'upstream_api';
  private cached: { readonly at: number; readonly outcome: Promise<ProbeOutcome> } | undefined;

  constructor(
    private readonly config: RestConfig,
    private readonly client: UpstreamClient,
  ) {}

  isEnabled(): boolean {
    return true;
  }

  gatesReadiness(): boolean {
    return false;
  }

  async check(indicator: HealthIndicatorService): Promise<HealthIndicatorResult> {
    const session = indicator.check(this.key);
    if (!this.config.enabled) return session.up({ state: 'not_configured' });
    const outcome = await this.outcome();
    const circuit = this.client.breaker.state;
    return outcome.up
      ? session.up({ state: 'reachable', latency_ms: outcome.latencyMs, circuit })
      : session.down({ state: 'unreachable', message: outcome.message, circuit });
  }

  private outcome(): Promise<ProbeOutcome> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= UPSTREAM_HEALTH_CACHE_MS) {
      this.cached = { at: now, outcome: this.probe() };
    }
    return this.cached.outcome;
  }

  private async probe(): Promise<ProbeOutcome> {
    const started = Date.now();
    try {
      const status = await this.client.probe(this.config.healthPath, UPSTREAM_HEALTH_TIMEOUT_MS);
      if (status >= 200 && status < 300) return { up: true, latencyMs: Date.now() - started };
      return { up: false, message: `The upstream API health endpoint answered HTTP ${status}` };
    } catch {
      return { up: false, message: 'The upstream API did not answer its health check' };
    }
  }
}
