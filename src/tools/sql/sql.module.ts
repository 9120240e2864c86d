import { Module } from '@nestjs/common';
import { McpModule } from '../../platform/mcp/mcp.module';
import { CustomersRepository } from './customers.repository';
import { ExtensionFunctionsRepository } from './extension-functions.repository';
import { CustomersService } from './customers.service';
import { SchemaRepository } from './schema.repository';
import { SqlCatalogRegistrar } from './sql-catalog.registrar';
import { SqlConfig } from './sql.config';
import { SqlGuardFactory } from './sql-guard.factory';
import { sqlGuardProvider } from './sql-guard.provider';
import { sqlMetrics } from './sql.metrics';
import { SqlQueryService } from './sql-query.service';
import { SqlReadOnlyExecutor } from './sql-readonly.executor';
import { SqlSchemaService } from './sql-schema.service';
import { SqlPrompts } from './sql.prompts';
import { SqlTools } from './sql.tools';

/**
 * The SQL family: get_top_customers, sql_list_tables, sql_describe_table and sql_query, plus one tool per
 * SQL_QUERIES_FILE entry, all read-only; the prompts explore_table and write_query. Needs the (global) DatabaseModule; imports McpModule for the
 * ToolRegistry the catalog registers into. User SQL only ever runs through SqlReadOnlyExecutor.
 */
@Module({
  imports: [McpModule],
  providers: [
    SqlConfig,
    ExtensionFunctionsRepository,
    SqlGuardFactory,
    sqlGuardProvider,
    ...sqlMetrics,
    SqlReadOnlyExecutor,
    CustomersRepository,
    SchemaRepository,
    CustomersService,
    SqlSchemaService,
    SqlQueryService,
    SqlTools,
    SqlPrompts,
    SqlCatalogRegistrar,
  ],
})
export class SqlToolsModule {}
