import { HttpAnswer, jsonMessages } from './hostile-http';

/** Text that means an internal detail reached the caller. */
const LEAKS: readonly (readonly [string, RegExp])[] = [
  ['stack frame', /\bat [\w$.<>[\] ]*\(?(?:\/|node:|file:)[^\s)]*:\d+:\d+\)?/],
  ['error with a path', /\b\w*Error: [^\n]*(?:\/(?:src|dist|node_modules|work|tmp|home|usr)\/|[A-Z]:\\)/],
  ['source location', /\.(?:ts|js|mjs|cjs):\d+:\d+/],
  ['node_modules', /node_modules/],
  ['SQL syntax error', /syntax error at or near/],
  ['SQL relation', /relation "/],
  ['SQL column', /column "[^"]*" (?:does not exist|of relation)/],
  ['SQL input syntax', /invalid input syntax for/],
  ['SQLSTATE', /\bSQLSTATE\b/],
  ['pg protocol', /bind message supplies|prepared statement "|portal "/],
  ['pg connection', /Connection terminated|ECONNREFUSED|ECONNRESET|EPIPE/],
  ['TypeORM', /QueryFailedError|TypeORMError|EntityNotFound/],
  ['SQL constraint', /violates (?:not-null|foreign key|check|unique) constraint|duplicate key value/],
  ['SQL transaction', /current transaction is aborted|canceling statement due to/],
  ['upstream body', /upstream secret detail|\(internal detail\)|no such route/],
  ['V8 internals', /Maximum call stack size exceeded|RangeError|TypeError: |Cannot read propert|is not a function|undefined is not/],
];

/**
 * The one channel where PostgreSQL's own words reach a caller by design (src/tools/sql/sql-errors.ts): an
 * `invalid` answer's message (and its summary in `error`) `SQLSTATE xxxxx: <primary message, clipped>`.
 * What follows the marker is not scanned; what precedes it is.
 */
const DESIGNED_SQL_MESSAGE = /SQLSTATE [0-9A-Z]{5}: .*$/s;

/** How strictly one answer is read. */
export interface CheckOptions {
  /**
   * The caller wrote SQL (sql_query): an `invalid` answer may quote the parser's or PostgreSQL's words about
   * it (`syntax error at or near "#"`), which is how the caller learns to fix its query. Off: SQL words are leaks.
   */
  readonly callerSql?: boolean;
}

const SQL_LEAK = /^SQL/;

function leaksIn(text: string, options: CheckOptions = {}, invalidAnswer = false): string[] {
  return LEAKS.filter(([name, pattern]) => !(options.callerSql && invalidAnswer && SQL_LEAK.test(name)) && pattern.test(text)).map(
    ([name]) => `${name} in ${clip(text)}`,
  );
}

export function clip(text: string, max = 240): string {
  return text.length <= max ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, max))}… (${text.length} chars)`;
}

/**
 * Every string in `value` checked for leaks; strings that are JSON themselves (a tool result's text) are
 * opened and checked the same way. `issues[].message` in an invalid answer may carry the designed SQL channel.
 */
function leaksInValue(value: unknown, options: CheckOptions, invalidAnswer: boolean, key = ''): string[] {
  if (typeof value === 'string') {
    if (invalidAnswer && (key === 'message' || key === 'error')) return leaksIn(value.replace(DESIGNED_SQL_MESSAGE, ''), options, true);
    const nested = jsonOf(value);
    return nested === undefined ? leaksIn(value) : leaksInValue(nested, options, invalidAnswer || isInvalid(nested));
  }
  if (Array.isArray(value)) return value.flatMap((item) => leaksInValue(item, options, invalidAnswer, key));
  if (typeof value === 'object' && value !== null) {
    const invalid = invalidAnswer || isInvalid(value);
    return Object.entries(value).flatMap(([name, item]) => [...leaksIn(name), ...leaksInValue(item, options, invalid, name)]);
  }
  return [];
}

function jsonOf(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isInvalid = (value: unknown): boolean => (value as { status?: unknown } | null)?.status === 'invalid';

/** A tool-level error body (`{error, status, request_id}`) found in a result, a JSON-RPC error or a REST body. */
function toolStatusOf(message: unknown): string | undefined {
  const result = (message as { result?: { isError?: boolean; content?: { text?: string }[]; structuredContent?: { status?: string } } })?.result;
  if (result?.isError) {
    const body = jsonOf(result.content?.[0]?.text ?? '') as { status?: string } | undefined;
    return body?.status ?? result.structuredContent?.status ?? 'missing';
  }
  return (message as { status?: unknown })?.status === 'error' ? 'error' : undefined;
}

/**
 * What is wrong with one answer: no answer at all, a 5xx (a typed 503 `retry` with Retry-After excepted),
 * a body that is not JSON, JSON-RPC -32603, a tool result of status `error` (an unexpected failure), or a leak.
 */
export function problemsOf(answer: HttpAnswer, options: CheckOptions = {}): string[] {
  if (answer.error) return [`no answer: ${answer.error} after ${Math.round(answer.ms)} ms`];
  const problems: string[] = [];
  let messages: unknown[] = [];
  try {
    messages = jsonMessages(answer);
  } catch {
    problems.push(`HTTP ${answer.status} body is not JSON: ${clip(answer.text)}`);
  }
  const retry = messages.length === 1 && (messages[0] as { status?: unknown })?.status === 'retry' && answer.headers.has('retry-after');
  if (answer.status >= 500 && !(answer.status === 503 && retry)) problems.push(`HTTP ${answer.status}: ${clip(answer.text)}`);
  for (const message of messages) {
    const code = (message as { error?: { code?: unknown } })?.error?.code;
    if (code === -32603) problems.push(`JSON-RPC -32603: ${clip(JSON.stringify(message))}`);
    const status = toolStatusOf(message);
    if (status === 'error' || status === 'missing') problems.push(`tool answered status ${status}: ${clip(JSON.stringify(message))}`);
    problems.push(...leaksInValue(message, options, false));
  }
  if (messages.length === 0) problems.push(...leaksIn(answer.text));
  return [...new Set(problems)];
}
