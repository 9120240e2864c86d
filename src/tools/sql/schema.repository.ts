import { Injectable } from '@nestjs/common';
import { SqlReadOnlyExecutor } from './sql-readonly.executor';

/** Relation kinds the schema tools show, by pg_class.relkind. */
const RELATION_KIND = `CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
  WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END`;

/** reltuples is -1 until the table is first analyzed (and meaningless for views). */
const ROW_ESTIMATE = `CASE WHEN c.relkind IN ('r', 'p', 'm', 'f') AND c.reltuples >= 0 THEN round(c.reltuples)::float8 END`;

const LIST_TABLES_SQL = `
SELECT n.nspname::text AS schema, c.relname::text AS name, ${RELATION_KIND} AS kind, ${ROW_ESTIMATE} AS row_estimate,
       pg_catalog.obj_description(c.oid, 'pg_class') AS description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY array_position($1::text[], n.nspname::text), c.relname`;

const FIND_TABLE_SQL = `
SELECT c.oid::int8::float8 AS oid, n.nspname::text AS schema, c.relname::text AS name, ${RELATION_KIND} AS kind,
       ${ROW_ESTIMATE} AS row_estimate, pg_catalog.obj_description(c.oid, 'pg_class') AS description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = $2 AND n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY array_position($1::text[], n.nspname::text)
LIMIT 1`;

/** Columns, keys and indexes of one relation in one statement (one snapshot), each list as JSON. */
const TABLE_DETAILS_SQL = `
SELECT
  (SELECT coalesce(json_agg(json_build_object(
            'name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod), 'nullable', NOT a.attnotnull,
            'default', pg_catalog.pg_get_expr(d.adbin, d.adrelid), 'description', pg_catalog.col_description(a.attrelid, a.attnum))
          ORDER BY a.attnum), '[]'::json)
     FROM pg_catalog.pg_attribute a
     LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
  (SELECT coalesce(json_agg(json_build_object(
            'type', con.contype, 'name', con.conname,
            'columns', (SELECT coalesce(json_agg(a.attname ORDER BY k.i), '[]'::json)
                          FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)
                          JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
            'referenced_schema', fn.nspname, 'referenced_table', fc.relname,
            'referenced_columns', (SELECT coalesce(json_agg(a.attname ORDER BY k.i), '[]'::json)
                                     FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, i)
                                     JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum))
          ORDER BY con.conname), '[]'::json)
     FROM pg_catalog.pg_constraint con
     LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
     LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
    WHERE con.conrelid = $1::oid AND con.contype IN ('p', 'f')) AS constraints,
  (SELECT coalesce(json_agg(json_build_object(
            'name', ic.relname, 'definition', pg_catalog.pg_get_indexdef(i.indexrelid),
            'unique', i.indisunique, 'primary', i.indisprimary)
          ORDER BY ic.relname), '[]'::json)
     FROM pg_catalog.pg_index i
     JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = $1::oid) AS indexes`;

/** The most tables sql_list_tables answers. */
export const MAX_LISTED_TABLES = 10_000;

export interface TableRow {
  readonly schema: string;
  readonly name: string;
  readonly kind: string;
  readonly row_estimate: number | null;
  readonly description: string | null;
}

export interface ColumnRow {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
  readonly description: string | null;
}

export interface ConstraintRow {
  readonly type: 'p' | 'f';
  readonly name: string;
  readonly columns: string[];
  readonly referenced_schema: string | null;
  readonly referenced_table: string | null;
  readonly referenced_columns: string[];
}

export interface IndexRow {
  readonly name: string;
  readonly definition: string;
  readonly unique: boolean;
  readonly primary: boolean;
}

export interface TableDetails {
  readonly columns: ColumnRow[];
  readonly constraints: ConstraintRow[];
  readonly indexes: IndexRow[];
}

/**
 * The system catalogs, read through the SQL tools' own read-only path (same role, READ ONLY transaction,
 * deadline) with parameterized statements: what the tools describe is what `sql_query` would see.
 */
@Injectable()
export class SchemaRepository {
  constructor(private readonly executor: SqlReadOnlyExecutor) {}

  async listTables(schemas: readonly string[], tool: string, signal: AbortSignal): Promise<{ tables: TableRow[]; truncated: boolean }> {
    const result = await this.executor.run({ sql: LIST_TABLES_SQL, params: [schemas], maxRows: MAX_LISTED_TABLES, signal, tool, field: '(arguments)' });
    return { tables: result.rows as unknown as TableRow[], truncated: result.truncated };
  }

  /** The first relation named `table` in `schemas` (searched in order), with its oid; undefined if none. */
  async findTable(
    schemas: readonly string[],
    table: string,
    tool: string,
    signal: AbortSignal,
  ): Promise<(TableRow & { readonly oid: number }) | undefined> {
    const result = await this.executor.run({ sql: FIND_TABLE_SQL, params: [schemas, table], maxRows: 1, signal, tool, field: '(arguments)' });
    return result.rows[0] as unknown as (TableRow & { readonly oid: number }) | undefined;
  }

  async tableDetails(oid: number, tool: string, signal: AbortSignal): Promise<TableDetails> {
    const result = await this.executor.run({ sql: TABLE_DETAILS_SQL, params: [oid], maxRows: 1, signal, tool, field: '(arguments)' });
    return result.rows[0] as unknown as TableDetails;
  }
}
