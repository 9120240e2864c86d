import type { PinoLogger } from 'nestjs-pino';
import type { Histogram } from 'prom-client';
import type { DataSource } from 'typeorm';
import { DatabaseTarget } from '../../platform/database/database-target';
import { EmbeddedPostgres } from '../../platform/database/embedded/embedded-postgres';
import { SqlConfig } from './sql.config';
import { SqlReadOnlyExecutor } from './sql-readonly.executor';

const config = {
  allowedSchemas: ['public', 'analytics'],
  queryTimeoutMs: 2500,
  queryTimeoutSeconds: 2.5,
  workMemKb: 4096,
  readonlyUrl: undefined,
} as unknown as SqlConfig;

function executorOn(rows: unknown[] | Error, embedded = false): { executor: SqlReadOnlyExecutor; logger: Record<string, jest.Mock>; queries: string[] } {
  const queries: string[] = [];
  const pool = {
    query: (sql: string) => {
      queries.push(sql);
      return rows instanceof Error ? Promise.reject(rows) : Promise.resolve({ rows });
    },
  };
  const logger = { info: jest.fn(), warn: jest.fn(), debug: jest.fn(), error: jest.fn() };
  const target: DatabaseTarget = embedded
    ? { url: 'postgres://x', label: 'embedded', embedded: {} as EmbeddedPostgres }
    : { url: 'postgres://x', label: 'server' };
  const executor = new SqlReadOnlyExecutor(
    config,
    { driver: { master: pool } } as unknown as DataSource,
    target,
    {} as Histogram<string>,
    logger as unknown as PinoLogger,
  );
  return { executor, logger, queries };
}

describe('SqlReadOnlyExecutor at boot', () => {
  it('builds its transaction preamble from the settings, identifiers quoted', () => {
    const { executor } = executorOn([]);
    expect((executor as unknown as { openTransaction: string }).openTransaction).toBe(
      `BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = 2500; SET LOCAL work_mem = '4096kB'; SET LOCAL search_path = "public", "analytics", pg_temp`,
    );
  });

  it('warns when the tools connect as a superuser', async () => {
    const { executor, logger } = executorOn([{ role: 'postgres', superuser: true }]);
    await executor.onApplicationBootstrap();
    expect(logger.warn).toHaveBeenCalledWith({ role: 'postgres' }, expect.stringContaining('SUPERUSER'));
  });

  it('only notes the role otherwise, and warns (without failing the boot) when it cannot tell', async () => {
    const quiet = executorOn([{ role: 'mcp_readonly', superuser: false }]);
    await quiet.executor.onApplicationBootstrap();
    expect(quiet.logger.warn).not.toHaveBeenCalled();
    expect(quiet.logger.info).toHaveBeenCalledWith({ role: 'mcp_readonly', separate_url: false }, expect.any(String));

    const unreachable = executorOn(new Error('connect ECONNREFUSED'));
    await expect(unreachable.executor.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(unreachable.logger.warn).toHaveBeenCalledWith({ reason: 'connect ECONNREFUSED' }, 'could not check the SQL tools role at boot');
  });

  it('does not ask the embedded database (always its superuser) and says so at info level', async () => {
    const { executor, logger, queries } = executorOn([], true);
    await executor.onApplicationBootstrap();
    expect(queries).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(expect.stringContaining('embedded database as its superuser'));
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
