import { InvalidArgumentsException } from '../../platform/errors/tool.exception';
import { SqlGuard } from './sql-guard';
import { SqlConfig } from './sql.config';
import { SqlQueryInput } from './sql.dto';
import { ReadOnlyQuery, SqlQueryResult } from './sql-query-result.interface';
import { SqlQueryService } from './sql-query.service';
import { SqlReadOnlyExecutor } from './sql-readonly.executor';

const EMPTY: SqlQueryResult = { columns: [], rows: [], row_count: 0, truncated: false };

describe('SqlQueryService', () => {
  let guard: SqlGuard;
  const runs: ReadOnlyQuery[] = [];
  const executor = { run: (query: ReadOnlyQuery) => (runs.push(query), Promise.resolve(EMPTY)) } as unknown as SqlReadOnlyExecutor;
  const config = { defaultMaxRows: 100, maxRowsLimit: 1000 } as SqlConfig;
  const signal = new AbortController().signal;
  const input = (fields: Partial<SqlQueryInput>): SqlQueryInput => Object.assign(new SqlQueryInput(), fields);
  const issuesOf = (work: Promise<unknown>): Promise<unknown> =>
    work.then(
      () => undefined,
      (error: unknown) => (error instanceof InvalidArgumentsException ? error.issues : error),
    );

  beforeAll(async () => {
    guard = await SqlGuard.create({ allowedSchemas: ['public'] });
  });
  beforeEach(() => (runs.length = 0));

  it('runs an accepted query with its params, the default row cap and the signal', async () => {
    const service = new SqlQueryService(guard, executor, config);
    await service.query(input({ sql: 'SELECT $1::int', params: [1] }), signal);
    expect(runs).toEqual([{ sql: 'SELECT $1::int', params: [1], maxRows: 100, signal, tool: 'sql_query' }]);
  });

  it('reports every problem at once and runs nothing', async () => {
    const service = new SqlQueryService(guard, executor, config);
    expect(await issuesOf(service.query(input({ sql: 'SELECT pg_sleep(1)', max_rows: 5000 }), signal))).toEqual([
      { field: 'max_rows', message: 'must not be greater than 1000' },
      { field: 'sql', message: 'function pg_sleep is not allowed' },
    ]);
    expect(await issuesOf(service.query(input({ sql: 'SELECT $2::int', params: ['a'] }), signal))).toEqual([
      { field: 'params', message: 'must hold 2 value(s), one for each of $1 to $2; got 1' },
    ]);
    expect(runs).toEqual([]);
  });
});
