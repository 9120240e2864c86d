import { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { DATABASE_TARGET, DatabaseTarget, embeddedTarget, externalTarget } from './database-target';
import { EmbeddedPostgres } from './embedded/embedded-postgres';

/** DB_URL when set; otherwise starts the embedded PostgreSQL (first run initialises DB_DATA_DIR). */
export const databaseTargetProvider: Provider = {
  provide: DATABASE_TARGET,
  inject: [ConfigService, PinoLogger],
  useFactory: async (config: ConfigService<Environment, true>, logger: PinoLogger): Promise<DatabaseTarget> => {
    logger.setContext('Database');
    const url = config.get('DB_URL', { infer: true });
    if (url) return externalTarget(url);
    const dataDir = config.get('DB_DATA_DIR', { infer: true });
    const embedded = await EmbeddedPostgres.start({
      dataDir,
      log: (level, message, fields) => logger[level](fields ?? {}, message),
      onExit: (exit) => logger.error({ code: exit.code, reason: exit.error?.message }, 'embedded PostgreSQL stopped unexpectedly'),
    });
    return embeddedTarget(embedded, dataDir);
  },
};
