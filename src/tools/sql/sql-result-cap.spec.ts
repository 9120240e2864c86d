import { cappedSql, probeSql, resultCapBreach } from './sql-result-cap';

const CAPS = { maxResultBytes: 8_388_608, maxFieldBytes: 1_048_576 };
const TEXT = { dataTypeID: 25 };
const BYTEA = { dataTypeID: 17 };
const INT4 = { dataTypeID: 23 };

/** The per-process marker, as the wrapped SQL spells it. */
function marker(): string {
  return /'(mcp_result_cap_[0-9a-f]{12}):/.exec(cappedSql('SELECT 1', [INT4], CAPS, 10).text)?.[1] ?? '';
}

describe('probeSql', () => {
  it('describes the statement without running it; a trailing comment cannot swallow the wrapping', () => {
    const wrapped = probeSql('SELECT 1 -- note');
    expect(wrapped.text).toBe('SELECT * FROM (\nSELECT 1 -- note\n) AS q LIMIT 0');
    expect(wrapped.text.slice(wrapped.offset, wrapped.offset + 8)).toBe('SELECT 1');
  });
});

describe('cappedSql', () => {
  it('keeps the statement verbatim at `offset`, behind both fences, and limits to max_rows + 1', () => {
    const statement = "SELECT a, b, c FROM t ORDER BY a -- x";
    const wrapped = cappedSql(statement, [TEXT, BYTEA, INT4], CAPS, 100);
    expect(wrapped.text.slice(wrapped.offset, wrapped.offset + statement.length)).toBe(statement);
    expect(wrapped.text.slice(wrapped.offset + statement.length)).toMatch(/^\n\) AS s OFFSET 0\) AS q\("c1", "c2", "c3"\) OFFSET 0\) AS l\n/);
    expect(wrapped.text).toMatch(/LIMIT 101$/);
  });

  it('measures text by its octets, bytea as hex and any other type through its text form', () => {
    const { text } = cappedSql('TABLE t', [TEXT, BYTEA, INT4], CAPS, 10);
    expect(text).toContain('coalesce(octet_length(q."c1"), 0)');
    expect(text).toContain('coalesce(2 + 2 * octet_length(q."c2"), 0)');
    expect(text).toContain('coalesce(octet_length(q."c3"::text), 0)');
    expect(text).toContain(`max(s) > ${CAPS.maxFieldBytes}`);
    expect(text).toContain(`sum(l.b) OVER w > ${CAPS.maxResultBytes} AND row_number() OVER w <= 10`);
    expect(text).toContain('ELSE 19 + sum(s)'); // 7 bytes a row, 4 a field
  });

  it('wraps a statement without columns', () => {
    const { text } = cappedSql('SELECT FROM t', [], CAPS, 10);
    expect(text).toContain('SELECT q.*, 7::int8 AS b FROM');
    expect(text).toContain(') AS q OFFSET 0) AS l');
  });
});

describe('resultCapBreach', () => {
  it('reads the limit and the size out of the server message', () => {
    expect(resultCapBreach(`invalid input syntax for type bigint: "${marker()}:field:600000000"`)).toEqual({ limit: 'field', bytes: 600_000_000 });
    expect(resultCapBreach(`invalid input syntax for type bigint: "${marker()}:result:8400000"`)).toEqual({ limit: 'result', bytes: 8_400_000 });
  });

  it('ignores a message without this process marker (a caller spelling a made-up one)', () => {
    expect(resultCapBreach('invalid input syntax for type bigint: "mcp_result_cap_000000000000:field:5"')).toBeUndefined();
    expect(resultCapBreach('invalid input syntax for type integer: "x"')).toBeUndefined();
  });
});
