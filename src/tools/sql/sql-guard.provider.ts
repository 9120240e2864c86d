import { Provider } from '@nestjs/common';
import { SqlGuard } from './sql-guard';
import { SqlConfig } from './sql.config';

/** The parser policy for user SQL, built once at boot (loads the PostgreSQL parser, WASM) on the allowed schemas. */
export const sqlGuardProvider: Provider = {
  provide: SqlGuard,
  inject: [SqlConfig],
  useFactory: (config: SqlConfig): Promise<SqlGuard> => SqlGuard.create({ allowedSchemas: config.allowedSchemas }),
};
