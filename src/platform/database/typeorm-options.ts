import { ConfigService } from '@nestjs/config';
import { DataSourceOptions } from 'typeorm';
import { Environment } from '../../config/environment';
import { DatabaseTarget } from './database-target';
import { MIGRATIONS } from './migrations';

export type PoolSettings = Pick<
  Environment,
  'DB_POOL_SIZE' | 'DB_POOL_MAX_OVERFLOW' | 'DB_POOL_RECYCLE_SECONDS' | 'DB_QUERY_TIMEOUT_SECONDS'
>;

/** The pool settings of the validated environment (every pool of the server uses the same ones). */
export function poolSettingsFrom(config: ConfigService<Environment, true>): PoolSettings {
  return {
    DB_POOL_SIZE: config.get('DB_POOL_SIZE', { infer: true }),
    DB_POOL_MAX_OVERFLOW: config.get('DB_POOL_MAX_OVERFLOW', { infer: true }),
    DB_POOL_RECYCLE_SECONDS: config.get('DB_POOL_RECYCLE_SECONDS', { infer: true }),
    DB_QUERY_TIMEOUT_SECONDS: config.get('DB_QUERY_TIMEOUT_SECONDS', { infer: true }),
  };
}

/**
 * node-postgres pool settings from the environment: `max` = DB_POOL_SIZE + DB_POOL_MAX_OVERFLOW (pg has
 * one ceiling, no separate overflow), connections retired after DB_POOL_RECYCLE_SECONDS, every statement
 * bounded by DB_QUERY_TIMEOUT_SECONDS on the server (`statement_timeout`) and on the client
 * (`query_timeout`). The embedded database has one session, so its pool holds one connection.
 */
export function poolOptions(settings: PoolSettings, embedded: boolean): Record<string, unknown> {
  const timeoutMs = Math.round(settings.DB_QUERY_TIMEOUT_SECONDS * 1000);
  return {
    max: embedded ? 1 : settings.DB_POOL_SIZE + settings.DB_POOL_MAX_OVERFLOW,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    maxLifetimeSeconds: settings.DB_POOL_RECYCLE_SECONDS,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs + 1_000,
    application_name: 'mcp-tool-server',
    // pg-pool hands a new connection out in the same socket read that completed its login, before its user
    // listens: an ErrorResponse in that read (57P01 on a restart or pg_terminate_backend) would be an
    // unhandled 'error' event and crash the process. One listener for the connection's whole life prevents
    // it; the failed query itself still rejects (answered `retry`).
    onConnect: (client: { on(event: 'error', listener: () => void): unknown }) => {
      client.on('error', () => undefined);
    },
  };
}

/** TypeORM on `pg`: migrations run at boot by `runMigrations` (never `synchronize`), no entities yet. */
export function typeOrmOptions(settings: PoolSettings, target: DatabaseTarget): DataSourceOptions {
  return {
    type: 'postgres',
    url: target.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    entities: [],
    logging: false,
    extra: poolOptions(settings, target.embedded !== undefined),
  };
}
