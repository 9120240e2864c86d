import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { dtoJsonSchema } from '../../platform/mcp/dto-json-schema';
import { defaultToolScopes } from '../../platform/mcp/registered-tool';
import { RegisteredTool, ToolRegistry } from '../../platform/mcp/tool.registry';
import { ToolContext } from '../../platform/mcp/tool-context.interface';
import { loadSqlCatalogFile, SqlCatalogTool } from './sql-catalog.loader';
import { SqlGuard } from './sql-guard';
import { SQL_FAMILY } from './sql.constants';
import { SqlQueryOutput } from './sql.dto';
import { SqlQueryResult } from './sql-query-result.interface';
import { SqlReadOnlyExecutor } from './sql-readonly.executor';

/**
 * Serves the named-query catalog: when `SQL_QUERIES_FILE` is set, reads it at module init (before the
 * MCP explorer and any client listing), checks every entry (format, named parameters, defaults, and the
 * SQL through SqlGuard, like `sql_query`'s), and registers one read-only tool per query. Each call runs
 * the curated SQL through the read-only executor with the validated arguments bound as `$1..$n`.
 * Any problem fails the boot with one message listing all of them. Results have `sql_query`'s output
 * schema (SqlQueryOutput).
 *
 * Needs ToolRegistry (import McpModule) and SqlReadOnlyExecutor; uses the module's SqlGuard provider
 * when there is one, otherwise creates its own.
 */
@Injectable()
export class SqlCatalogRegistrar implements OnModuleInit {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly executor: SqlReadOnlyExecutor,
    private readonly config: ConfigService<Environment, true>,
    @InjectPinoLogger('SqlCatalog') private readonly logger: PinoLogger,
    @Optional() @Inject(SqlGuard) private readonly guard?: SqlGuard,
  ) {}

  async onModuleInit(): Promise<void> {
    const file = this.config.get('SQL_QUERIES_FILE', { infer: true });
    if (file === undefined) return;
    const guard = this.guard ?? (await SqlGuard.create({ allowedSchemas: this.config.get('SQL_ALLOWED_SCHEMAS', { infer: true }) }));
    const tools = await loadSqlCatalogFile(file, {
      guard,
      defaultMaxRows: this.config.get('SQL_DEFAULT_MAX_ROWS', { infer: true }),
      maxRowsLimit: this.config.get('SQL_MAX_ROWS_LIMIT', { infer: true }),
    });
    for (const tool of tools) {
      const registered = this.toRegisteredTool(file, tool);
      this.registry.register(registered);
      this.logger.info(`${registered.source} -> ${tool.query.name}`);
    }
    this.logger.info({ file, tools: tools.length }, 'SQL catalog loaded');
  }

  private toRegisteredTool(file: string, { query, input, sql }: SqlCatalogTool): RegisteredTool {
    const { names } = query.statement;
    return {
      definition: {
        name: query.name,
        ...(query.title !== undefined ? { title: query.title } : {}),
        description: query.description,
        inputSchema: dtoJsonSchema(input),
        outputSchema: dtoJsonSchema(SqlQueryOutput),
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      },
      input,
      output: SqlQueryOutput,
      scopes: defaultToolScopes(SQL_FAMILY, true),
      source: `SQL catalog ${file}#${query.name}`,
      handler: (args: object, ctx: ToolContext): Promise<SqlQueryResult> => {
        const values = args as Record<string, unknown>;
        return this.executor.run({
          sql,
          // An optional parameter the caller left out is SQL NULL.
          params: names.map((name) => values[name] ?? null),
          maxRows: query.maxRows,
          signal: ctx.signal,
          tool: query.name,
          field: '(arguments)',
        });
      },
    };
  }
}
