/** The SQL of a catalog query with its `:name` parameters turned into PostgreSQL's `$1..$n`. */
export interface PositionalSql {
  /** The SQL with every `:name` replaced by `$n`; everything else byte for byte as written. */
  readonly sql: string;
  /** Parameter names in `$n` order: `names[0]` is `$1`. A name used twice appears once. */
  readonly names: readonly string[];
}

/** A problem with the text of the SQL itself (not with its declared parameters). */
export class NamedParameterSyntaxError extends Error {}

const IDENTIFIER_START = /[A-Za-z_\u0080-\uffff]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const PARAMETER_START = /[A-Za-z_]/;
const PARAMETER_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
/** `$$` or `$tag$`: a tag is an identifier without `$` (PostgreSQL's `dolq_start`/`dolq_cont`). */
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/**
 * Rewrites named parameters (`:customer_id`) to positional ones (`$1`), following PostgreSQL's lexer so
 * that only real parameters are touched: a colon inside a string (`':x'`, `E'\':x'`, `$$ :x $$`,
 * `$tag$ :x $tag$`), a quoted identifier (`"col:x"`), a comment (`-- :x`, nested `/* :x *\/`) or a cast
 * (`::int`, also right after a parameter: `:since::date`) stays as it is. The same name reuses its number.
 *
 * Positional `$n` in the source is refused (a catalog names its parameters), and so is an unterminated
 * string, identifier or comment. Assumes `standard_conforming_strings = on` (PostgreSQL's default): a
 * backslash only escapes inside `E'…'`.
 *
 * @example
 * rewriteNamedParameters("SELECT * FROM t WHERE a = :x AND b::text <> ':y' AND c > :x");
 * // { sql: "SELECT * FROM t WHERE a = $1 AND b::text <> ':y' AND c > $1", names: ['x'] }
 */
export function rewriteNamedParameters(source: string): PositionalSql {
  const names: string[] = [];
  const numbers = new Map<string, number>();
  let output = '';
  let copiedUpTo = 0;
  let i = 0;

  const fail = (what: string, at: number): never => {
    throw new NamedParameterSyntaxError(`${what} (${position(source, at)})`);
  };

  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '-' && next === '-') {
      const end = source.indexOf('\n', i);
      i = end === -1 ? source.length : end + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(source, i) ?? fail('unterminated /* comment', i);
    } else if (c === "'") {
      i = skipQuoted(source, i, "'", false) ?? fail('unterminated string literal', i);
    } else if (c === '"') {
      i = skipQuoted(source, i, '"', false) ?? fail('unterminated quoted identifier', i);
    } else if (c === '$') {
      if (next !== undefined && DIGIT.test(next)) {
        const digits = /^\$[0-9]+/.exec(source.slice(i, i + 8))?.[0] ?? '$';
        fail(`positional parameter ${digits} is not allowed: name it (:name) and declare it in parameters`, i);
      }
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(source)?.[0];
      if (tag === undefined) {
        i += 1;
      } else {
        const close = source.indexOf(tag, i + tag.length);
        if (close === -1) fail(`unterminated ${tag}-quoted string`, i);
        i = close + tag.length;
      }
    } else if (c === ':') {
      if (next === ':') {
        i += 2; // a cast: `::type`
      } else if (next !== undefined && PARAMETER_START.test(next)) {
        let end = i + 2;
        while (end < source.length && PARAMETER_PART.test(source[end])) end += 1;
        const name = source.slice(i + 1, end);
        let number = numbers.get(name);
        if (number === undefined) {
          names.push(name);
          number = names.length;
          numbers.set(name, number);
        }
        output += `${source.slice(copiedUpTo, i)}$${number}`;
        copiedUpTo = end;
        i = end;
      } else {
        i += 1;
      }
    } else if (IDENTIFIER_START.test(c)) {
      const start = i;
      while (i < source.length && IDENTIFIER_PART.test(source[i])) i += 1;
      // `E'…'` (or `e'…'`): the one string form where a backslash escapes the next character.
      if (i - start === 1 && (c === 'E' || c === 'e') && source[i] === "'") {
        i = skipQuoted(source, i, "'", true) ?? fail('unterminated string literal', i);
      }
    } else if (DIGIT.test(c)) {
      // A number (`1`, `1.5e3`, `0x1F`, `1_000`): never a parameter, and `$` after it is not one either.
      while (i < source.length && IDENTIFIER_PART.test(source[i])) i += 1;
    } else {
      i += 1;
    }
  }
  return { sql: output + source.slice(copiedUpTo), names };
}

/** Index just past the closing quote of the literal opening at `start`, or undefined when it never closes. */
function skipQuoted(source: string, start: number, quote: string, backslashEscapes: boolean): number | undefined {
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (source[i + 1] !== quote) return i + 1;
      i += 2; // a doubled quote stands for one
    } else {
      i += 1;
    }
  }
  return undefined;
}

/** PostgreSQL block comments nest: `/* a /* b *\/ still a comment *\/`. */
function skipBlockComment(source: string, start: number): number | undefined {
  let depth = 0;
  let i = start;
  while (i < source.length) {
    if (source[i] === '/' && source[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (source[i] === '*' && source[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return undefined;
}

/** `line 3, column 9` (1-based) of an index in the text. */
function position(source: string, index: number): string {
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
