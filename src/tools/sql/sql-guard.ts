import { DeniedExtensionFunctions, FUNCTION_SYSTEM_SCHEMAS, judgeFunction } from './sql-function-policy';
import { judgeRelation } from './sql-guard-relation-policy';
import { SqlGuardParser } from './sql-guard-parser';

export interface SqlGuardOptions {
  /**
   * Schemas a query may name (`['public', 'analytics']`), spelled as PostgreSQL stores them (unquoted
   * identifiers fold to lower case). The executor must pin search_path to these same schemas.
   */
  readonly allowedSchemas: readonly string[];
  /** Longest query accepted, in characters (default 100 000). */
  readonly maxQueryLength?: number;
  /** Functions of installed extensions to deny, name → extension (see sql-function-policy.ts). */
  readonly extensionFunctions?: DeniedExtensionFunctions;
}

/**
 * The verdict on one query; `reason` is a short sentence safe to show to the caller. `statement` is the
 * query up to the end of its one statement (a trailing `;` and what follows it cut off), ready to be
 * wrapped as a subquery; positions in it are positions in the query.
 */
export type SqlCheckResult =
  | { readonly ok: true; readonly parameterCount: number; readonly statement: string }
  | { readonly ok: false; readonly reason: string };

export const SQL_GUARD_DEFAULT_MAX_QUERY_LENGTH = 100_000;
/** The wire protocol counts bind parameters in 16 bits. */
const MAX_PARAMETER_NUMBER = 65_535;
const MAX_PARSER_MESSAGE_LENGTH = 200;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const STATEMENT_KEY = /^[A-Z][A-Za-z]*Stmt$/;
const DATA_MODIFYING_STATEMENTS: ReadonlySet<string> = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** SQL words for statement nodes whose name does not spell them (`VariableShowStmt` is `SHOW`). */
const STATEMENT_WORDS: Readonly<Record<string, string>> = {
  VariableSetStmt: 'SET',
  VariableShowStmt: 'SHOW',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  ViewStmt: 'CREATE VIEW',
  IndexStmt: 'CREATE INDEX',
  CreateFunctionStmt: 'CREATE FUNCTION',
  DefineStmt: 'CREATE',
  DeclareCursorStmt: 'DECLARE',
  ClosePortalStmt: 'CLOSE',
  DeallocateStmt: 'DEALLOCATE',
  RuleStmt: 'CREATE RULE',
  CreateTrigStmt: 'CREATE TRIGGER',
  GrantStmt: 'GRANT',
  GrantRoleStmt: 'GRANT',
  VacuumStmt: 'VACUUM',
};

const TRANSACTION_WORDS: Readonly<Record<string, string>> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

type JsonObject = Readonly<Record<string, unknown>>;

/**
 * Decides whether user-supplied SQL may run on the read-only SQL tool: exactly one plain `SELECT`
 * (or `VALUES`, or `WITH … SELECT` without data-modifying CTEs), no `SELECT INTO`, no row locks, and
 * only allowed functions, relations and schemas. The query is parsed by PostgreSQL's own parser and the
 * WHOLE tree is walked (every nested object and array), so sub-selects in expressions, lateral joins,
 * CTEs, set operations, functions in FROM, TABLESAMPLE and VALUES are all covered.
 *
 * The policy lists live in `sql-function-policy.ts` and `sql-guard-relation-policy.ts`. This is one
 * layer: the executor still runs the query READ ONLY, under a restricted role, with a timeout.
 *
 * Pure and synchronous after `create()`; one guard can serve every request.
 *
 * @example
 * const guard = await SqlGuard.create({ allowedSchemas: ['public'] });
 * guard.check('SELECT * FROM customers WHERE id = $1'); // { ok: true, parameterCount: 1 }
 * guard.check('SELECT pg_sleep(60)'); // { ok: false, reason: 'function pg_sleep is not allowed' }
 */
export class SqlGuard {
  private readonly allowedSchemas: ReadonlySet<string>;
  private readonly functionSchemas: ReadonlySet<string>;
  private readonly typeSchemas: ReadonlySet<string>;
  private readonly maxQueryLength: number;
  private readonly extensionFunctions: DeniedExtensionFunctions;

  private constructor(
    private readonly parser: SqlGuardParser,
    options: SqlGuardOptions,
  ) {
    this.allowedSchemas = new Set(options.allowedSchemas);
    this.functionSchemas = new Set([...options.allowedSchemas, ...FUNCTION_SYSTEM_SCHEMAS]);
    this.typeSchemas = new Set([...this.functionSchemas, 'information_schema']);
    this.maxQueryLength = options.maxQueryLength ?? SQL_GUARD_DEFAULT_MAX_QUERY_LENGTH;
    this.extensionFunctions = options.extensionFunctions ?? new Map();
  }

  /** Validates the options and loads the parser (WASM) once. */
  static async create(options: SqlGuardOptions): Promise<SqlGuard> {
    validateOptions(options);
    return new SqlGuard(await SqlGuardParser.create(), options);
  }

  check(sql: string): SqlCheckResult {
    if (typeof sql !== 'string') return deny('query must be a string');
    if (sql.length > this.maxQueryLength) {
      return deny(`query is too long (max ${this.maxQueryLength} characters)`);
    }
    if (sql.trim() === '') return deny('query is empty');
    if (sql.includes('\0')) return deny('query must not contain NUL characters');

    const outcome = this.parser.parse(sql);
    switch (outcome.kind) {
      case 'rejected':
        return deny(parserMessage(outcome.message));
      case 'crashed':
        return deny('query is too complex to check');
      case 'unavailable':
        return deny('the SQL checker is restarting; try again shortly');
      case 'parsed':
        break;
    }

    const statements = outcome.tree.stmts ?? [];
    if (statements.length === 0) return deny('query is empty');
    if (statements.length > 1) return deny('only one statement is allowed');
    const statement = statements[0].stmt as JsonObject | undefined;
    const kind = statement === undefined ? undefined : Object.keys(statement)[0];
    if (statement === undefined || kind === undefined) return deny('query is empty');
    if (kind !== 'SelectStmt') {
      return deny(`only SELECT statements are allowed (got ${statementWord(kind, statement[kind])})`);
    }
    const verdict = this.walk(statement);
    return verdict.ok ? { ...verdict, statement: statementText(sql, statements[0]) } : verdict;
  }

  /** Visits every object and array under `root` in document order; the first violation wins. */
  private walk(root: JsonObject): { ok: true; parameterCount: number } | { ok: false; reason: string } {
    let parameterCount = 0;
    const stack: unknown[] = [root];
    while (stack.length > 0) {
      const value = stack.pop();
      if (typeof value !== 'object' || value === null) continue;
      if (Array.isArray(value)) {
        for (let index = value.length - 1; index >= 0; index--) stack.push(value[index]);
        continue;
      }
      const node = value as JsonObject;
      const keys = Object.keys(node);
      for (const key of keys) {
        const child = node[key];
        if (key === 'ParamRef') {
          const number = ((child as JsonObject).number as number | undefined) ?? 0;
          if (number < 1 || number > MAX_PARAMETER_NUMBER) {
            return deny(`parameter $${number} is out of range ($1 to $${MAX_PARAMETER_NUMBER})`);
          }
          parameterCount = Math.max(parameterCount, number);
          continue;
        }
        const reason = this.inspect(key, child, node);
        if (reason !== undefined) return deny(reason);
      }
      for (let index = keys.length - 1; index >= 0; index--) stack.push(node[keys[index]]);
    }
    return { ok: true, parameterCount };
  }

  /** Judges one field of a node; `key` is either a field name or, for a wrapped node, its type. */
  private inspect(key: string, child: unknown, node: JsonObject): string | undefined {
    switch (key) {
      case 'intoClause':
        return 'SELECT INTO is not allowed';
      case 'lockingClause':
        return 'locking clauses (FOR UPDATE/SHARE) are not allowed';
      case 'funcname':
        return this.judgeFunctionName(child);
      case 'relname':
        return this.judgeRelationName(node);
      case 'RangeTableSample':
        // The sampling method names a handler function: `TABLESAMPLE secret.m(…)`.
        return this.judgeFunctionName((child as JsonObject).method);
      case 'A_Expr':
        return this.judgeQualifier((child as JsonObject).name, this.functionSchemas);
      case 'useOp': // ORDER BY x USING OPERATOR(s.<)
      case 'operName': // x OPERATOR(s.=) ANY (SELECT …)
        return this.judgeQualifier(child, this.functionSchemas);
      case 'typeName':
      case 'TypeName':
        return this.judgeQualifier((child as JsonObject).names, this.typeSchemas);
      case 'CollateClause':
        return this.judgeQualifier((child as JsonObject).collname, this.functionSchemas);
      default:
        if (key !== 'SelectStmt' && STATEMENT_KEY.test(key)) {
          return DATA_MODIFYING_STATEMENTS.has(key)
            ? 'data-modifying statements inside WITH are not allowed'
            : `only SELECT statements are allowed (got ${statementWord(key, child)})`;
        }
        return undefined;
    }
  }

  private judgeFunctionName(list: unknown): string | undefined {
    const parts = nameParts(list);
    if (parts.length === 0) return undefined;
    const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
    const name = parts[parts.length - 1];
    switch (judgeFunction(schema, name, this.allowedSchemas, this.extensionFunctions)) {
      case 'schema-denied':
        return `schema ${schema} is not allowed`;
      case 'function-denied':
        return `function ${parts.join('.')} is not allowed`;
      case 'extension-denied':
        return `function ${name} belongs to extension ${this.extensionFunctions.get(name)} and is not allowed; see SQL_ALLOWED_EXTENSION_FUNCTIONS`;
      case 'allowed':
        return undefined;
    }
  }

  private judgeRelationName(rangeVar: JsonObject): string | undefined {
    const name = rangeVar.relname as string;
    const schema = typeof rangeVar.schemaname === 'string' ? rangeVar.schemaname : undefined;
    switch (judgeRelation(schema, name, this.allowedSchemas)) {
      case 'schema-denied':
        return schema === 'information_schema'
          ? 'schema information_schema is not allowed; sql_list_tables and sql_describe_table describe the tables'
          : `schema ${schema} is not allowed`;
      case 'relation-denied':
        return `relation ${schema === undefined ? name : `${schema}.${name}`} is not allowed`;
      case 'allowed':
        return undefined;
    }
  }

  /** Operators, types and collations: only the schema they are qualified with is judged. */
  private judgeQualifier(list: unknown, allowed: ReadonlySet<string>): string | undefined {
    const parts = nameParts(list);
    if (parts.length < 2) return undefined;
    const schema = parts[parts.length - 2];
    return allowed.has(schema) ? undefined : `schema ${schema} is not allowed`;
  }
}

function deny(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/**
 * The query up to the end of its statement; the parser counts `stmt_location`/`stmt_len` in UTF-8 bytes
 * (`stmt_len` 0: to the end). Empty statements before it (`;SELECT 1`) become spaces, so the text is one
 * statement PostgreSQL accepts inside a subquery and every character keeps its index (error positions).
 */
function statementText(sql: string, raw: { stmt_location?: number; stmt_len?: number }): string {
  const start = raw.stmt_location ?? 0;
  if (start === 0 && !raw.stmt_len) return sql;
  const bytes = encoder.encode(sql);
  const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
  const before = decoder.decode(bytes.subarray(0, start));
  return ' '.repeat(before.length) + decoder.decode(bytes.subarray(start, end));
}

function validateOptions(options: SqlGuardOptions): void {
  const problems: string[] = [];
  if (!Array.isArray(options.allowedSchemas) || options.allowedSchemas.length === 0) {
    problems.push('allowedSchemas must list at least one schema');
  } else {
    for (const schema of options.allowedSchemas) {
      if (typeof schema !== 'string' || schema.length === 0) problems.push('allowedSchemas must hold non-empty names');
      else if (schema.startsWith('pg_') || schema === 'information_schema') {
        problems.push(`allowedSchemas must not include the system schema ${schema}`);
      }
    }
  }
  const max = options.maxQueryLength;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) problems.push('maxQueryLength must be a positive integer');
  if (problems.length > 0) throw new Error(`Invalid SqlGuard options: ${problems.join('; ')}`);
}

/** `[{ String: { sval: 'pg_catalog' } }, { String: { sval: 'now' } }]` → `['pg_catalog', 'now']`. */
function nameParts(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const parts: string[] = [];
  for (const item of list as unknown[]) {
    const text = ((item as JsonObject | null)?.String as JsonObject | undefined)?.sval;
    if (typeof text === 'string') parts.push(text);
  }
  return parts;
}

/** `DeleteStmt` → `DELETE`, `CreateTableAsStmt` → `CREATE TABLE AS`, a `TransactionStmt` by its kind. */
function statementWord(kind: string, body: unknown): string {
  if (kind === 'TransactionStmt') {
    return TRANSACTION_WORDS[String((body as JsonObject | undefined)?.kind)] ?? 'transaction control';
  }
  if (kind === 'VariableSetStmt' && String((body as JsonObject | undefined)?.kind).startsWith('VAR_RESET')) {
    return 'RESET';
  }
  return (
    STATEMENT_WORDS[kind] ??
    kind
      .replace(/Stmt$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase()
  );
}

/** PostgreSQL's message (`syntax error at or near "FROM"`), clipped: it may quote a long literal. */
function parserMessage(message: string): string {
  return message.length <= MAX_PARSER_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_PARSER_MESSAGE_LENGTH)}…`;
}
