import type { FieldDef } from 'pg';
import { describeColumns, quoteIdent, rowsToObjects, SQL_RESULT_TYPES, toJsonValue, uniqueColumnNames } from './sql-values';

const field = (name: string, dataTypeID: number): FieldDef =>
  ({ name, dataTypeID, tableID: 0, columnID: 0, dataTypeSize: -1, dataTypeModifier: -1, format: 'text' }) as FieldDef;

describe('SQL result values', () => {
  it('makes values JSON-safe without losing precision', () => {
    expect(toJsonValue(12345678901234567890n)).toBe('12345678901234567890');
    expect(toJsonValue(Number.NaN)).toBe('NaN');
    expect(toJsonValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(toJsonValue(new Date('2024-02-29T13:14:15.123Z'))).toBe('2024-02-29T13:14:15.123Z');
    expect(toJsonValue(new Date(Number.NaN))).toBeNull();
    expect(toJsonValue(Buffer.from([0xde, 0xad]))).toBe('\\xdead');
    expect(toJsonValue([1, [2n, undefined]])).toEqual([1, ['2', null]]);
    expect(toJsonValue({ a: [1, 'b'] })).toEqual({ a: [1, 'b'] });
    expect(toJsonValue(undefined)).toBeNull();
  });

  it('keeps dates, times, intervals and bytea as PostgreSQL prints them', () => {
    for (const oid of [17, 1082, 1083, 1114, 1184, 1186, 1266]) {
      expect(SQL_RESULT_TYPES.getTypeParser(oid, 'text')('2024-02-29 00:00:00+00')).toBe('2024-02-29 00:00:00+00');
    }
    expect(SQL_RESULT_TYPES.getTypeParser(23, 'text')('42')).toBe(42);
    expect(SQL_RESULT_TYPES.getTypeParser(20, 'text')('9007199254740993')).toBe('9007199254740993');
  });

  it('gives repeated column names (and __proto__) unique suffixes', () => {
    expect(uniqueColumnNames(['?column?', '?column?', 'a', 'a_2', 'a', '__proto__'])).toEqual([
      '?column?',
      '?column?_2',
      'a',
      'a_2',
      'a_3',
      '__proto___2',
    ]);
  });

  it('turns array rows into objects keyed by the unique names', () => {
    const rows = rowsToObjects(['x', 'x_2'], [[1, 2n]]);
    expect(rows).toEqual([{ x: 1, x_2: '2' }]);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
  });

  it('names column types, falling back to the oid', () => {
    expect(describeColumns([field('a', 23), field('a', 99999)], (oid) => (oid === 23 ? 'int4' : undefined))).toEqual([
      { name: 'a', type: 'int4' },
      { name: 'a_2', type: 'oid:99999' },
    ]);
  });

  it('quotes identifiers', () => {
    expect(quoteIdent('public')).toBe('"public"');
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(() => quoteIdent('')).toThrow();
    expect(() => quoteIdent('a\0b')).toThrow();
  });
});
