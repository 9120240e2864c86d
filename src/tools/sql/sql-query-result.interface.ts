/** One column of a result, as PostgreSQL described it. */
export interface SqlColumn {
  readonly name: string;
  /** PostgreSQL type name, e.g. `int4`, `numeric`, `text`, `timestamptz`. */
  readonly type: string;
}

/** What every SQL tool returns for rows: capped at `max_rows`, `truncated` when more were available. */
export interface SqlQueryResult {
  readonly columns: SqlColumn[];
  readonly rows: Record<string, unknown>[];
  readonly row_count: number;
  readonly truncated: boolean;
}

/** One read-only statement to run: already checked by SqlGuard (user SQL) or written by us (catalog/tools). */
export interface ReadOnlyQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly maxRows: number;
  /** The tool's signal: aborting it ends the query. */
  readonly signal: AbortSignal;
  /** Tool name, for `db_query_duration_seconds{tool}`. */
  readonly tool: string;
  /**
   * What a caller's mistake or a result over the byte caps is named after in an `invalid` answer: `sql` (the
   * default) where the caller wrote the statement, `(arguments)` where the statement is ours (catalog, schema tools).
   */
  readonly field?: string;
}
