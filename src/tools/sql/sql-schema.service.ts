import { Injectable } from '@nestjs/common';
import {
  InvalidArgumentsException,
  ToolException,
  ToolFailedException,
  ToolNotFoundException,
} from '../../platform/errors/tool.exception';
import { SqlConfig } from './sql.config';
import { DescribeTableInput, ListTablesInput, SqlTableDescription, SqlTableList, SqlTableSummary } from './sql.dto';
import { SchemaRepository, TableRow } from './schema.repository';

/** Tables and their structure, limited to SQL_ALLOWED_SCHEMAS. */
@Injectable()
export class SqlSchemaService {
  constructor(
    private readonly schemaRepository: SchemaRepository,
    private readonly config: SqlConfig,
  ) {}

  async listTables(input: ListTablesInput, signal: AbortSignal): Promise<SqlTableList> {
    const schemas = this.schemasFor(input.schema);
    const { tables, truncated } = await ours(this.schemaRepository.listTables(schemas, 'sql_list_tables', signal));
    return { tables: tables.map(summary), truncated };
  }

  async describeTable(input: DescribeTableInput, signal: AbortSignal): Promise<SqlTableDescription> {
    const schemas = this.schemasFor(input.schema);
    const found = await ours(this.schemaRepository.findTable(schemas, input.table, 'sql_describe_table', signal));
    if (!found) {
      const where = schemas.length === 1 ? `schema ${schemas[0]}` : `schemas ${schemas.join(', ')}`;
      throw new ToolNotFoundException(`Table ${input.table} does not exist in ${where}`);
    }
    const details = await ours(this.schemaRepository.tableDetails(found.oid, 'sql_describe_table', signal));
    const primary = details.constraints.find((constraint) => constraint.type === 'p');
    return {
      ...summary(found),
      columns: details.columns.map((column) => withoutNulls(column)),
      primary_key: primary?.columns ?? [],
      foreign_keys: details.constraints
        .filter((constraint) => constraint.type === 'f')
        .map((key) => ({
          name: key.name,
          columns: key.columns,
          referenced_schema: key.referenced_schema ?? '',
          referenced_table: key.referenced_table ?? '',
          referenced_columns: key.referenced_columns,
        })),
      indexes: details.indexes,
    };
  }

  /** The asked schema when allowed (else `invalid` naming `schema`), or every allowed schema. */
  private schemasFor(schema: string | undefined): readonly string[] {
    if (schema === undefined) return this.config.allowedSchemas;
    if (!this.config.allowedSchemas.includes(schema)) {
      throw new InvalidArgumentsException([
        { field: 'schema', message: `must be one of the allowed schemas: ${this.config.allowedSchemas.join(', ')}` },
      ]);
    }
    return [schema];
  }
}

/**
 * The catalog statements are ours, not the caller's: a PostgreSQL error in them (the executor answers
 * those as `invalid` on `sql`) is a failure of the server, not a mistake in the arguments.
 */
async function ours<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ToolException && error.status === 'invalid') {
      throw new ToolFailedException('Reading the database catalog failed', { cause: error });
    }
    throw error;
  }
}

/** Optional fields the catalog answered NULL for are left out (the output schema types them, without null). */
function withoutNulls<T extends object>(row: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)) as { [K in keyof T]: Exclude<T[K], null> };
}

function summary(row: TableRow): SqlTableSummary {
  return withoutNulls({
    schema: row.schema,
    name: row.name,
    kind: row.kind,
    row_estimate: row.row_estimate,
    description: row.description,
  });
}
