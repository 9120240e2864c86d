/**
 * Which functions a user-supplied query may call. Names are compared as PostgreSQL folds them (unquoted
 * identifiers are lower case). A pattern is an exact name or a prefix ending in `*`.
 *
 * This is the first line only: the executor also runs the query in a READ ONLY transaction, under a
 * role without superuser or `pg_*` file/monitoring roles, with a statement timeout and a search_path
 * pinned to the allowed schemas. Functions reachable without naming them (attribute notation `t.f`
 * for a function taking the row type, casts, operators in allowed schemas) are left to those layers.
 */
export const DENIED_FUNCTION_PATTERNS: readonly string[] = [
  // Sleeping and advisory locks hold a pooled connection or leave session-level locks behind on it.
  'pg_sleep*',
  'pg_advisory*',
  'pg_try_advisory*',

  // Read or list files on the database server.
  'pg_read_file',
  'pg_read_binary_file',
  'pg_ls_*',
  'pg_stat_file',
  'pg_file_*',

  // Large objects: lo_import/lo_export read and write server files; the rest create or change objects.
  'lo_*',
  'loread',
  'lowrite',

  // Run SQL text given as a string, which this guard never sees (an `INSERT` inside `query_to_xml('…')`),
  // or dump whole tables, schemas or the database.
  'query_to_xml*',
  'table_to_xml*',
  'cursor_to_xml*',
  'database_to_xml*',
  'schema_to_xml*',
  'ts_stat',
  'ts_rewrite',

  // Reach other databases or the network.
  'dblink*',
  'postgres_fdw_*',
  'http',
  'http_*',

  // Read or change settings: set_config can lift default_transaction_read_only, and current_setting
  // discloses configuration; setseed changes session state on a pooled connection.
  'set_config',
  'current_setting',
  'setseed',

  // Control the server or other sessions, replication, WAL and backups.
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_promote',
  'pg_switch_wal',
  'pg_create_*',
  'pg_drop_*',
  'pg_logical_*',
  'pg_replication_*',
  'pg_backup_*',
  'pg_import_system_collations',
  'pg_notify',
  'pg_stat_reset*',

  // Writes that a read-only transaction may still let through or that change shared state.
  'nextval',
  'setval',
  'gin_clean_pending_list',
  'brin_summarize_*',
  'brin_desummarize_range',
  'binary_upgrade_*',

  // Disclose the server's network address.
  'inet_server_addr',
  'inet_server_port',
];

/**
 * `pg_*` functions are denied unless listed here: the prefix is where PostgreSQL keeps administration,
 * file access and monitoring, and new releases add more. These only compute on their arguments or
 * describe objects the role can see anyway (sizes and definitions carry no row data).
 */
export const ALLOWED_PG_FUNCTIONS: ReadonlySet<string> = new Set([
  'pg_typeof',
  'pg_collation_for', // what `COLLATION FOR (expr)` parses into
  'pg_column_size',
  'pg_column_compression',
  'pg_size_pretty',
  'pg_size_bytes',
  'pg_relation_size',
  'pg_total_relation_size',
  'pg_table_size',
  'pg_indexes_size',
  'pg_get_viewdef',
  'pg_get_indexdef',
  'pg_get_constraintdef',
  'pg_get_expr',
  'pg_get_serial_sequence',
  'pg_table_is_visible',
  'pg_input_is_valid',
  'pg_input_error_info',
  'pg_client_encoding',
  'pg_encoding_to_char',
]);

/** Schemas a function may be qualified with besides the allowed ones (built-ins live in pg_catalog). */
export const FUNCTION_SYSTEM_SCHEMAS: ReadonlySet<string> = new Set(['pg_catalog']);

interface CompiledPatterns {
  readonly exact: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

function compilePatterns(patterns: readonly string[]): CompiledPatterns {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    const star = pattern.indexOf('*');
    if (pattern.length === 0 || (star !== -1 && star !== pattern.length - 1)) {
      throw new Error(`Invalid function pattern "${pattern}": use a name or a prefix ending in *`);
    }
    if (star === -1) exact.add(pattern);
    else prefixes.push(pattern.slice(0, -1));
  }
  return { exact, prefixes };
}

const denied = compilePatterns(DENIED_FUNCTION_PATTERNS);

/** Whether `name` (unqualified, as folded by the parser) may be called, whatever schema it is in. */
export function isFunctionNameAllowed(name: string): boolean {
  if (denied.exact.has(name)) return false;
  for (const prefix of denied.prefixes) if (name.startsWith(prefix)) return false;
  return !name.startsWith('pg_') || ALLOWED_PG_FUNCTIONS.has(name);
}

export type FunctionVerdict = 'allowed' | 'schema-denied' | 'function-denied' | 'extension-denied';

/**
 * Functions of installed extensions, by name, that the guard denies: name → extension. Extensions add
 * functions that run a SQL string the guard never parses (tablefunc's `crosstab`, `connectby`, xml2's
 * `xpath_table`) or read raw storage (pageinspect's `get_raw_page`), so every one is denied unless
 * allowlisted (SQL_ALLOWED_EXTENSION_FUNCTIONS). Listed at boot (ExtensionFunctionsRepository).
 */
export type DeniedExtensionFunctions = ReadonlyMap<string, string>;

/**
 * Judges a call of `schema.name` (`schema` undefined when unqualified). An unqualified name resolves
 * through pg_catalog and then the pinned search_path; a user function there is the database owner's.
 * A qualified name must use an allowed schema or pg_catalog (`dblink.dblink(…)` is denied by schema),
 * and a denied name stays denied in any schema (`public.lo_unlink`), as does an extension's function.
 */
export function judgeFunction(
  schema: string | undefined,
  name: string,
  allowedSchemas: ReadonlySet<string>,
  extensionFunctions: DeniedExtensionFunctions = new Map(),
): FunctionVerdict {
  if (schema !== undefined && !FUNCTION_SYSTEM_SCHEMAS.has(schema) && !allowedSchemas.has(schema)) {
    return 'schema-denied';
  }
  if (!isFunctionNameAllowed(name)) return 'function-denied';
  return extensionFunctions.has(name) ? 'extension-denied' : 'allowed';
}
