import fc from 'fast-check';
import { objectWith, RawJson } from './raw-json';

/** One megabyte: the size of a "huge" string. */
export const HUGE_LENGTH = 1024 * 1024;

/** Characters that break naive code: lone surrogates, NUL, bidi marks, noncharacters, emoji, combining marks. */
export const EDGE_CHARACTERS: readonly string[] = [
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  '\uDC00\uD800', // surrogates in the wrong order
  '\u0000',
  '\u001B[31m',
  '\u200F', // right-to-left mark
  '\u202E', // right-to-left override
  '\u2066\u2069', // isolates
  '\uFEFF', // byte order mark
  '\uFFFF',
  '\uFFFE',
  '\u{10FFFF}',
  '\u{1F600}',
  '\u{1F469}\u200D\u{1F4BB}', // emoji zero-width-joiner sequence
  '\u{1F1FA}\u{1F1F3}', // flag
  'e\u0301\u0301\u0301\u0301', // stacked combining marks
  '\u0345'.repeat(64),
  '\u2028\u2029',
  'ǅ', // titlecase digraph
  'İ', // lowercases to two code points
  'ß',
  '\r\n\t\v\f',
];

/** SQL written to escape, stack, stall or read what it should not. */
export const SQL_FRAGMENTS: readonly string[] = [
  "' OR '1'='1",
  "1; DROP TABLE customers; --",
  "'); DELETE FROM orders; --",
  'SELECT 1; SELECT 2',
  'SELECT pg_sleep(3600)',
  "SELECT pg_read_file('/etc/passwd')",
  'SELECT * FROM pg_shadow',
  'COPY customers TO PROGRAM $$id$$',
  'SELECT repeat($$x$$, 100000000)',
  'SELECT generate_series(1, 100000000)',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r',
  "SELECT set_config('transaction_read_only', 'off', false)",
  'BEGIN; SET TRANSACTION READ WRITE; COMMIT',
  '/* unterminated comment',
  "$$ unterminated dollar quote",
  "E'\\x00'",
  'SELECT $1::text, $99999::int',
  'SELECT lo_import($$/etc/passwd$$)',
  '\\copy customers to stdout',
  'SELECT 1 FROM customers c1, customers c2, customers c3, customers c4, customers c5, customers c6',
  'SELECT ' + '('.repeat(5000) + '1' + ')'.repeat(5000),
  'SELECT ' + Array.from({ length: 2000 }, (_, i) => `${i}`).join(' + '),
];

/** Numeric words and spellings that parse as numbers somewhere and not elsewhere. */
export const NAN_LIKE_STRINGS: readonly string[] = [
  'NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x10', '0b11', '0o7', ' 1 ', '1_000', '١٢', '１', '1e-400', '',
  '9007199254740993', '00001', '+1', '.5', '5.', '1,5', 'null', 'undefined', 'true', '[object Object]',
];

/** Keys that pollute prototypes or shadow built-ins when code copies objects naively. */
export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

/** A value whose keys are prototype-polluting paths. */
export const prototypePayload = fc.constantFrom<unknown>(
  objectWith([['__proto__', { polluted: true, isAdmin: true }]]),
  objectWith([['constructor', { prototype: { polluted: true } }]]),
  objectWith([['__proto__', objectWith([['__proto__', { deep: true }]])]]),
  objectWith([['toString', 'not a function'], ['valueOf', 42], ['hasOwnProperty', null]]),
);

/** JSON nested `depth` levels deep, written as text: `{"a":{"a":…1…}}` or `[[[…]]]`. */
export function deeplyNested(depth: number, kind: 'object' | 'array'): RawJson {
  const text = kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  return new RawJson(text, `${kind} nested ${depth} deep`);
}

/** A JSON string of about HUGE_LENGTH characters, named in reports by what it repeats. */
export function hugeString(unit: string): RawJson {
  const times = Math.ceil(HUGE_LENGTH / unit.length);
  return new RawJson(JSON.stringify(unit.repeat(times)), `${JSON.stringify(unit)} × ${times}`);
}

export const hugeStringValue = fc.constantFrom('a', '\u0000', '\u{1F600}', 'e\u0301', '\uD800', "'", '\\', '"', ' ', 'ab%').map(hugeString);

export const deepValue = fc
  .tuple(fc.constantFrom(100, 1000, 10_000, 100_000), fc.constantFrom<'object' | 'array'>('object', 'array'))
  .map(([depth, kind]) => deeplyNested(depth, kind));

/** A string with edge characters mixed into ordinary text. */
export const edgeString = fc
  .array(fc.oneof(fc.constantFrom(...EDGE_CHARACTERS), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''));

/** JSON number spellings at the edge of what a double holds. */
export const rawNumber = fc
  .constantFrom('1e400', '-1e400', '-0', '1E+2', '0.0000000000000000000001', '123456789012345678901234567890', '9007199254740993', '1.0', '5e-324')
  .map((text) => new RawJson(text, text));

/** A value of any JSON type, plain or hostile. */
export const anyHostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, '', [], {}, [null], { a: 1 }),
  fc.constantFrom(...SQL_FRAGMENTS),
  fc.constantFrom(...NAN_LIKE_STRINGS),
  edgeString,
  rawNumber,
  prototypePayload,
  fc.jsonValue({ maxDepth: 3 }),
);
