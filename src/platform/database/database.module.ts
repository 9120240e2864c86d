import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Environment } from '../../config/environment';
import { DatabaseLifecycle } from './database-lifecycle.service';
import { DatabasePoolMetrics, dbPoolGauge } from './database-pool.metrics';
import { DATABASE_TARGET, DatabaseTarget } from './database-target';
import { databaseTargetProvider } from './database-target.provider';
import { DatabaseHealth } from './database.health';
import { embeddedRestartsCounter } from './embedded-database.metrics';
import { runMigrations } from './migrate';
import { poolSettingsFrom, typeOrmOptions } from './typeorm-options';

@Global()
@Module({ providers: [databaseTargetProvider, embeddedRestartsCounter], exports: [DATABASE_TARGET] })
class DatabaseTargetModule {}

/**
 * PostgreSQL through TypeORM on `pg`: DB_URL, or the embedded default. Runs migrations at boot, seeds the
 * embedded database, contributes the `database` health check and pool metrics. Exports the DataSource
 * (inject `DataSource`) and the DatabaseTarget (`@InjectDatabaseTarget()`).
 */
@Global()
@Module({
  imports: [
    DatabaseTargetModule,
    TypeOrmModule.forRootAsync({
      inject: [ConfigService, DATABASE_TARGET],
      useFactory: async (config: ConfigService<Environment, true>, target: DatabaseTarget) => {
        const options = typeOrmOptions(poolSettingsFrom(config), target);
        await runMigrations(options, target.embedded !== undefined);
        return options;
      },
    }),
  ],
  providers: [DatabaseLifecycle, DatabaseHealth, DatabasePoolMetrics, dbPoolGauge],
  exports: [TypeOrmModule, DatabaseTargetModule],
})
export class DatabaseModule {}
