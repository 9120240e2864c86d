import { DatabaseError } from 'pg';
import { InvalidArgumentsException, ToolFailedException, ToolRetryException } from '../../platform/errors/tool.exception';
import { toSqlToolException } from './sql-errors';
import { cappedSql } from './sql-result-cap';

function serverError(code: string, message: string, position?: string): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  Object.assign(error, { code, severity: 'ERROR', position, detail: 'secret detail', where: 'internal' });
  return error;
}

const CAPS = { maxResultBytes: 8_388_608, maxFieldBytes: 1_048_576 };
const MARKER = /'(mcp_result_cap_[0-9a-f]{12}):/.exec(cappedSql('SELECT 1', [{ dataTypeID: 23 }], CAPS, 1).text)?.[1] ?? '';

describe('toSqlToolException', () => {
  it.each([
    ['field', 600_000_000, 'returns a field longer than SQL_MAX_FIELD_BYTES (1048576 bytes; one has 600000000); select a shorter value, e.g. left(column, n)'],
    ['result', 8_400_011, 'returns more than SQL_MAX_RESULT_BYTES (8388608 bytes); select fewer rows or columns'],
  ])('answers the %s cap as invalid naming the setting and its value, never the SQL', (limit, bytes, expected) => {
    const error = serverError('22P02', `invalid input syntax for type bigint: "${MARKER}:${limit}:${bytes}"`, '42');
    const mapped = toSqlToolException(error, 30, 'sql', CAPS) as InvalidArgumentsException;
    expect(mapped).toBeInstanceOf(InvalidArgumentsException);
    expect(mapped.issues).toEqual([{ field: 'sql', message: expected }]);
    // Without the caps (another caller of the mapper) it stays an ordinary data exception.
    expect((toSqlToolException(error, 30) as InvalidArgumentsException).issues[0].message).toMatch(/^SQLSTATE 22P02: /);
  });

  it.each([
    ['42P01', 'relation "x" does not exist', '15', 'SQLSTATE 42P01: relation "x" does not exist (at character 15)'],
    ['22012', 'division by zero', undefined, 'SQLSTATE 22012: division by zero'],
    ['25006', 'cannot execute DELETE in a read-only transaction', undefined, 'SQLSTATE 25006: cannot execute DELETE in a read-only transaction'],
    ['42501', 'permission denied for table secrets', undefined, 'SQLSTATE 42501: permission denied for table secrets'],
  ])('answers the caller\'s mistake %s as invalid on sql, SQLSTATE and primary message only', (code, message, position, expected) => {
    const mapped = toSqlToolException(serverError(code, message, position), 30);
    expect(mapped).toBeInstanceOf(InvalidArgumentsException);
    expect((mapped as InvalidArgumentsException).issues).toEqual([{ field: 'sql', message: expected }]);
    expect(mapped.message).not.toContain('secret detail');
  });

  it('clips a long server message', () => {
    const mapped = toSqlToolException(serverError('22P02', `invalid input syntax: "${'x'.repeat(1000)}"`), 30) as InvalidArgumentsException;
    expect(mapped.issues[0].message.length).toBeLessThan(340);
  });

  it('answers a statement timeout as retry, naming the deadline', () => {
    const mapped = toSqlToolException(serverError('57014', 'canceling statement due to statement timeout'), 2.5);
    expect(mapped).toBeInstanceOf(ToolRetryException);
    expect(mapped.message).toBe('The query ran longer than 2.5 s');
  });

  it.each([
    serverError('53300', 'too many connections for role "mcp"'),
    serverError('57P01', 'terminating connection due to administrator command'),
    serverError('08006', 'connection failure'),
    serverError('40P01', 'deadlock detected'),
    Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' }),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
  ])('answers a transient failure as retry without its text: %s', (error) => {
    const mapped = toSqlToolException(error, 30);
    expect(mapped).toBeInstanceOf(ToolRetryException);
    expect(mapped.message).not.toMatch(/10\.1\.2\.3|mcp|ECONN|administrator/);
  });

  it('answers anything else as a generic failure, keeping the raw error as the cause only', () => {
    const raw = serverError('XX000', 'internal error at postgres://user:pw@db/prod');
    const mapped = toSqlToolException(raw, 30);
    expect(mapped).toBeInstanceOf(ToolFailedException);
    expect(mapped.message).toBe('The query failed');
    expect(mapped.cause).toBe(raw);
    expect(toSqlToolException(new TypeError('boom'), 30)).toBeInstanceOf(ToolFailedException);
  });

  it('passes ToolExceptions through', () => {
    const own = new ToolRetryException('busy');
    expect(toSqlToolException(own, 30)).toBe(own);
  });
});
