import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { HealthCheckProvider } from '../health/health-check-provider.decorator';
import { HealthCheck } from '../health/health-check.interface';
import { withTimeout } from '../health/with-timeout';

const PING_TIMEOUT_MS = 2_000;

/** `database` in `/health` and `/health/ready`: `SELECT 1` answered within two seconds. */
@HealthCheckProvider()
@Injectable()
export class DatabaseHealth implements HealthCheck {
  readonly key = 'database';

  constructor(private readonly dataSource: DataSource) {}

  isEnabled(): boolean {
    return true;
  }

  gatesReadiness(): boolean {
    return true;
  }

  async check(indicator: HealthIndicatorService): Promise<HealthIndicatorResult> {
    const session = indicator.check(this.key);
    const started = Date.now();
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), PING_TIMEOUT_MS);
      return session.up({ latency_ms: Date.now() - started });
    } catch {
      return session.down({ message: 'The database did not answer SELECT 1 in time' });
    }
  }
}
