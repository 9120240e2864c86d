import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Environment } from '../../config/environment';
import { HealthCheckProvider } from '../health/health-check-provider.decorator';
import { HealthCheck } from '../health/health-check.interface';
import { withTimeout } from '../health/with-timeout';
import { DatabaseTarget, InjectDatabaseTarget } from './database-target';

const PING_TIMEOUT_MS = 2_000;

/**
 * `database` in `/health` and `/health/ready`: `SELECT 1` answered within two seconds. The embedded
 * database has one session, which a long query holds: a `SELECT 1` would queue behind it. There the
 * check first reads the worker's state (without queueing): a dead or restarting worker is down, a session
 * held for less than DB_EMBEDDED_BUSY_LIMIT_SECONDS is up (busy), a longer hold is down; only an idle
 * database is asked `SELECT 1`.
 */
@HealthCheckProvider()
@Injectable()
export class DatabaseHealth implements HealthCheck {
  readonly key = 'database';
  private readonly busyLimitMs: number;

  constructor(
    private readonly dataSource: DataSource,
    @InjectDatabaseTarget() private readonly target: DatabaseTarget,
    config: ConfigService<Environment, true>,
  ) {
    this.busyLimitMs = config.get('DB_EMBEDDED_BUSY_LIMIT_SECONDS', { infer: true }) * 1000;
  }

  isEnabled(): boolean {
    return true;
  }

  gatesReadiness(): boolean {
    return true;
  }

  async check(indicator: HealthIndicatorService): Promise<HealthIndicatorResult> {
    const session = indicator.check(this.key);
    const busy = this.embeddedVerdict();
    if (busy) return busy.up ? session.up(busy.details) : session.down(busy.details);
    const started = Date.now();
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), PING_TIMEOUT_MS);
      return session.up({ latency_ms: Date.now() - started });
    } catch {
      // The embedded session may have been taken between the look and the ping: judge that hold instead.
      const late = this.embeddedVerdict();
      if (late?.up) return session.up(late.details);
      return session.down({ message: 'The database did not answer SELECT 1 in time' });
    }
  }

  /** The embedded worker's state when it decides the answer (dead, or busy); undefined when a ping should. */
  private embeddedVerdict(): { up: boolean; details: Record<string, unknown> } | undefined {
    const embedded = this.target.embedded;
    if (!embedded) return undefined;
    const activity = embedded.activity();
    if (!activity.running) return { up: false, details: { message: 'The embedded database is restarting' } };
    if (activity.busyMs === undefined) return undefined;
    if (activity.busyMs <= this.busyLimitMs) return { up: true, details: { busy_ms: activity.busyMs } };
    return {
      up: false,
      details: { message: `The embedded database has been held by one query for over ${this.busyLimitMs / 1000} s`, busy_ms: activity.busyMs },
    };
  }
}
