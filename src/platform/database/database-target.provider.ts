import { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { getToken } from '@willsoto/nestjs-prometheus';
import { PinoLogger } from 'nestjs-pino';
import { Counter } from 'prom-client';
import { Environment } from '../../config/environment';
import { BootFailure, isFileSystemError } from '../lifecycle/boot-failure';
import { DATABASE_TARGET, DatabaseTarget, embeddedTarget, externalTarget } from './database-target';
import { EMBEDDED_DATABASE_RESTARTS_TOTAL } from './embedded-database.metrics';
import { EmbeddedPostgres } from './embedded/embedded-postgres';

/**
 * DB_URL when set; otherwise starts the embedded PostgreSQL (first run initialises DB_DATA_DIR). A worker
 * that dies is restarted by EmbeddedPostgres itself; each restart is logged and counted here.
 */
export const databaseTargetProvider: Provider = {
  provide: DATABASE_TARGET,
  inject: [ConfigService, PinoLogger, getToken(EMBEDDED_DATABASE_RESTARTS_TOTAL)],
  useFactory: async (
    config: ConfigService<Environment, true>,
    logger: PinoLogger,
    restarts: Counter<string>,
  ): Promise<DatabaseTarget> => {
    logger.setContext('Database');
    const url = config.get('DB_URL', { infer: true });
    if (url) return externalTarget(url);
    const dataDir = config.get('DB_DATA_DIR', { infer: true });
    let embedded: EmbeddedPostgres;
    try {
      embedded = await EmbeddedPostgres.start({
        dataDir,
        sharedBuffersMb: config.get('DB_EMBEDDED_SHARED_BUFFERS_MB', { infer: true }),
        log: (level, message, fields) => logger[level](fields ?? {}, message),
        onExit: (exit) => logger.error({ code: exit.code, reason: exit.error?.message }, 'embedded PostgreSQL stopped unexpectedly'),
        onRestart: (reason) => restarts.inc({ reason }),
      });
    } catch (error) {
      if (isFileSystemError(error)) {
        throw new BootFailure(
          `the embedded database cannot use DB_DATA_DIR=${dataDir} (${error.code} on ${error.path})`,
          'Make it a directory this user can create and write, set DB_DATA_DIR to one, or set DB_URL to a PostgreSQL server',
          { cause: error },
        );
      }
      throw new BootFailure(
        `the embedded database in DB_DATA_DIR=${dataDir} did not start (${(error as Error).message})`,
        'See the log lines above; set DB_URL to use a PostgreSQL server instead',
        { cause: error },
      );
    }
    return embeddedTarget(embedded, dataDir);
  },
};
