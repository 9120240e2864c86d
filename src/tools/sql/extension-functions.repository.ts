import { Injectable } from '@nestjs/common';
import { SqlReadOnlyExecutor } from './sql-readonly.executor';

/** One function name that an installed extension defines in a schema the tools can call into. */
export interface ExtensionFunctionRow {
  readonly name: string;
  readonly extension: string;
  /** A core (non-extension) function of pg_catalog has the same name: the extension overloads a built-in. */
  readonly overloads_builtin: boolean;
}

/**
 * Extension members (`pg_depend.deptype = 'e'`) among the functions of the given schemas, one row per
 * name (the first extension by name when two define it).
 */
const EXTENSION_FUNCTIONS_SQL = `
SELECT DISTINCT ON (p.proname) p.proname::text AS name, e.extname::text AS extension,
       EXISTS (SELECT 1 FROM pg_catalog.pg_proc b
                WHERE b.proname = p.proname AND b.pronamespace = 'pg_catalog'::regnamespace
                  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend bd
                                   WHERE bd.classid = 'pg_catalog.pg_proc'::regclass AND bd.objid = b.oid AND bd.deptype = 'e')) AS overloads_builtin
FROM pg_catalog.pg_depend d
JOIN pg_catalog.pg_proc p ON p.oid = d.objid
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.refclassid = 'pg_catalog.pg_extension'::regclass
  AND d.deptype = 'e' AND n.nspname = ANY($1::text[])
ORDER BY p.proname, e.extname`;

/** The most extension function names read at boot (PostGIS alone defines about a thousand). */
const MAX_EXTENSION_FUNCTIONS = 100_000;

/** Reads, through the SQL tools' own read-only path, which functions installed extensions define. */
@Injectable()
export class ExtensionFunctionsRepository {
  constructor(private readonly executor: SqlReadOnlyExecutor) {}

  async list(schemas: readonly string[], signal: AbortSignal): Promise<ExtensionFunctionRow[]> {
    const result = await this.executor.run({
      sql: EXTENSION_FUNCTIONS_SQL,
      params: [schemas],
      maxRows: MAX_EXTENSION_FUNCTIONS,
      signal,
      tool: 'sql_guard_boot',
    });
    return result.rows as unknown as ExtensionFunctionRow[];
  }
}
