import {
  InvalidArgumentsException,
  ToolException,
  ToolFailedException,
  ToolRetryException,
} from '../../platform/errors/tool.exception';
import { ResultCaps, resultCapBreach } from './sql-result-cap';

/** The longest PostgreSQL message passed on to the caller (it may quote a long literal). */
const MAX_MESSAGE_LENGTH = 300;

/** SQLSTATE classes that mean "the query (or its parameters) is wrong": the caller can fix it. */
const CALLER_CLASSES: ReadonlySet<string> = new Set([
  '0A', // feature not supported
  '21', // cardinality violation (a scalar sub-select returned two rows)
  '22', // data exception (division by zero, bad input syntax, out of range)
  '25', // invalid transaction state (25006: a write in the read-only transaction)
  '2B', // dependent privilege descriptors still exist
  '42', // syntax error or access rule violation (undefined table/column, permission denied)
  '54', // program limit exceeded (statement too complex)
]);

/** SQLSTATE classes (or codes) that are transient: the same query may succeed later. */
const TRANSIENT_CLASSES: ReadonlySet<string> = new Set(['08', '40', '53', '57']);
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['55P03', '55006']);

/** Node and driver failures that mean the database could not be reached or dropped the connection. */
const TRANSIENT_NODE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const TRANSIENT_DRIVER_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended unexpectedly|Client was closed|Cannot use a pool after calling end/;

interface PostgresErrorFields {
  readonly code: string;
  readonly message: string;
  readonly severity?: string;
  readonly position?: string;
}

/** An ErrorResponse from the server: a five-character SQLSTATE and a severity (pg's DatabaseError). */
export function isPostgresError(error: unknown): error is PostgresErrorFields & Error {
  const candidate = error as Partial<PostgresErrorFields> | null;
  return (
    error instanceof Error &&
    typeof candidate?.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(candidate.code) &&
    typeof candidate.severity === 'string'
  );
}

function clip(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length <= MAX_MESSAGE_LENGTH ? line : `${line.slice(0, MAX_MESSAGE_LENGTH)}…`;
}

/** `SQLSTATE 42P01: relation "x" does not exist (at character 15)`: the server's primary message only. */
export function safePostgresMessage(error: PostgresErrorFields): string {
  const at = error.position && /^\d+$/.test(error.position) ? ` (at character ${error.position})` : '';
  return `SQLSTATE ${error.code}: ${clip(error.message)}${at}`;
}

/** The result-cap error (see sql-result-cap.ts) as the caller's mistake, naming the setting and its value. */
function resultCapException(error: PostgresErrorFields, caps: ResultCaps, field: string): ToolException | undefined {
  const breach = error.code === '22P02' ? resultCapBreach(error.message) : undefined;
  if (breach === undefined) return undefined;
  const message =
    breach.limit === 'field'
      ? `returns a field longer than SQL_MAX_FIELD_BYTES (${caps.maxFieldBytes} bytes; one has ${breach.bytes}); select a shorter value, e.g. left(column, n)`
      : `returns more than SQL_MAX_RESULT_BYTES (${caps.maxResultBytes} bytes); select fewer rows or columns`;
  return new InvalidArgumentsException([{ field, message }]);
}

/**
 * Maps what a query threw to the tool's answer, never passing on driver internals or connection details:
 * a result over `caps` (PostgreSQL stopped it, see sql-result-cap.ts) and the caller's mistakes
 * (SQLSTATE classes 0A, 21, 22, 25, 2B, 42, 54) are `invalid` on `field`, the latter with the SQLSTATE and
 * PostgreSQL's primary message; a statement timeout (57014), an overloaded or restarting server
 * (08, 40, 53, 57) and a lost connection are `retry`; anything else is `error`, generic.
 */
export function toSqlToolException(error: unknown, timeoutSeconds: number, field = 'sql', caps?: ResultCaps): ToolException {
  if (error instanceof ToolException) return error;
  if (isPostgresError(error)) {
    const capped = caps === undefined ? undefined : resultCapException(error, caps, field);
    if (capped !== undefined) return capped;
    const sqlClass = error.code.slice(0, 2);
    if (error.code === '57014') {
      return new ToolRetryException(`The query ran longer than ${timeoutSeconds} s`, 1, { cause: error });
    }
    if (CALLER_CLASSES.has(sqlClass)) {
      return new InvalidArgumentsException([{ field, message: safePostgresMessage(error) }]);
    }
    if (TRANSIENT_CLASSES.has(sqlClass) || TRANSIENT_CODES.has(error.code)) {
      return new ToolRetryException('The database is busy or restarting; try again shortly', 2, { cause: error });
    }
    return new ToolFailedException('The query failed', { cause: error });
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (
    (typeof code === 'string' && TRANSIENT_NODE_CODES.has(code)) ||
    (error instanceof Error && TRANSIENT_DRIVER_MESSAGES.test(error.message))
  ) {
    return new ToolRetryException('The database is unavailable; try again shortly', 2, { cause: error });
  }
  return new ToolFailedException('The query failed', { cause: error });
}
