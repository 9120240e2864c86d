import { randomBytes } from 'node:crypto';
import { quoteIdent } from './sql-values';

/** The byte limits PostgreSQL enforces on a result before it sends a row. */
export interface ResultCaps {
  /** The most bytes all rows of a result may take (SQL_MAX_RESULT_BYTES). */
  readonly maxResultBytes: number;
  /** The most bytes one field may take (SQL_MAX_FIELD_BYTES, at most maxResultBytes). */
  readonly maxFieldBytes: number;
}

export type ResultCapLimit = 'field' | 'result';

/** Which cap a query crossed, and the size PostgreSQL measured when it stopped. */
export interface ResultCapBreach {
  readonly limit: ResultCapLimit;
  readonly bytes: number;
}

/**
 * The text a cap error carries (inside PostgreSQL's "invalid input syntax" message); random per process,
 * so that a caller's own `SELECT '…'::int8` cannot pass for one.
 */
const MARKER = `mcp_result_cap_${randomBytes(6).toString('hex')}`;
const BREACH = new RegExp(`${MARKER}:(field|result):(\\d{1,20})`);

/** Type OIDs whose size needs no text conversion: text, varchar, bpchar, name (their octets), bytea (hex). */
const TEXT_LIKE_OIDS: ReadonlySet<number> = new Set([25, 1043, 1042, 19]);
const BYTEA_OID = 17;

/** A DataRow message: 1 byte type, 4 bytes length, 2 bytes field count; each field: 4 bytes length + its text. */
const ROW_OVERHEAD_BYTES = 7;
const FIELD_OVERHEAD_BYTES = 4;

/** One column of the statement as the probe described it. */
export interface ProbedColumn {
  readonly dataTypeID: number;
}

/** A statement wrapped for the server, and where the caller's text starts in it (for error positions). */
export interface WrappedSql {
  readonly text: string;
  /** Characters before the caller's statement: a server error position minus this points into the statement. */
  readonly offset: number;
}

/**
 * `SELECT * FROM (<statement>) LIMIT 0`: PostgreSQL plans the statement and describes its columns
 * (names, types, how many) without running it, which `cappedSql` needs to measure every field.
 * The newlines keep a trailing `-- comment` from swallowing the closing parenthesis.
 */
export function probeSql(statement: string): WrappedSql {
  const prefix = 'SELECT * FROM (\n';
  return { text: `${prefix}${statement}\n) AS q LIMIT 0`, offset: prefix.length };
}

/**
 * Wraps a statement (one SELECT, VALUES, TABLE or WITH … SELECT, checked by SqlGuard or written by us)
 * so that PostgreSQL itself refuses to send a result larger than the caps:
 *
 * - each row's fields are measured as they go on the wire (their text; bytea as hex), cheaply for text
 *   types (the length is in the value's header), and a field above `maxFieldBytes` stops the statement;
 * - a running total of DataRow bytes (window `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`, which
 *   reads no row ahead and keeps the statement's order) above `maxResultBytes` stops it, counted over the
 *   first `maxRows` rows (the extra row only says `truncated`);
 * - `LIMIT maxRows + 1`.
 *
 * The error is a failing cast of a non-constant text (a constant one would fail at plan time; a read-only
 * transaction cannot create a function that raises), recognised by `resultCapBreach`.
 * Two `OFFSET 0` fences keep PostgreSQL from flattening the levels: around the statement, or it would copy
 * each expression into every place that reads the column (a constant `repeat('x', 600000000)`, folded at
 * plan time, copied several times over); around the measuring level, so that a row is measured before
 * the window stores it (a 600 MB copy is more than the embedded database's memory holds).
 * The statement's columns come back first, under the names `c1..cn` (duplicates in the statement are
 * fine), then one guard column that is always NULL; the caller takes names and types from the probe.
 */
export function cappedSql(statement: string, columns: readonly ProbedColumn[], caps: ResultCaps, maxRows: number): WrappedSql {
  const names = columns.map((_, index) => quoteIdent(`c${index + 1}`));
  const rowBytes = rowBytesSql(columns, names, caps.maxFieldBytes);
  const alias = names.length > 0 ? `q(${names.join(', ')})` : 'q';
  const prefix = `SELECT ${[...names.map((name) => `l.${name}`), guardColumnSql(caps.maxResultBytes, maxRows)].join(', ')}\nFROM (SELECT q.*, ${rowBytes} AS b FROM (SELECT * FROM (\n`;
  const suffix = `\n) AS s OFFSET 0) AS ${alias} OFFSET 0) AS l\nWINDOW w AS (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)\nLIMIT ${maxRows + 1}`;
  return { text: `${prefix}${statement}${suffix}`, offset: prefix.length };
}

/** The breach a server error reports, if it is one of ours. */
export function resultCapBreach(message: string): ResultCapBreach | undefined {
  const match = BREACH.exec(message);
  if (!match) return undefined;
  return { limit: match[1] as ResultCapLimit, bytes: Number(match[2]) };
}

function failWith(limit: ResultCapLimit, bytesSql: string): string {
  return `CAST('${MARKER}:${limit}:' || (${bytesSql}) AS int8)`;
}

function fieldBytesSql(column: ProbedColumn, name: string): string {
  if (TEXT_LIKE_OIDS.has(column.dataTypeID)) return `coalesce(octet_length(q.${name}), 0)`;
  if (column.dataTypeID === BYTEA_OID) return `coalesce(2 + 2 * octet_length(q.${name}), 0)`;
  return `coalesce(octet_length(q.${name}::text), 0)`;
}

/** The row's DataRow bytes, or the field-cap error. Each field is measured once (a VALUES row per field). */
function rowBytesSql(columns: readonly ProbedColumn[], names: readonly string[], maxFieldBytes: number): string {
  const fixed = ROW_OVERHEAD_BYTES + FIELD_OVERHEAD_BYTES * columns.length;
  if (columns.length === 0) return `${fixed}::int8`;
  const sizes = columns.map((column, index) => `(${fieldBytesSql(column, names[index])})`).join(', ');
  return (
    `(SELECT CASE WHEN max(s) > ${maxFieldBytes} THEN ${failWith('field', 'max(s)')} ` +
    `ELSE ${fixed} + sum(s) END FROM (VALUES ${sizes}) AS v(s))`
  );
}

function guardColumnSql(maxResultBytes: number, maxRows: number): string {
  const total = 'sum(l.b) OVER w';
  return `CASE WHEN ${total} > ${maxResultBytes} AND row_number() OVER w <= ${maxRows} THEN ${failWith('result', total)} END`;
}
