import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Pool } from 'pg';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export const DB_POOL_CONNECTIONS = 'db_pool_connections';

export const dbPoolGauge = makeGaugeProvider({
  name: DB_POOL_CONNECTIONS,
  help: 'Connections of the main database pool by state (in_use, idle, waiting clients)',
  labelNames: ['state'],
});

const SAMPLE_EVERY_MS = 5_000;

/** Samples the pool every few seconds into `db_pool_connections{state}`. */
@Injectable()
export class DatabasePoolMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @InjectMetric(DB_POOL_CONNECTIONS) private readonly gauge: Gauge<string>,
  ) {}

  onApplicationBootstrap(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool | undefined;
    if (!pool) return;
    this.gauge.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
    this.gauge.set({ state: 'idle' }, pool.idleCount);
    this.gauge.set({ state: 'waiting' }, pool.waitingCount);
  }
}
