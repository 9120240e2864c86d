import { Injectable } from '@nestjs/common';
import { InvalidArgumentsException } from '../../platform/errors/tool.exception';
import { McpPrompt } from '../../platform/mcp/mcp-prompt.decorator';
import { CompletionContext, PromptContext, PromptOutput } from '../../platform/mcp/mcp-prompt-options.interface';
import { McpToolProvider } from '../../platform/mcp/mcp-tool-provider.decorator';
import { SQL_FAMILY } from './sql.constants';
import { SqlConfig } from './sql.config';
import { exploreTablePrompt, MAX_WRITE_QUERY_TABLES, writeQueryPrompt } from './sql-prompt.builder';
import { ExploreTableArgs, WriteQueryArgs } from './sql-prompt.dto';
import { SqlSchemaService } from './sql-schema.service';

/** Suggestions one completion of a table name fetches (the server answers at most 100 and says there are more). */
const TABLE_SUGGESTIONS = 101;

/** The SQL prompts: ready-made workflows over the schema tools and sql_query. */
@McpToolProvider({ family: SQL_FAMILY })
@Injectable()
export class SqlPrompts {
  constructor(
    private readonly schema: SqlSchemaService,
    private readonly config: SqlConfig,
  ) {}

  @McpPrompt({
    name: 'explore_table',
    title: 'Explore a table',
    description: 'Describes one table or view (embedded as a resource) and asks for an explanation plus safe read-only queries to learn its data.',
    arguments: ExploreTableArgs,
    complete: { table: 'completeTable', schema: 'completeSchema' },
  })
  async exploreTable(args: ExploreTableArgs, ctx: PromptContext): Promise<PromptOutput> {
    return exploreTablePrompt(await this.schema.describeTable(args, ctx.signal));
  }

  @McpPrompt({
    name: 'write_query',
    title: 'Answer a question with SQL',
    description: 'Turns a question into instructions to answer it with sql_query, with the schema of the allowed tables (or the ones named).',
    arguments: WriteQueryArgs,
    complete: { tables: 'completeTableList' },
  })
  async writeQuery(args: WriteQueryArgs, ctx: PromptContext): Promise<PromptOutput> {
    const { tables: listed } = await this.schema.listTables({}, ctx.signal);
    let chosen = listed;
    if (args.tables !== undefined) {
      const wanted = [...new Set(args.tables.split(',').map((name) => name.trim()).filter(Boolean))];
      const unknown = wanted.filter((name) => !listed.some((t) => t.name === name || `${t.schema}.${t.name}` === name));
      if (wanted.length === 0 || unknown.length > 0) {
        throw new InvalidArgumentsException([{ field: 'tables', message: `names no allowed table: ${(unknown.length > 0 ? unknown : ['(empty)']).slice(0, 5).join(', ')}` }]);
      }
      chosen = listed.filter((t) => wanted.includes(t.name) || wanted.includes(`${t.schema}.${t.name}`));
    }
    const described = [];
    for (const table of chosen.slice(0, MAX_WRITE_QUERY_TABLES)) {
      described.push(await this.schema.describeTable({ table: table.name, schema: table.schema }, ctx.signal));
    }
    return writeQueryPrompt(args.question, described, chosen.length > MAX_WRITE_QUERY_TABLES);
  }

  completeTable(partial: string, ctx: CompletionContext): Promise<string[]> {
    return this.tableNames(partial, ctx, ctx.arguments.schema);
  }

  completeSchema(partial: string): string[] {
    return this.config.allowedSchemas.filter((schema) => schema.toLowerCase().startsWith(partial.toLowerCase()));
  }

  /** The last name of a comma-separated list: `customers, or` → `customers, orders`. */
  async completeTableList(partial: string, ctx: CompletionContext): Promise<string[]> {
    const cut = partial.lastIndexOf(',');
    const head = cut < 0 ? '' : `${partial.slice(0, cut + 1)} `;
    const names = await this.tableNames(partial.slice(cut + 1).trim(), ctx);
    return names.map((name) => `${head}${name}`);
  }

  /** Allowed table names starting with `partial` (case-insensitive), filtered in code: the text never reaches SQL. */
  private async tableNames(partial: string, ctx: CompletionContext, schema?: string): Promise<string[]> {
    const allowed = schema !== undefined && this.config.allowedSchemas.includes(schema) ? schema : undefined;
    const { tables } = await this.schema.listTables(allowed ? { schema: allowed } : {}, ctx.signal);
    const prefix = partial.toLowerCase();
    return [...new Set(tables.map((t) => t.name).filter((name) => name.toLowerCase().startsWith(prefix)))].slice(0, TABLE_SUGGESTIONS);
  }
}
