import { Provider } from '@nestjs/common';
import { SqlGuard } from './sql-guard';
import { SqlGuardFactory } from './sql-guard.factory';

/** The parser policy for user SQL, built once at boot (see SqlGuardFactory). */
export const sqlGuardProvider: Provider = {
  provide: SqlGuard,
  inject: [SqlGuardFactory],
  useFactory: (factory: SqlGuardFactory): Promise<SqlGuard> => factory.create(),
};
