import { parseDocument } from 'yaml';
import { TOOL_NAME_PATTERN } from '../../platform/mcp/mcp.constants';
import { NamedParameterSyntaxError, PositionalSql, rewriteNamedParameters } from './sql-catalog-named-parameters';

/** The types a catalog parameter may declare (docs/sql-catalog.md tells what each accepts). */
export const SQL_CATALOG_PARAMETER_TYPES = ['integer', 'number', 'string', 'boolean', 'date', 'timestamp'] as const;
export type SqlCatalogParameterType = (typeof SQL_CATALOG_PARAMETER_TYPES)[number];

/** Parameter names become JSON property names: snake_case, and never a name every object already has. */
export const SQL_CATALOG_PARAMETER_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const RESERVED_PARAMETER_NAMES: ReadonlySet<string> = new Set(['constructor']);

const QUERY_FIELDS = ['name', 'title', 'description', 'sql', 'parameters', 'max_rows'] as const;
const COMMON_PARAMETER_FIELDS = ['type', 'description', 'default', 'optional'] as const;
const TYPE_PARAMETER_FIELDS: Readonly<Record<SqlCatalogParameterType, readonly string[]>> = {
  integer: ['minimum', 'maximum'],
  number: ['minimum', 'maximum'],
  string: ['minLength', 'maxLength', 'pattern', 'enum'],
  boolean: [],
  date: [],
  timestamp: [],
};
const ALL_PARAMETER_FIELDS: ReadonlySet<string> = new Set([...COMMON_PARAMETER_FIELDS, ...Object.values(TYPE_PARAMETER_FIELDS).flat()]);

/** One declared parameter, checked. */
export interface SqlCatalogParameter {
  readonly name: string;
  readonly type: SqlCatalogParameterType;
  readonly description?: string;
  /** Used when the caller leaves the argument out (checked against the parameter's own rules at boot). */
  readonly default?: unknown;
  /** Without a default: the caller may leave it out, and the query then gets SQL NULL. */
  readonly optional: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

/** One catalog entry, checked: everything needed to build and serve its tool. */
export interface SqlCatalogQuery {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  /** The SQL as written, with `:name` parameters. */
  readonly sql: string;
  /** The SQL as PostgreSQL receives it (`$1..$n`) and the parameter name of each number. */
  readonly statement: PositionalSql;
  /** In declaration order (the order of the tool's input schema). */
  readonly parameters: readonly SqlCatalogParameter[];
  /** Row cap of every call: `max_rows`, or SQL_DEFAULT_MAX_ROWS (never above SQL_MAX_ROWS_LIMIT). */
  readonly maxRows: number;
  /** Where the entry sits in the file, for messages: `queries[1] (monthly_revenue)`. */
  readonly location: string;
}

export interface SqlCatalogLimits {
  /** SQL_DEFAULT_MAX_ROWS: the row cap of an entry without `max_rows`. */
  readonly defaultMaxRows: number;
  /** SQL_MAX_ROWS_LIMIT: the highest `max_rows` an entry may declare. */
  readonly maxRowsLimit: number;
}

/** The catalog cannot be served; `problems` lists every one found, each naming its entry and field. */
export class SqlCatalogError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`SQL catalog ${file} (SQL_QUERIES_FILE) is invalid, ${count}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SqlCatalogError';
  }
}

export interface SqlCatalogParse {
  /** The entries that passed every check here (the file is only usable when `problems` is empty). */
  readonly queries: readonly SqlCatalogQuery[];
  readonly problems: readonly string[];
}

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const list = (items: readonly string[]): string => items.join(', ');

/**
 * Parses and checks the YAML text of a catalog (the format of `SQL_QUERIES_FILE`, see docs/sql-catalog.md):
 * its structure, every field of every entry, names
 * (tool and parameter), and the SQL's named parameters against the declared ones (each `:name` declared,
 * each declared parameter used). Collects every problem rather than stopping at the first. The SQL
 * itself is judged later, by SqlGuard, on the rewritten text.
 *
 * @example
 * parseSqlCatalog(`
 * queries:
 *   - name: orders_by_customer
 *     description: Lists one customer's orders, newest first.
 *     sql: SELECT id, amount FROM orders WHERE customer_id = :customer_id LIMIT :limit
 *     parameters:
 *       customer_id: { type: integer, minimum: 1 }
 *       limit: { type: integer, minimum: 1, maximum: 500, default: 50 }
 *     max_rows: 500
 * `, { defaultMaxRows: 100, maxRowsLimit: 1000 });
 * // { queries: [{ name: 'orders_by_customer', statement: { sql: '… customer_id = $1 LIMIT $2', names: [...] }, … }], problems: [] }
 */
export function parseSqlCatalog(text: string, limits: SqlCatalogLimits): SqlCatalogParse {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    return { queries: [], problems: document.errors.map((error) => `YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`) };
  }
  const root: unknown = document.toJS();
  const problems: string[] = [];
  if (!isPlainObject(root)) return { queries: [], problems: ['the file must be a mapping with a "queries" list'] };
  for (const key of Object.keys(root)) if (key !== 'queries') problems.push(`unknown top-level field "${key}" (expected: queries)`);
  if (!Array.isArray(root.queries) || root.queries.length === 0) {
    problems.push('queries must be a non-empty list of queries');
    return { queries: [], problems };
  }

  const queries: SqlCatalogQuery[] = [];
  const firstUse = new Map<string, string>();
  (root.queries as unknown[]).forEach((entry, index) => {
    const named = isPlainObject(entry) && typeof entry.name === 'string' ? ` (${entry.name})` : '';
    const location = `queries[${index}]${named}`;
    const entryProblems: string[] = [];
    const query = parseQuery(entry, location, limits, entryProblems);
    if (query) {
      const earlier = firstUse.get(query.name);
      if (earlier !== undefined) entryProblems.push(`name "${query.name}" is already used by ${earlier}`);
      else firstUse.set(query.name, location);
    }
    problems.push(...entryProblems.map((problem) => `${location}: ${problem}`));
    if (query && entryProblems.length === 0) queries.push(query);
  });
  return { queries, problems };
}

function parseQuery(entry: unknown, location: string, limits: SqlCatalogLimits, problems: string[]): SqlCatalogQuery | undefined {
  if (!isPlainObject(entry)) {
    problems.push('must be a mapping (name, description, sql, parameters…)');
    return undefined;
  }
  for (const key of Object.keys(entry)) {
    if (!(QUERY_FIELDS as readonly string[]).includes(key)) problems.push(`unknown field "${key}" (expected: ${list(QUERY_FIELDS)})`);
  }
  const { name, title, description, sql } = entry;
  if (name === undefined) problems.push('name is required');
  else if (typeof name !== 'string' || !TOOL_NAME_PATTERN.test(name)) {
    problems.push(`name must match ${TOOL_NAME_PATTERN.source} (snake_case, at most 64 characters)`);
  }
  if (title !== undefined && !isNonEmptyString(title)) problems.push('title must be a non-empty string when given');
  if (description === undefined) problems.push('description is required (what the tool does, written for the model)');
  else if (!isNonEmptyString(description)) problems.push('description must be a non-empty string');
  if (sql === undefined) problems.push('sql is required');
  else if (!isNonEmptyString(sql)) problems.push('sql must be a non-empty string');

  const maxRows = entry.max_rows ?? Math.min(limits.defaultMaxRows, limits.maxRowsLimit);
  if (!Number.isInteger(maxRows) || (maxRows as number) < 1 || (maxRows as number) > limits.maxRowsLimit) {
    problems.push(`max_rows must be an integer from 1 to ${limits.maxRowsLimit} (SQL_MAX_ROWS_LIMIT)`);
  }

  const parameters = parseParameters(entry.parameters, problems);
  // Names declared, even those whose declaration has a problem (already reported): not "undeclared" too.
  const declared = isPlainObject(entry.parameters) ? Object.keys(entry.parameters) : [];
  const statement = isNonEmptyString(sql) ? parseStatement(sql, declared, problems) : undefined;
  if (problems.length > 0 || statement === undefined) return undefined;
  return {
    name: name as string,
    ...(title !== undefined ? { title: title as string } : {}),
    description: (description as string).trim(),
    sql: sql as string,
    statement,
    parameters,
    maxRows: maxRows as number,
    location,
  };
}

function parseParameters(raw: unknown, problems: string[]): SqlCatalogParameter[] {
  if (raw === undefined || raw === null) return [];
  if (!isPlainObject(raw)) {
    problems.push('parameters must be a mapping of parameter name to its declaration');
    return [];
  }
  const parameters: SqlCatalogParameter[] = [];
  for (const [name, declaration] of Object.entries(raw)) {
    const parameter = parseParameter(name, declaration, problems);
    if (parameter) parameters.push(parameter);
  }
  return parameters;
}

function parseParameter(name: string, raw: unknown, problems: string[]): SqlCatalogParameter | undefined {
  const field = `parameters.${name}`;
  const before = problems.length;
  if (!SQL_CATALOG_PARAMETER_NAME.test(name) || RESERVED_PARAMETER_NAMES.has(name)) {
    problems.push(
      RESERVED_PARAMETER_NAMES.has(name)
        ? `${field}: "${name}" is reserved; choose another name`
        : `${field}: the name must match ${SQL_CATALOG_PARAMETER_NAME.source} (snake_case)`,
    );
  }
  if (!isPlainObject(raw)) {
    problems.push(`${field} must be a mapping with at least a type (${list(SQL_CATALOG_PARAMETER_TYPES)})`);
    return undefined;
  }
  const type = raw.type as SqlCatalogParameterType;
  if (!(SQL_CATALOG_PARAMETER_TYPES as readonly unknown[]).includes(type)) {
    problems.push(`${field}.type must be one of ${list(SQL_CATALOG_PARAMETER_TYPES)}`);
    return undefined;
  }
  const allowed = new Set([...COMMON_PARAMETER_FIELDS, ...TYPE_PARAMETER_FIELDS[type]]);
  for (const key of Object.keys(raw)) {
    if (allowed.has(key)) continue;
    problems.push(
      ALL_PARAMETER_FIELDS.has(key)
        ? `${field}.${key} is not allowed for a ${type} parameter (allowed: ${list([...allowed])})`
        : `${field}.${key} is not a known field (allowed for ${type}: ${list([...allowed])})`,
    );
  }

  const { description, optional, minimum, maximum, minLength, maxLength, pattern } = raw;
  if (description !== undefined && !isNonEmptyString(description)) problems.push(`${field}.description must be a non-empty string`);
  if (optional !== undefined && typeof optional !== 'boolean') problems.push(`${field}.optional must be true or false`);
  if (optional === true && raw.default !== undefined) {
    problems.push(`${field}: give either a default or optional: true, not both (a default already makes it optional)`);
  }
  if (raw.default === null) problems.push(`${field}.default must not be null (use optional: true to pass NULL when absent)`);

  const isBound = type === 'integer' ? Number.isSafeInteger : Number.isFinite;
  const boundKind = type === 'integer' ? 'an integer' : 'a finite number';
  for (const [key, value] of [['minimum', minimum], ['maximum', maximum]] as const) {
    if (value !== undefined && !isBound(value)) problems.push(`${field}.${key} must be ${boundKind}`);
  }
  if (typeof minimum === 'number' && typeof maximum === 'number' && minimum > maximum) {
    problems.push(`${field}: minimum (${minimum}) is greater than maximum (${maximum})`);
  }
  for (const [key, value] of [['minLength', minLength], ['maxLength', maxLength]] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      problems.push(`${field}.${key} must be a non-negative integer`);
    }
  }
  if (typeof minLength === 'number' && typeof maxLength === 'number' && minLength > maxLength) {
    problems.push(`${field}: minLength (${minLength}) is greater than maxLength (${maxLength})`);
  }
  if (pattern !== undefined) {
    if (typeof pattern !== 'string' || pattern === '') problems.push(`${field}.pattern must be a non-empty regular expression`);
    else {
      try {
        new RegExp(pattern);
      } catch {
        problems.push(`${field}.pattern is not a valid regular expression`);
      }
    }
  }
  const values = raw.enum;
  if (values !== undefined) {
    if (!Array.isArray(values) || values.length === 0 || !values.every((value) => typeof value === 'string')) {
      problems.push(`${field}.enum must be a non-empty list of strings`);
    } else if (new Set(values).size !== values.length) {
      problems.push(`${field}.enum lists a value twice`);
    }
  }
  if (problems.length > before) return undefined;
  return {
    name,
    type,
    ...(description !== undefined ? { description: (description as string).trim() } : {}),
    ...(raw.default !== undefined ? { default: raw.default } : {}),
    optional: optional === true || raw.default !== undefined,
    ...(minimum !== undefined ? { minimum: minimum as number } : {}),
    ...(maximum !== undefined ? { maximum: maximum as number } : {}),
    ...(minLength !== undefined ? { minLength: minLength as number } : {}),
    ...(maxLength !== undefined ? { maxLength: maxLength as number } : {}),
    ...(pattern !== undefined ? { pattern: pattern as string } : {}),
    ...(values !== undefined ? { enum: values as string[] } : {}),
  };
}

/** Rewrites `:name` to `$n` and checks the names against the declarations, both ways. */
function parseStatement(sql: string, declaredNames: readonly string[], problems: string[]): PositionalSql | undefined {
  let statement: PositionalSql;
  try {
    statement = rewriteNamedParameters(sql);
  } catch (error) {
    if (!(error instanceof NamedParameterSyntaxError)) throw error;
    problems.push(`sql: ${error.message}`);
    return undefined;
  }
  const declared = new Set(declaredNames);
  const used = new Set(statement.names);
  for (const name of statement.names) {
    if (!declared.has(name)) problems.push(`sql uses :${name}, which is not declared in parameters`);
  }
  for (const name of declaredNames) {
    if (!used.has(name)) problems.push(`parameters.${name} is declared but the sql never uses :${name}`);
  }
  return statement;
}
