import { types } from 'pg';
import type { CustomTypesConfig, FieldDef } from 'pg';
import { SqlColumn } from './sql-query-result.interface';

/**
 * Types whose PostgreSQL text is better than what the driver would parse it into, so it is kept as sent:
 * dates and times (a JS Date loses microseconds, time zones of `timestamp`, `infinity`, and shifts `date`
 * to local midnight), intervals (an object otherwise) and `bytea` (a Buffer otherwise; the text is `\x…`
 * hex). With the default DateStyle (ISO) timestamps read `2024-03-01 12:34:56.123456+00`.
 */
const KEPT_AS_TEXT: ReadonlySet<number> = new Set([
  17, // bytea
  1001, // bytea[]
  1082, // date
  1083, // time
  1114, // timestamp
  1184, // timestamptz
  1186, // interval
  1187, // interval[]
  1266, // timetz
]);

const asText = (value: string): string => value;

/** The driver's parsers, except for KEPT_AS_TEXT. Text format only (the extended protocol here asks for text). */
export const SQL_RESULT_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    KEPT_AS_TEXT.has(oid) ? asText : types.getTypeParser(oid, format ?? 'text')) as CustomTypesConfig['getTypeParser'],
};

/** Names of the built-in types most results use; the rest are looked up in `pg_type` and cached. */
export const COMMON_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [16, 'bool'],
  [17, 'bytea'],
  [18, 'char'],
  [19, 'name'],
  [20, 'int8'],
  [21, 'int2'],
  [23, 'int4'],
  [25, 'text'],
  [26, 'oid'],
  [114, 'json'],
  [700, 'float4'],
  [701, 'float8'],
  [790, 'money'],
  [1042, 'bpchar'],
  [1043, 'varchar'],
  [1082, 'date'],
  [1083, 'time'],
  [1114, 'timestamp'],
  [1184, 'timestamptz'],
  [1186, 'interval'],
  [1266, 'timetz'],
  [1700, 'numeric'],
  [2950, 'uuid'],
  [3802, 'jsonb'],
  [1000, '_bool'],
  [1005, '_int2'],
  [1007, '_int4'],
  [1009, '_text'],
  [1016, '_int8'],
  [1021, '_float4'],
  [1022, '_float8'],
  [1231, '_numeric'],
  [705, 'unknown'],
  [2249, 'record'],
]);

/** A value as JSON can carry it, without losing precision: big numbers stay strings, as the driver gives them. */
export function toJsonValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value); // float8 'NaN', 'Infinity'
    case 'bigint':
      return value.toString();
    case 'undefined':
      return null;
    case 'object':
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
      if (Array.isArray(value)) return value.map(toJsonValue);
      return JSON.parse(JSON.stringify(value)) as unknown; // json/jsonb (already JSON), point, …
    default:
      return String(value);
  }
}

/**
 * Output names for the result's columns: PostgreSQL allows repeats (`SELECT 1, 2` is `?column?` twice), a
 * JSON object does not, so a repeated name gets `_2`, `_3`, … (skipping names already taken); so does
 * `__proto__`.
 */
export function uniqueColumnNames(names: readonly string[]): string[] {
  // `__proto__` is not a key a JavaScript client can read back from JSON.parse'd objects reliably: rename it.
  const taken = new Set<string>(['__proto__']);
  return names.map((name) => {
    let unique = name;
    for (let n = 2; taken.has(unique); n += 1) unique = `${name}_${n}`;
    taken.add(unique);
    return unique;
  });
}

/** Array rows (`rowMode: 'array'`) → objects keyed by the unique column names, values JSON-safe. */
export function rowsToObjects(names: readonly string[], rows: readonly unknown[][]): Record<string, unknown>[] {
  return rows.map((row) => {
    const object: Record<string, unknown> = {};
    for (let index = 0; index < names.length; index += 1) {
      object[names[index]] = toJsonValue(row[index]); // never `__proto__` (see uniqueColumnNames)
    }
    return object;
  });
}

/** The result's columns with their type names (`typeName` answers undefined for an OID it does not know). */
export function describeColumns(fields: readonly FieldDef[], typeName: (oid: number) => string | undefined): SqlColumn[] {
  const names = uniqueColumnNames(fields.map((field) => field.name));
  return fields.map((field, index) => ({ name: names[index], type: typeName(field.dataTypeID) ?? `oid:${field.dataTypeID}` }));
}

/** `analytics` → `"analytics"`: a PostgreSQL identifier, quoted so that it is always read as one name. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new Error('an identifier must be non-empty and free of NUL');
  return `"${name.replace(/"/g, '""')}"`;
}
