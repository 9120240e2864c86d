import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DtoClass } from '../../platform/mcp/mcp-tool-options.interface';
import { defaultProblems, sqlCatalogInputDto } from './sql-catalog-input.dto';
import { parseSqlCatalog, SqlCatalogError, SqlCatalogLimits, SqlCatalogQuery } from './sql-catalog.schema';
import { SqlGuard } from './sql-guard';

/** A catalog query ready to become a tool: its checked declaration and its runtime input DTO. */
export interface SqlCatalogTool {
  readonly query: SqlCatalogQuery;
  readonly input: DtoClass;
  /** The statement the executor runs: the query's `$n` SQL without a trailing `;` (SqlGuard's `statement`). */
  readonly sql: string;
}

export interface SqlCatalogCompileOptions extends SqlCatalogLimits {
  /** Judges each query's SQL (after `:name` → `$n`) exactly as it judges `sql_query`'s. */
  readonly guard: Pick<SqlGuard, 'check'>;
}

const ENTRY_INDEX = /^queries\[(\d+)\]/;
const entryIndex = (problem: string): number => Number(ENTRY_INDEX.exec(problem)?.[1] ?? -1);

/**
 * Turns the YAML text of a catalog into tools, or throws one SqlCatalogError listing every problem of
 * every entry (in file order): the format, the named parameters, the SQL guard's verdict on each query,
 * and each default checked against its own parameter's rules.
 */
export async function compileSqlCatalog(file: string, text: string, options: SqlCatalogCompileOptions): Promise<SqlCatalogTool[]> {
  const parsed = parseSqlCatalog(text, options);
  const problems = [...parsed.problems];
  const tools: SqlCatalogTool[] = [];
  for (const query of parsed.queries) {
    const before = problems.length;
    const verdict = options.guard.check(query.statement.sql);
    const sql = verdict.ok ? verdict.statement : query.statement.sql;
    if (!verdict.ok) {
      problems.push(`${query.location}: sql is refused by the SQL guard: ${verdict.reason}`);
    } else if (verdict.parameterCount !== query.statement.names.length) {
      // The scanner and PostgreSQL's parser disagree on what is a parameter: never serve such a query.
      problems.push(
        `${query.location}: sql: PostgreSQL's parser sees ${verdict.parameterCount} parameter(s) where ${query.statement.names.length} were named; check the quoting around the :names`,
      );
    }
    const input = sqlCatalogInputDto(query);
    problems.push(...(await defaultProblems(query, input)).map((problem) => `${query.location}: ${problem}`));
    if (problems.length === before) tools.push({ query, input, sql });
  }
  if (problems.length > 0) {
    throw new SqlCatalogError(
      file,
      problems.map((problem, order) => ({ problem, order })).sort((a, b) => entryIndex(a.problem) - entryIndex(b.problem) || a.order - b.order).map(({ problem }) => problem),
    );
  }
  return tools;
}

/** Reads the catalog (a relative path is taken from the working directory) and compiles it. */
export async function loadSqlCatalogFile(file: string, options: SqlCatalogCompileOptions): Promise<SqlCatalogTool[]> {
  let text: string;
  try {
    text = await readFile(resolve(process.cwd(), file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'the file does not exist (a relative path is read from the working directory)'
        : code === 'EISDIR'
          ? 'the path is a directory, not a YAML file'
          : `the file cannot be read (${code ?? 'unknown error'})`;
    throw new SqlCatalogError(file, [problem]);
  }
  return compileSqlCatalog(file, text, options);
}
