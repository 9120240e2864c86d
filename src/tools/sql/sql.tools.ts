import { Injectable } from '@nestjs/common';
import { McpTool } from '../../platform/mcp/mcp-tool.decorator';
import { McpToolProvider } from '../../platform/mcp/mcp-tool-provider.decorator';
import { ToolContext } from '../../platform/mcp/tool-context.interface';
import { CustomersService } from './customers.service';
import {
  DescribeTableInput,
  ListTablesInput,
  SqlQueryInput,
  SqlQueryOutput,
  SqlTableDescription,
  SqlTableList,
  TopCustomersInput,
  TopCustomersOutput,
} from './sql.dto';
import { SqlQueryService } from './sql-query.service';
import { SqlSchemaService } from './sql-schema.service';
import { SQL_FAMILY } from './sql.constants';

const READ_ONLY = { readOnlyHint: true, idempotentHint: true, openWorldHint: false } as const;

/** The SQL tools: each method turns validated input into one service call. */
@McpToolProvider({ family: SQL_FAMILY })
@Injectable()
export class SqlTools {
  constructor(
    private readonly customers: CustomersService,
    private readonly schema: SqlSchemaService,
    private readonly sql: SqlQueryService,
  ) {}

  @McpTool({
    name: 'get_top_customers',
    title: 'Top customers',
    description:
      'Ranks customers by the total amount of their orders, highest first, one page at a time (limit/offset), ' +
      'with the number of customers that have orders.',
    input: TopCustomersInput,
    output: TopCustomersOutput,
    annotations: READ_ONLY,
  })
  topCustomers(input: TopCustomersInput, ctx: ToolContext): Promise<TopCustomersOutput> {
    return this.customers.top(input, ctx.signal);
  }

  @McpTool({
    name: 'sql_list_tables',
    title: 'List tables',
    description:
      'Lists the tables and views sql_query may read (in the allowed schemas), with row estimates. Start here to explore the data.',
    input: ListTablesInput,
    output: SqlTableList,
    annotations: READ_ONLY,
  })
  listTables(input: ListTablesInput, ctx: ToolContext): Promise<SqlTableList> {
    return this.schema.listTables(input, ctx.signal);
  }

  @McpTool({
    name: 'sql_describe_table',
    title: 'Describe a table',
    description:
      'Describes one table or view: columns with types, nullability and defaults, primary key, foreign keys, indexes and a row estimate.',
    input: DescribeTableInput,
    output: SqlTableDescription,
    annotations: READ_ONLY,
  })
  describeTable(input: DescribeTableInput, ctx: ToolContext): Promise<SqlTableDescription> {
    return this.schema.describeTable(input, ctx.signal);
  }

  @McpTool({
    name: 'sql_query',
    title: 'Run a read-only SQL query',
    description:
      'Runs ONE read-only PostgreSQL SELECT (CTEs, joins, window functions, GROUPING SETS are fine) with values passed ' +
      'separately as $1, $2, … and answers at most max_rows rows, saying whether there were more. Writes, DDL, ' +
      'several statements, row locks and server-side functions such as pg_sleep or pg_read_file are refused; a query ' +
      'running past the server\'s deadline is stopped. Use sql_list_tables and sql_describe_table to learn the schema.',
    input: SqlQueryInput,
    output: SqlQueryOutput,
    annotations: READ_ONLY,
  })
  query(input: SqlQueryInput, ctx: ToolContext): Promise<SqlQueryOutput> {
    return this.sql.query(input, ctx.signal);
  }
}
