import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as PgClient } from 'pg';
import { createTestApp, TestApp } from '../support/test-app';
import { TEST_DB_URL } from '../support/test-database';
import { errorOf, resultOf } from '../support/tool-results';

const MAX_RESULT_BYTES = 8 * 1024 * 1024;
const MAX_FIELD_BYTES = 1024 * 1024;
const RESULT_CAP = `returns more than SQL_MAX_RESULT_BYTES (${MAX_RESULT_BYTES} bytes); select fewer rows or columns`;
const fieldCap = (bytes: number): string =>
  `returns a field longer than SQL_MAX_FIELD_BYTES (${MAX_FIELD_BYTES} bytes; one has ${bytes}); select a shorter value, e.g. left(column, n)`;
const EXTENSION_DENIED = 'function crosstab belongs to extension tablefunc and is not allowed; see SQL_ALLOWED_EXTENSION_FUNCTIONS';
const CROSSTAB = "SELECT * FROM crosstab('SELECT 1, 2, 3') AS t(row_name int, value int)";

/** A scratch database on the real PostgreSQL, owned by the test role, with contrib's tablefunc installed by the superuser. */
const scratchName = `mcp_sql_hostile_${process.pid}`;
const testUrl = new URL(TEST_DB_URL);
const superuserUrl = (database: string): string => `postgres://postgres@${testUrl.host}/${database}`;
const scratchUrl = (): string => {
  const url = new URL(TEST_DB_URL);
  url.pathname = `/${scratchName}`;
  return url.toString();
};

async function asSuperuser(database: string, sql: string): Promise<void> {
  const client = new PgClient({ connectionString: superuserUrl(database) });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const root = mkdtempSync(join(tmpdir(), 'sql-hostile-'));
/** How long each hostile case took to answer, for the report. */
const timings: string[] = [];

beforeAll(async () => {
  await asSuperuser('postgres', `DROP DATABASE IF EXISTS ${scratchName}`);
  await asSuperuser('postgres', `CREATE DATABASE ${scratchName} OWNER ${decodeURIComponent(testUrl.username)}`);
  await asSuperuser(scratchName, 'CREATE EXTENSION tablefunc');
}, 60_000);

afterAll(async () => {
  await asSuperuser('postgres', `DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`);
  rmSync(root, { recursive: true, force: true });
  process.stderr.write(`SQL hostile timings:\n${timings.join('\n')}\n`);
}, 60_000);

const DATABASES = [
  { database: 'the real PostgreSQL', real: true, env: (): Record<string, string> => ({ DB_URL: scratchUrl() }) },
  { database: 'the embedded PostgreSQL', real: false, env: (): Record<string, string> => ({ DB_URL: '', DB_DATA_DIR: join(root, 'pglite') }) },
];

describe.each(DATABASES)('sql_query result caps and leaks on $database', ({ database, real, env }) => {
  let t: TestApp;
  let mcp: McpClient;

  beforeAll(async () => {
    t = await createTestApp({ ...env(), ENABLE_RAG: 'false', DB_QUERY_TIMEOUT_SECONDS: '45', TOOL_TIMEOUT_SECONDS: '50' });
    mcp = new McpClient({ name: 'sql-hostile', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${t.primaryKey}` } } }));
  }, 120_000);

  afterAll(async () => {
    await mcp?.close();
    await t?.close();
  }, 30_000);

  const sqlQuery = async (sql: string, maxRows?: number): Promise<unknown> => {
    const started = performance.now();
    const result = await mcp.callTool({ name: 'sql_query', arguments: { sql, ...(maxRows === undefined ? {} : { max_rows: maxRows }) } }, undefined, { timeout: 90_000 });
    timings.push(`  ${database}: ${sql.slice(0, 90)} → ${(performance.now() - started).toFixed(0)} ms`);
    return result;
  };

  /** Another caller is still served, promptly: an echo over MCP and the liveness probe. */
  async function serverStillAnswers(): Promise<void> {
    const echo = await mcp.callTool({ name: 'echo', arguments: { text: 'still here' } }, undefined, { timeout: 5_000 });
    expect(resultOf<{ text: string }>(echo).text).toBe('still here');
    const live = await fetch(`${t.url}/health/live`, { signal: AbortSignal.timeout(5_000) });
    expect(live.status).toBe(200);
  }

  it.each<[string, string]>([
    // One 600 MB field: pg used to build a string past V8's limit inside its socket handler, killing the process.
    ["SELECT repeat('x', 600000000)", fieldCap(600_000_000)],
    // 60 × 20 MB: the heap ran out row by row.
    ["SELECT repeat('x', 20000000) FROM generate_series(1, 60)", fieldCap(20_000_000)],
    // Fields under the field cap, too many of them: the running total stops the result.
    ["SELECT repeat('x', 1000000) FROM generate_series(1, 60)", RESULT_CAP],
    ["SELECT g, repeat('é', 300000) AS a, repeat('é', 300000) AS a FROM (SELECT g FROM generate_series(1, 100000) g ORDER BY g DESC) s", RESULT_CAP],
    ["SELECT decode(repeat('ab', 600000), 'hex')", fieldCap(2 + 2 * 600_000)],
    ["SELECT array_fill(123456789, ARRAY[200000])", fieldCap(1 + 200_000 * 10)],
  ])('%s answers invalid naming the limit, and the server still answers', async (sql, message) => {
    const error = errorOf(await sqlQuery(sql, 1000));
    expect(error.status).toBe('invalid');
    expect(error.issues).toEqual([{ field: 'sql', message }]);
    expect(JSON.stringify(error)).not.toMatch(/mcp_result_cap|CAST|invalid input syntax/);
    await serverStillAnswers();
  }, 120_000);

  it('answers a result just under the caps, in the statement order', async () => {
    // 8 rows × (7 + 4 + 1,000,000) bytes = 8,000,088 ≤ 8,388,608; a ninth row crosses it.
    const under = resultOf<{ rows: { g: number; x: string }[]; row_count: number }>(
      await sqlQuery("SELECT g, repeat('x', 1000000 - length(g::text) - 4) AS x FROM generate_series(8, 1, -1) g ORDER BY g DESC"),
    );
    expect(under.row_count).toBe(8);
    expect(under.rows.map((row) => row.g)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(errorOf(await sqlQuery("SELECT repeat('x', 1000000) FROM generate_series(1, 9)")).issues).toEqual([{ field: 'sql', message: RESULT_CAP }]);

    const field = resultOf<{ rows: { x: string }[] }>(await sqlQuery(`SELECT repeat('x', ${MAX_FIELD_BYTES}) AS x`));
    expect(field.rows[0].x).toHaveLength(MAX_FIELD_BYTES);
    expect(errorOf(await sqlQuery(`SELECT repeat('x', ${MAX_FIELD_BYTES + 1}) AS x`)).issues).toEqual([{ field: 'sql', message: fieldCap(MAX_FIELD_BYTES + 1) }]);
    await serverStillAnswers();
  }, 120_000);

  it('only counts the rows it answers: a large row past max_rows is not held against the total', async () => {
    const result = resultOf<{ row_count: number; truncated: boolean }>(
      await sqlQuery("SELECT g, repeat('x', CASE WHEN g <= 3 THEN 10 ELSE 1000000 END) FROM generate_series(1, 100) g ORDER BY g", 3),
    );
    expect(result).toMatchObject({ row_count: 3, truncated: true });
  }, 60_000);

  it('keeps what the caller wrote: columns, types, duplicates, WITH, VALUES, TABLE, set operations, trailing ; and comments', async () => {
    const dup = resultOf<{ columns: { name: string; type: string }[]; rows: Record<string, unknown>[] }>(
      await sqlQuery("SELECT 1 AS a, 'x' AS a, NULL::numeric(5,2) AS n, now()::date - now()::date AS d -- done"),
    );
    expect(dup.columns).toEqual([
      { name: 'a', type: 'int4' },
      { name: 'a_2', type: 'text' },
      { name: 'n', type: 'numeric' },
      { name: 'd', type: 'int4' },
    ]);
    expect(dup.rows).toEqual([{ a: 1, a_2: 'x', n: null, d: 0 }]);
    for (const [sql, rows] of [
      ['WITH t(v) AS (VALUES (3), (1), (2)) SELECT v FROM t ORDER BY v;', [{ v: 1 }, { v: 2 }, { v: 3 }]],
      ['VALUES (2), (1) ORDER BY 1 ; -- after the end', [{ column1: 1 }, { column1: 2 }]],
      ['SELECT 1 AS v UNION ALL SELECT 2 ORDER BY v DESC', [{ v: 2 }, { v: 1 }]],
    ] as const) {
      expect(resultOf<{ rows: unknown[] }>(await sqlQuery(sql)).rows).toEqual(rows);
    }
    expect(resultOf<{ row_count: number }>(await sqlQuery('TABLE pg_am', 2)).row_count).toBe(2);
    const errorAt = errorOf(await sqlQuery('SELECT nope FROM customers'));
    expect(errorAt.issues?.[0].message).toMatch(/^SQLSTATE 42703: column "nope" does not exist \(at character 8\)$/);
  }, 60_000);

  it.each<[string, string]>([
    ['SELECT most_common_vals::text FROM pg_stats', 'relation pg_stats is not allowed'],
    ['SELECT routine_definition FROM information_schema.routines', 'schema information_schema is not allowed; sql_list_tables and sql_describe_table describe the tables'],
    ['SELECT role_name FROM information_schema.applicable_roles', 'schema information_schema is not allowed; sql_list_tables and sql_describe_table describe the tables'],
  ])('denies %s', async (sql, message) => {
    expect(errorOf(await sqlQuery(sql)).issues).toEqual([{ field: 'sql', message }]);
  });

  (real ? it : it.skip)('denies crosstab, a function of the installed tablefunc extension', async () => {
    expect(errorOf(await sqlQuery(CROSSTAB)).issues).toEqual([{ field: 'sql', message: EXTENSION_DENIED }]);
    await serverStillAnswers();
  });
});

/** A catalog query whose caller picks the size of its answer. */
const CATALOG = `queries:
  - name: padded_text
    description: Returns a run of x characters of the given length, once per row.
    sql: "SELECT repeat('x', :length) AS padding FROM generate_series(1, :times);"
    parameters:
      length: { type: integer, minimum: 0, maximum: 700000000, description: Characters per row }
      times: { type: integer, minimum: 1, maximum: 100, description: Rows }
    max_rows: 100
`;

describe('SQL_ALLOWED_EXTENSION_FUNCTIONS and a named-query catalog on the real PostgreSQL', () => {
  it('lets a listed extension function through, and holds catalog tools to the same byte caps', async () => {
    const catalog = join(root, 'queries.yaml');
    writeFileSync(catalog, CATALOG);
    const t = await createTestApp({ DB_URL: scratchUrl(), ENABLE_RAG: 'false', SQL_ALLOWED_EXTENSION_FUNCTIONS: 'crosstab', SQL_QUERIES_FILE: catalog });
    try {
      const mcp = new McpClient({ name: 'sql-hostile', version: '1.0.0' });
      await mcp.connect(new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${t.primaryKey}` } } }));
      const call = (sql: string): Promise<unknown> => mcp.callTool({ name: 'sql_query', arguments: { sql } });
      expect(resultOf<{ rows: unknown[] }>(await call(CROSSTAB)).rows).toEqual([{ row_name: 1, value: 3 }]);
      expect(errorOf(await call("SELECT * FROM connectby('customers', 'id', 'id', '1', 0) AS t(id int, parent int, level int)")).issues).toEqual([
        { field: 'sql', message: 'function connectby belongs to extension tablefunc and is not allowed; see SQL_ALLOWED_EXTENSION_FUNCTIONS' },
      ]);
      const padded = (length: number, times: number): Promise<unknown> => mcp.callTool({ name: 'padded_text', arguments: { length, times } }, undefined, { timeout: 60_000 });
      expect(resultOf<{ row_count: number }>(await padded(1000, 3)).row_count).toBe(3);
      expect(errorOf(await padded(600_000_000, 1)).issues).toEqual([{ field: '(arguments)', message: fieldCap(600_000_000) }]);
      expect(errorOf(await padded(1_000_000, 60)).issues).toEqual([{ field: '(arguments)', message: RESULT_CAP }]);
      expect(resultOf<{ text: string }>(await mcp.callTool({ name: 'echo', arguments: { text: 'after' } })).text).toBe('after');
      await mcp.close();
    } finally {
      await t.close();
    }
  }, 120_000);
});
