import { context, createContextKey, Span } from '@opentelemetry/api';
import { ATTR_DB_QUERY_SUMMARY, ATTR_DB_QUERY_TEXT } from '@opentelemetry/semantic-conventions';

/** Longest statement text recorded on a database span; the rest is cut off. */
export const DB_STATEMENT_MAX_CHARS = 2048;
const SUMMARY_KEY = createContextKey('mcp-tool-server.db.statement-summary');
/** What `db.query.text` says on a span of caller SQL: the text itself is never recorded. */
export const CALLER_SQL_TEXT = '(caller SQL, not recorded)';

/**
 * Runs `work` so that every statement it sends is recorded by `summary` only, never by its text: the SQL tools
 * wrap caller SQL in it, whose literals are the caller's data. Costs nothing with tracing off.
 */
export function withStatementSummary<T>(summary: string, work: () => T): T {
  return context.with(context.active().setValue(SUMMARY_KEY, summary.slice(0, 128)), work);
}

/** The first word of a statement, upper-cased (`SELECT`, `WITH`), when it is a plain keyword of at most 16 letters. */
export function leadingKeyword(sql: string): string | undefined {
  let start = 0;
  while (start < sql.length && start < 1024 && sql.charCodeAt(start) <= 0x20) start++;
  let end = start;
  while (end < sql.length && end - start <= 16) {
    const code = sql.charCodeAt(end) | 0x20;
    if (code < 0x61 || code > 0x7a) break;
    end++;
  }
  const word = sql.slice(start, end);
  return word.length > 0 && word.length <= 16 && (end === sql.length || sql.charCodeAt(end) <= 0x20 || sql[end] === '(')
    ? word.toUpperCase()
    : undefined;
}

/**
 * The `pg` instrumentation's request hook: our own statements keep their (parameterised) text, bounded;
 * statements run under withStatementSummary() get the summary instead. Parameter values are never recorded
 * (`enhancedDatabaseReporting` stays off).
 */
export function pgRequestHook(span: Span, info: { query: { text: string } }): void {
  const summary = context.active().getValue(SUMMARY_KEY);
  if (typeof summary === 'string') {
    span.setAttribute(ATTR_DB_QUERY_TEXT, CALLER_SQL_TEXT);
    span.setAttribute(ATTR_DB_QUERY_SUMMARY, summary);
  } else if (info.query.text.length > DB_STATEMENT_MAX_CHARS) {
    span.setAttribute(ATTR_DB_QUERY_TEXT, info.query.text.slice(0, DB_STATEMENT_MAX_CHARS));
  }
}
