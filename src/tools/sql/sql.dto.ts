import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { SqlColumn, SqlQueryResult } from './sql-query-result.interface';

/** A value for one `$n` placeholder: JSON scalars only (the server casts them, e.g. `$1::date`). */
export type SqlParam = string | number | boolean | null;

export const SQL_MAX_PARAMS = 100;
export const SQL_MAX_PARAM_LENGTH = 65_535;
export const SQL_MAX_QUERY_LENGTH = 100_000;
/** A static ceiling for `max_rows`; the configured one (SQL_MAX_ROWS_LIMIT) is checked by the service. */
export const SQL_MAX_ROWS_CEILING = 100_000;

/** PostgreSQL identifiers are at most 63 bytes; a NUL is never part of one. */
const IDENTIFIER = /^[^\0]{1,63}$/;

function isSqlParam(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= SQL_MAX_PARAM_LENGTH && !value.includes('\0');
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    default:
      return value === null;
  }
}

/** Each item a string (at most 65 535 characters, no NUL), a finite number, a boolean or null. */
function IsSqlParam(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSqlParam',
      validator: {
        validate: isSqlParam,
        defaultMessage: () =>
          `each value in $property must be a string (at most ${SQL_MAX_PARAM_LENGTH} characters, no NUL), a finite number, a boolean or null`,
      },
    },
    options,
  );
}

export class TopCustomersInput {
  @JSONSchema({ description: 'How many customers to answer (a page), 1 to 1000' })
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 10;

  @JSONSchema({ description: 'How many customers of the ranking to skip, for the next pages' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset = 0;
}

export class TopCustomer {
  @JSONSchema({ description: 'Customer name' })
  @IsString()
  name!: string;

  @JSONSchema({
    description: 'Sum of the customer\'s order amounts: an exact decimal as a string with two decimals, e.g. "1234.50"',
  })
  @IsString()
  @Matches(/^-?\d+\.\d{2}$/)
  total!: string;
}

export class TopCustomersOutput {
  @JSONSchema({ description: 'Customers by total spent, highest first; equal totals by name (byte order), then id' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TopCustomer)
  customers!: TopCustomer[];

  @IsInt()
  limit!: number;

  @IsInt()
  offset!: number;

  @JSONSchema({ description: 'How many customers have at least one order (the length of the whole ranking)' })
  @IsInt()
  total_count!: number;
}

export class ListTablesInput {
  @JSONSchema({ description: 'Only this schema (one of the allowed schemas); all allowed schemas when left out' })
  @IsOptional()
  @IsString()
  @Matches(IDENTIFIER, { message: 'schema must be a PostgreSQL identifier (1 to 63 characters)' })
  schema?: string;
}

export class SqlTableSummary {
  @IsString()
  schema!: string;

  @IsString()
  name!: string;

  @JSONSchema({ description: 'table, partitioned table, view, materialized view or foreign table' })
  @IsString()
  kind!: string;

  @JSONSchema({ description: 'Estimated row count from the planner statistics; absent when never analyzed (or a view)' })
  @IsOptional()
  @IsNumber()
  row_estimate?: number;

  @JSONSchema({ description: 'The table\'s comment, if any' })
  @IsOptional()
  @IsString()
  description?: string;
}

export class SqlTableList {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SqlTableSummary)
  tables!: SqlTableSummary[];

  @JSONSchema({ description: 'True when there were more tables than answered (10 000)' })
  @IsBoolean()
  truncated!: boolean;
}

export class DescribeTableInput {
  @JSONSchema({ description: 'Table (or view) name, as stored: unquoted names are lower case' })
  @IsString()
  @Matches(IDENTIFIER, { message: 'table must be a PostgreSQL identifier (1 to 63 characters)' })
  table!: string;

  @JSONSchema({ description: 'Schema of the table; when left out, the allowed schemas are searched in order' })
  @IsOptional()
  @IsString()
  @Matches(IDENTIFIER, { message: 'schema must be a PostgreSQL identifier (1 to 63 characters)' })
  schema?: string;
}

export class SqlTableColumn {
  @IsString()
  name!: string;

  @JSONSchema({ description: 'SQL type, e.g. integer, numeric(12,2), timestamp with time zone' })
  @IsString()
  type!: string;

  @IsBoolean()
  nullable!: boolean;

  @JSONSchema({ description: 'Default expression, if any' })
  @IsOptional()
  @IsString()
  default?: string;

  @JSONSchema({ description: 'The column\'s comment, if any' })
  @IsOptional()
  @IsString()
  description?: string;
}

export class SqlForeignKey {
  @IsString()
  name!: string;

  @IsArray()
  @IsString({ each: true })
  columns!: string[];

  @IsString()
  referenced_schema!: string;

  @IsString()
  referenced_table!: string;

  @IsArray()
  @IsString({ each: true })
  referenced_columns!: string[];
}

export class SqlTableIndex {
  @IsString()
  name!: string;

  @JSONSchema({ description: 'CREATE INDEX statement as PostgreSQL prints it' })
  @IsString()
  definition!: string;

  @IsBoolean()
  unique!: boolean;

  @IsBoolean()
  primary!: boolean;
}

export class SqlTableDescription {
  @IsString()
  schema!: string;

  @IsString()
  name!: string;

  @IsString()
  kind!: string;

  @JSONSchema({ description: 'Estimated row count from the planner statistics; absent when never analyzed (or a view)' })
  @IsOptional()
  @IsNumber()
  row_estimate?: number;

  @IsOptional()
  @IsString()
  description?: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SqlTableColumn)
  columns!: SqlTableColumn[];

  @JSONSchema({ description: 'Columns of the primary key, in key order; empty when there is none' })
  @IsArray()
  @IsString({ each: true })
  primary_key!: string[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SqlForeignKey)
  foreign_keys!: SqlForeignKey[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SqlTableIndex)
  indexes!: SqlTableIndex[];
}

export class SqlQueryInput {
  @JSONSchema({
    description:
      'One read-only SELECT (WITH, VALUES, window functions, GROUPING SETS … are fine). Put values in $1, $2, … ' +
      'placeholders and pass them in params; never splice them into the text.',
  })
  @IsString()
  @Length(1, SQL_MAX_QUERY_LENGTH)
  sql!: string;

  // A function, not an object: the custom validator would otherwise leave a `$ref` to `Array` in `items`.
  @JSONSchema((schema) => ({
    ...schema,
    description: 'Values of $1, $2, … in order: strings, numbers, booleans or null. Cast in SQL when needed ($1::date).',
    items: { type: ['string', 'number', 'boolean', 'null'] },
  }))
  @IsArray()
  @ArrayMaxSize(SQL_MAX_PARAMS)
  @IsSqlParam({ each: true })
  params: SqlParam[] = [];

  @JSONSchema({
    description: 'Most rows to answer (default SQL_DEFAULT_MAX_ROWS, at most SQL_MAX_ROWS_LIMIT of this server)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(SQL_MAX_ROWS_CEILING)
  max_rows?: number;
}

export class SqlResultColumn implements SqlColumn {
  @JSONSchema({ description: 'Column name; a repeated name gets _2, _3, … so that every row key is unique' })
  @IsString()
  name!: string;

  @JSONSchema({ description: 'PostgreSQL type name, e.g. int4, int8, numeric, text, timestamptz' })
  @IsString()
  type!: string;
}

export class SqlQueryOutput implements SqlQueryResult {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SqlResultColumn)
  columns!: SqlResultColumn[];

  @JSONSchema({
    description:
      'Rows as objects keyed by column name. int8 and numeric come as strings (exact), dates and times as ' +
      'PostgreSQL prints them (ISO 8601), bytea as \\x hex, json as JSON.',
  })
  @IsArray()
  @IsObject({ each: true })
  rows!: Record<string, unknown>[];

  @IsInt()
  row_count!: number;

  @JSONSchema({ description: 'True when the query had more rows than max_rows (the rest were not read)' })
  @IsBoolean()
  truncated!: boolean;
}
