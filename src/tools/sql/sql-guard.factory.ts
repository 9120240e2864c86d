import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { ExtensionFunctionRow, ExtensionFunctionsRepository } from './extension-functions.repository';
import { FUNCTION_SYSTEM_SCHEMAS } from './sql-function-policy';
import { SqlGuard } from './sql-guard';
import { SqlConfig } from './sql.config';

/**
 * Builds the parser policy for user SQL once at boot (loads the PostgreSQL parser, WASM) on the allowed
 * schemas, denying the functions that installed extensions define there and in pg_catalog, except those
 * in SQL_ALLOWED_EXTENSION_FUNCTIONS and names that overload a core built-in (`max(citext)`, `avg(vector)`):
 * those are judged as the built-in. An extension created after boot is seen at the next boot. If the
 * list cannot be read the boot fails: the guard would otherwise let every extension function through.
 */
@Injectable()
export class SqlGuardFactory {
  constructor(
    private readonly config: SqlConfig,
    private readonly extensions: ExtensionFunctionsRepository,
    @InjectPinoLogger(SqlGuard.name) private readonly logger: PinoLogger,
  ) {}

  async create(): Promise<SqlGuard> {
    const rows = await this.installedExtensionFunctions();
    const allowed = new Set(this.config.allowedExtensionFunctions);
    const denied = new Map(rows.filter((row) => !row.overloads_builtin && !allowed.has(row.name)).map((row) => [row.name, row.extension]));
    this.logger.info(
      {
        denied: denied.size,
        allowed: rows.filter((row) => allowed.has(row.name)).map((row) => row.name),
        overloads_builtin: rows.filter((row) => row.overloads_builtin).map((row) => `${row.extension}.${row.name}`),
      },
      'SQL guard: functions of installed extensions are denied unless listed in SQL_ALLOWED_EXTENSION_FUNCTIONS',
    );
    return SqlGuard.create({ allowedSchemas: this.config.allowedSchemas, extensionFunctions: denied });
  }

  private async installedExtensionFunctions(): Promise<ExtensionFunctionRow[]> {
    try {
      return await this.extensions.list([...this.config.allowedSchemas, ...FUNCTION_SYSTEM_SCHEMAS], new AbortController().signal);
    } catch (error) {
      throw new Error(`The SQL tools could not list the functions of installed extensions: ${(error as Error).message}`, { cause: error });
    }
  }
}
