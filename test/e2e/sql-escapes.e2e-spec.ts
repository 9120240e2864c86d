import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DATABASE_TARGET, DatabaseTarget } from '../../src/platform/database/database-target';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { seedSampleData } from '../../src/platform/database/sample-data';
import { ToolException } from '../../src/platform/errors/tool.exception';
import { SqlReadOnlyExecutor } from '../../src/tools/sql/sql-readonly.executor';
import { SqlToolsModule } from '../../src/tools/sql/sql.module';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { CallResult, errorOf, resultOf } from '../support/tool-results';

/** Thousands of millions of rows, all allowed by the policy: only the deadline stops it. */
const RUNAWAY = 'SELECT count(*) FROM customers a, customers b, customers c, customers d';
const TIMEOUT_SECONDS = 2;

/** Every attempt to write, escape the transaction or reach the server, with the reason it is refused. */
const REFUSED: [string, string][] = [
  ['SELECT 1; DROP TABLE canary', 'only one statement is allowed'],
  ['COMMIT; DROP TABLE canary', 'only one statement is allowed'],
  ['END; DROP TABLE canary', 'only one statement is allowed'],
  ['ROLLBACK; BEGIN READ WRITE; DROP TABLE canary', 'only one statement is allowed'],
  ['/* looks harmless */ SELECT 1; DROP TABLE canary', 'only one statement is allowed'],
  ['-- just a comment\nDROP TABLE canary', 'only SELECT statements are allowed (got DROP)'],
  ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; DROP TABLE canary', 'only one statement is allowed'],
  ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'only SELECT statements are allowed (got SET)'],
  ['WITH d AS (DELETE FROM canary RETURNING *) SELECT * FROM d', 'data-modifying statements inside WITH are not allowed'],
  ['SELECT * INTO t2 FROM canary', 'SELECT INTO is not allowed'],
  ['SELECT * FROM canary FOR UPDATE', 'locking clauses (FOR UPDATE/SHARE) are not allowed'],
  ['SELECT pg_sleep(60)', 'function pg_sleep is not allowed'],
  ["SELECT * FROM pg_read_file('/etc/passwd')", 'function pg_read_file is not allowed'],
  ["COPY (SELECT 1) TO PROGRAM 'true'", 'only SELECT statements are allowed (got COPY)'],
  ["SELECT lo_import('/etc/hostname')", 'function lo_import is not allowed'],
  ["SELECT set_config('default_transaction_read_only','off',false)", 'function set_config is not allowed'],
  ['SELECT * FROM pg_shadow', 'relation pg_shadow is not allowed'],
  ['SELECT * FROM pg_catalog.pg_authid', 'relation pg_catalog.pg_authid is not allowed'],
  ['SELECT * FROM secret.data', 'schema secret is not allowed'],
  ['TRUNCATE canary', 'only SELECT statements are allowed (got TRUNCATE)'],
];

const root = mkdtempSync(join(tmpdir(), 'sql-escapes-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DATABASES = [
  { database: 'the real PostgreSQL', embedded: false, env: (): Record<string, string> => ({}) },
  {
    database: 'the embedded PostgreSQL',
    embedded: true,
    env: (): Record<string, string> => ({ DB_URL: '', DB_DATA_DIR: join(root, 'pglite') }),
  },
];

describe.each(DATABASES)('sql_query escapes on $database', ({ embedded, env }) => {
  let kit: McpTestKit;
  let dataSource: DataSource;
  let target: DatabaseTarget;

  const sqlQuery = (sql: string, params: unknown[] = [], extra: Record<string, unknown> = {}): Promise<CallResult> =>
    kit.client.callTool({ name: 'sql_query', arguments: { sql, params, ...extra } });

  /** A separate, short-lived connection, as a DBA would look: is the canary still there, whole? */
  async function canaryRows(): Promise<number> {
    const client = new Client({ connectionString: target.url, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM public.canary');
      return rows[0].n;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    if (embedded) {
      // Initialise and seed the new data directory under the default deadline first: the embedded database
      // is seeded at boot, and the pool's client-side timeout (deadline + 1 s) would be tight for that.
      await (await createMcpTestKit({ imports: [DatabaseModule], env: env() })).close();
    }
    kit = await createMcpTestKit({
      imports: [DatabaseModule, SqlToolsModule],
      env: { DB_QUERY_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS), ...env() },
    });
    dataSource = kit.app.get(DataSource);
    target = kit.app.get<DatabaseTarget>(DATABASE_TARGET);
    await seedSampleData(dataSource);
    await dataSource.query('DROP TABLE IF EXISTS public.canary');
    await dataSource.query('CREATE TABLE public.canary (id int)');
    await dataSource.query('INSERT INTO public.canary VALUES (1)');
    await dataSource.query('DROP SCHEMA IF EXISTS secret CASCADE');
    await dataSource.query('CREATE SCHEMA secret');
    await dataSource.query("CREATE TABLE secret.data (id int, token text DEFAULT 'do-not-leak')");
    await dataSource.query('INSERT INTO secret.data (id) VALUES (1)');
  }, 90_000);

  afterAll(async () => {
    if (!kit) return;
    await dataSource.query('DROP TABLE IF EXISTS public.canary');
    await dataSource.query('DROP SCHEMA IF EXISTS secret CASCADE');
    await kit.close();
  });

  it.each(REFUSED)('refuses %j: %s', async (sql, reason) => {
    expect(errorOf(await sqlQuery(sql))).toMatchObject({ status: 'invalid', issues: [{ field: 'sql', message: reason }] });
  });

  it('accepts $$;DROP TABLE canary;$$: it is a string, and comes back as one', async () => {
    const result = resultOf<{ rows: Record<string, unknown>[] }>(await sqlQuery('SELECT $$;DROP TABLE canary;$$ AS text'));
    expect(result.rows).toEqual([{ text: ';DROP TABLE canary;' }]);
  });

  it('does not find a table of another schema by its bare name: search_path is pinned to the allowed schemas', async () => {
    expect(errorOf(await sqlQuery('SELECT * FROM data'))).toMatchObject({
      status: 'invalid',
      issues: [{ field: 'sql', message: 'SQLSTATE 42P01: relation "data" does not exist (at character 15)' }],
    });
  });

  it('truncates a 100-million-row result', async () => {
    const result = resultOf<{ row_count: number; truncated: boolean }>(
      await sqlQuery('SELECT generate_series(1, 100000000)', [], { max_rows: 3 }),
    );
    expect(result).toMatchObject({ row_count: 3, truncated: true });
  });

  it('cuts a runaway query at DB_QUERY_TIMEOUT_SECONDS with retry, and keeps answering', async () => {
    const started = performance.now();
    const body = errorOf(await sqlQuery(RUNAWAY));
    const seconds = (performance.now() - started) / 1000;
    expect(body).toMatchObject({ status: 'retry', error: `The query ran longer than ${TIMEOUT_SECONDS} s` });
    expect(seconds).toBeGreaterThanOrEqual(TIMEOUT_SECONDS - 0.1);
    expect(seconds).toBeLessThan(TIMEOUT_SECONDS + 4);
    // The next calls work at once (on the embedded database: after the restart of its worker).
    expect(resultOf(await sqlQuery('SELECT count(*)::int AS n FROM canary')).rows).toEqual([{ n: 1 }]);
    const top = await kit.client.callTool({ name: 'get_top_customers', arguments: { limit: 1 } });
    expect(resultOf<{ customers: unknown[] }>(top).customers).toHaveLength(1);
    if (embedded) expect(kit.logs.text).toContain('embedded PostgreSQL restarted');
  }, 20_000);

  it('cuts pg_sleep(60) at the deadline even past the parser check (the executor alone)', async () => {
    const executor = kit.app.get(SqlReadOnlyExecutor);
    const run = executor.run({ sql: 'SELECT pg_sleep(60)', params: [], maxRows: 1, signal: new AbortController().signal, tool: 'test' });
    await expect(run).rejects.toMatchObject({ status: 'retry', message: `The query ran longer than ${TIMEOUT_SECONDS} s` });
    expect(resultOf(await sqlQuery('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  }, 20_000);

  it('stops the query when the caller cancels, and keeps answering', async () => {
    // On the real server, watch the backend from another connection: running before the cancel, gone right after.
    // (The executor runs the statement wrapped in its result caps: look for it inside the text.)
    const observer = embedded ? undefined : new Client({ connectionString: target.url });
    await observer?.connect();
    const running = async (): Promise<number> => {
      const { rows } = await (observer as Client).query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND position($1 IN query) > 0",
        [RUNAWAY],
      );
      return rows[0].n;
    };
    const waitFor = async (want: (n: number) => boolean, ms: number): Promise<number> => {
      const until = performance.now() + ms;
      let n = await running();
      while (!want(n) && performance.now() < until) {
        await pause(25);
        n = await running();
      }
      return n;
    };
    try {
      const controller = new AbortController();
      const call = kit.client.callTool({ name: 'sql_query', arguments: { sql: RUNAWAY } }, undefined, { signal: controller.signal });
      if (observer) expect(await waitFor((n) => n === 1, 1_000)).toBe(1);
      else await pause(300);
      controller.abort();
      await expect(call).rejects.toThrow();
      // The cancel request stops the backend at once, long before its statement_timeout (2 s) would.
      if (observer) expect(await waitFor((n) => n === 0, 1_000)).toBe(0);
    } finally {
      await observer?.end();
    }
    // The embedded database restarts its worker to stop the query; a call meanwhile may answer `retry`, then works.
    let after = await sqlQuery('SELECT count(*)::int AS n FROM canary');
    for (let attempt = 0; embedded && after.isError && errorOf(after).status === 'retry' && attempt < 5; attempt += 1) {
      after = await sqlQuery('SELECT count(*)::int AS n FROM canary');
    }
    expect(resultOf(after).rows).toEqual([{ n: 1 }]);
  }, 30_000);

  it('runs only a query, one statement, in a READ ONLY transaction, even one that got past the parser', async () => {
    const executor = kit.app.get(SqlReadOnlyExecutor);
    const run = (sql: string): Promise<unknown> =>
      executor.run({ sql, params: [], maxRows: 1, signal: new AbortController().signal, tool: 'test' });
    const issueOf = async (sql: string): Promise<unknown> => {
      const error = (await run(sql).then(
        () => undefined,
        (thrown: unknown) => thrown,
      )) as ToolException & { issues?: unknown };
      expect(error).toBeInstanceOf(ToolException);
      return error.issues;
    };
    // The executor wraps the statement as a subquery (its result caps): anything but a query is a syntax error.
    expect(await issueOf('DELETE FROM canary')).toEqual([{ field: 'sql', message: 'SQLSTATE 42601: syntax error at or near "FROM" (at character 8)' }]);
    // A write inside a query meets the READ ONLY transaction.
    expect(await issueOf("SELECT nextval(pg_get_serial_sequence('customers', 'id'))")).toEqual([
      { field: 'sql', message: 'SQLSTATE 25006: cannot execute nextval() in a read-only transaction' },
    ]);
    // Two statements cannot both sit inside the subquery (and the extended protocol refuses a second one anyway).
    expect(await issueOf('SELECT 1; DELETE FROM canary')).toEqual([{ field: 'sql', message: 'SQLSTATE 42601: syntax error at or near ";" (at character 9)' }]);
    const settings = (await run(
      "SELECT current_setting('transaction_read_only') AS read_only, current_setting('statement_timeout') AS timeout, current_setting('search_path') AS path",
    )) as { rows: Record<string, unknown>[] };
    expect(settings.rows).toEqual([{ read_only: 'on', timeout: `${TIMEOUT_SECONDS}s`, path: 'public, pg_temp' }]);
  });

  it('leaves the canary table with its one row after every attempt', async () => {
    expect(await canaryRows()).toBe(1);
    expect(resultOf(await sqlQuery('SELECT count(*)::int AS n FROM canary')).rows).toEqual([{ n: 1 }]);
  });
});
