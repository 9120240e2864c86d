/**
 * Which tables and views a user-supplied query may read, by name as PostgreSQL folds it.
 *
 * - An unqualified name resolves through search_path, which the executor pins to the allowed schemas;
 *   PostgreSQL still searches pg_catalog first, so an unqualified `pg_*` name is judged as a catalog name.
 * - A name qualified with an allowed schema is allowed.
 * - `information_schema` is denied by schema: its views reach beyond the allowed schemas (function
 *   bodies in `routines.routine_definition`, role names in `applicable_roles`, grants, every schema's
 *   tables). `sql_list_tables` and `sql_describe_table` describe what a query may read.
 * - `pg_catalog` is denied except for the structure views below. They list names and definitions
 *   (never rows) of objects in every schema, including ones outside the allowlist; drop them from
 *   the set if even names must not leak. Planner statistics (`pg_stats`) are denied: they hold
 *   sampled column values (`most_common_vals`, `histogram_bounds`) of every readable table.
 * - Anything else (`secret.t`, `pg_toast.x`, `pg_temp.x`) is denied by schema.
 */

/** Denied whatever schema names them: credentials, other sessions' activity, server configuration. */
export const SENSITIVE_RELATIONS: ReadonlySet<string> = new Set([
  // Password hashes and role lists (enumerating roles helps an attacker and no analytics query needs it).
  'pg_authid',
  'pg_shadow',
  'pg_user',
  'pg_roles',
  'pg_auth_members',
  // Foreign-server credentials.
  'pg_user_mapping',
  'pg_user_mappings',
  'user_mappings',
  'user_mapping_options',
  '_pg_user_mappings',
  // Server configuration files and settings.
  'pg_settings',
  'pg_file_settings',
  'pg_hba_file_rules',
  'pg_ident_file_mappings',
  // Other sessions' queries, addresses and locks.
  'pg_stat_activity',
  'pg_locks',
  // Planner statistics: samples of column values (most common values, histogram bounds) of any table.
  'pg_stats',
  'pg_stats_ext',
  'pg_stats_ext_exprs',
  'pg_statistic',
  'pg_statistic_ext_data',
  // Large-object contents (server-side files once imported).
  'pg_largeobject',
  'pg_largeobject_metadata',
]);

/** The pg_catalog relations a query may read: structure, and table/index activity counters (no values). */
export const ALLOWED_CATALOG_RELATIONS: ReadonlySet<string> = new Set([
  'pg_tables',
  'pg_views',
  'pg_matviews',
  'pg_indexes',
  'pg_sequences',
  'pg_class',
  'pg_namespace',
  'pg_attribute',
  'pg_attrdef',
  'pg_type',
  'pg_enum',
  'pg_index',
  'pg_inherits',
  'pg_constraint',
  'pg_description',
  'pg_am',
  'pg_stat_user_tables',
  'pg_stat_user_indexes',
]);

const CATALOG_SCHEMA = 'pg_catalog';

export type RelationVerdict = 'allowed' | 'schema-denied' | 'relation-denied';

/** Judges `schema.name` (`schema` undefined when the query did not qualify the name). */
export function judgeRelation(
  schema: string | undefined,
  name: string,
  allowedSchemas: ReadonlySet<string>,
): RelationVerdict {
  if (SENSITIVE_RELATIONS.has(name)) return 'relation-denied';
  if (schema === undefined) {
    return name.startsWith('pg_') && !ALLOWED_CATALOG_RELATIONS.has(name) ? 'relation-denied' : 'allowed';
  }
  if (schema === CATALOG_SCHEMA) return ALLOWED_CATALOG_RELATIONS.has(name) ? 'allowed' : 'relation-denied';
  if (allowedSchemas.has(schema)) return 'allowed';
  return 'schema-denied';
}
