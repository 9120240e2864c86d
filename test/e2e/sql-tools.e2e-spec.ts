import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { seedSampleData } from '../../src/platform/database/sample-data';
import { SqlReadOnlyExecutor } from '../../src/tools/sql/sql-readonly.executor';
import { SqlToolsModule } from '../../src/tools/sql/sql.module';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { TEST_DB_URL } from '../support/test-database';
import { CallResult, errorOf, resultOf } from '../support/tool-results';

interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  row_count: number;
  truncated: boolean;
}

interface Ranked {
  name: string;
  total: string;
}

const root = mkdtempSync(join(tmpdir(), 'sql-tools-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The same specs on the real PostgreSQL server (TEST_DB_URL, the kit's default) and on the embedded default. */
const DATABASES = [
  { database: 'the real PostgreSQL', env: (): Record<string, string> => ({}) },
  { database: 'the embedded PostgreSQL', env: (): Record<string, string> => ({ DB_URL: '', DB_DATA_DIR: join(root, 'pglite') }) },
];

describe.each(DATABASES)('SQL tools on $database', ({ env }) => {
  let kit: McpTestKit;
  let dataSource: DataSource;
  /** Every customer with orders, ranked independently of the tool: total desc, name (bytes), id. */
  let ranking: Ranked[];

  const call = (name: string, args: Record<string, unknown>): Promise<CallResult> =>
    kit.client.callTool({ name, arguments: args });

  beforeAll(async () => {
    kit = await createMcpTestKit({ imports: [DatabaseModule, SqlToolsModule], env: env() });
    dataSource = kit.app.get(DataSource);
    await seedSampleData(dataSource);
    const rows = (await dataSource.query(
      'SELECT c.id, c.name, sum(o.amount)::text AS total FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name',
    )) as { id: number; name: string; total: string }[];
    const cents = (total: string): bigint => BigInt(total.replace('.', ''));
    ranking = rows
      .sort((a, b) => {
        const byTotal = cents(b.total) - cents(a.total);
        if (byTotal !== 0n) return byTotal > 0n ? 1 : -1;
        return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)) || a.id - b.id;
      })
      .map(({ name, total }) => ({ name, total }));
  }, 90_000);
  afterAll(() => kit?.close());

  it('exposes exactly the four SQL tools, all read-only, idempotent and closed-world', async () => {
    const { tools } = await kit.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['get_top_customers', 'sql_describe_table', 'sql_list_tables', 'sql_query']);
    for (const tool of tools) {
      expect(tool.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    }
    const sqlQuery = tools.find((tool) => tool.name === 'sql_query');
    expect(sqlQuery?.inputSchema).toMatchObject({
      required: ['sql'],
      properties: {
        params: { type: 'array', maxItems: 100, items: { type: ['string', 'number', 'boolean', 'null'] }, default: [] },
        max_rows: { type: 'integer', minimum: 1 },
      },
    });
  });

  describe('get_top_customers', () => {
    it('ranks by total descending, equal totals by name, totals as exact two-decimal strings', async () => {
      const top = resultOf<{ customers: Ranked[]; limit: number; offset: number; total_count: number }>(
        await call('get_top_customers', { limit: 1000 }),
      );
      expect(ranking.length).toBeGreaterThan(100);
      expect(top.customers).toEqual(ranking);
      expect(top).toMatchObject({ limit: 1000, offset: 0, total_count: ranking.length });
      for (const customer of top.customers) expect(customer.total).toMatch(/^\d+\.\d{2}$/);
    });

    it('defaults to the first 10', async () => {
      const top = resultOf<{ customers: Ranked[]; limit: number; offset: number }>(await call('get_top_customers', {}));
      expect(top).toMatchObject({ limit: 10, offset: 0 });
      expect(top.customers).toEqual(ranking.slice(0, 10));
    });

    it('pages without overlap; the pages concatenate to the top of the ranking', async () => {
      const pages: Ranked[][] = [];
      for (const offset of [0, 7, 14]) {
        pages.push(resultOf<{ customers: Ranked[] }>(await call('get_top_customers', { limit: 7, offset })).customers);
      }
      expect(pages.map((page) => page.length)).toEqual([7, 7, 7]);
      expect(pages.flat()).toEqual(ranking.slice(0, 21));
      expect(new Set(pages.flat().map((customer) => customer.name)).size).toBe(21);
    });

    it('answers an empty page past the end, still with total_count', async () => {
      const page = resultOf<{ customers: Ranked[]; total_count: number }>(
        await call('get_top_customers', { limit: 5, offset: ranking.length }),
      );
      expect(page).toEqual({ customers: [], limit: 5, offset: ranking.length, total_count: ranking.length });
      const last = resultOf<{ customers: Ranked[] }>(await call('get_top_customers', { limit: 5, offset: ranking.length - 2 }));
      expect(last.customers).toEqual(ranking.slice(-2));
    });

    it.each([
      [{ limit: 0 }, 'limit', 'must not be less than 1'],
      [{ limit: 1001 }, 'limit', 'must not be greater than 1000'],
      [{ limit: -1 }, 'limit', 'must not be less than 1'],
      [{ offset: -1 }, 'offset', 'must not be less than 0'],
      [{ limit: 2.5 }, 'limit', 'must be an integer number'],
    ])('refuses %j as invalid, naming %s', async (args, field, message) => {
      expect(errorOf(await call('get_top_customers', args))).toMatchObject({
        status: 'invalid',
        issues: [{ field, message }],
      });
    });
  });

  describe('sql_list_tables and sql_describe_table', () => {
    it('lists the sample tables of the allowed schema', async () => {
      for (const args of [{}, { schema: 'public' }]) {
        const list = resultOf<{ tables: { schema: string; name: string; kind: string; row_estimate?: number }[]; truncated: boolean }>(
          await call('sql_list_tables', args),
        );
        expect(list.truncated).toBe(false);
        expect(list.tables).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ schema: 'public', name: 'customers', kind: 'table' }),
            expect.objectContaining({ schema: 'public', name: 'orders', kind: 'table' }),
          ]),
        );
        expect(list.tables.every((table) => table.schema === 'public')).toBe(true);
      }
    });

    it('describes customers: columns, types, nullability, defaults, primary key, unique index', async () => {
      const table = resultOf<Record<string, unknown>>(await call('sql_describe_table', { table: 'customers' }));
      expect(table).toMatchObject({
        schema: 'public',
        name: 'customers',
        kind: 'table',
        primary_key: ['id'],
        foreign_keys: [],
        columns: [
          { name: 'id', type: 'integer', nullable: false, default: "nextval('customers_id_seq'::regclass)" },
          { name: 'name', type: 'text', nullable: false },
          { name: 'email', type: 'text', nullable: false },
          { name: 'created_at', type: 'timestamp with time zone', nullable: false, default: 'now()' },
        ],
      });
      const indexes = table.indexes as { name: string; definition: string; unique: boolean; primary: boolean }[];
      expect(indexes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'customers_pkey', unique: true, primary: true }),
          expect.objectContaining({ name: 'customers_email_key', unique: true, primary: false }),
        ]),
      );
      const estimate = table.row_estimate;
      expect(estimate === undefined || typeof estimate === 'number').toBe(true);
    });

    it('describes orders with its foreign key to customers and its index', async () => {
      const table = resultOf<Record<string, unknown>>(await call('sql_describe_table', { table: 'orders', schema: 'public' }));
      expect(table).toMatchObject({
        name: 'orders',
        primary_key: ['id'],
        foreign_keys: [
          {
            name: 'orders_customer_id_fkey',
            columns: ['customer_id'],
            referenced_schema: 'public',
            referenced_table: 'customers',
            referenced_columns: ['id'],
          },
        ],
      });
      expect(table.columns).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'amount', type: 'numeric(12,2)', nullable: false })]),
      );
      expect(table.indexes).toEqual(
        expect.arrayContaining([
          {
            name: 'orders_customer_id_idx',
            definition: 'CREATE INDEX orders_customer_id_idx ON public.orders USING btree (customer_id)',
            unique: false,
            primary: false,
          },
          expect.objectContaining({ name: 'orders_pkey', primary: true }),
        ]),
      );
    });

    it.each([
      ['sql_list_tables', { schema: 'pg_catalog' }],
      ['sql_list_tables', { schema: 'secret' }],
      ['sql_describe_table', { table: 'pg_authid', schema: 'pg_catalog' }],
      ['sql_describe_table', { table: 'tables', schema: 'information_schema' }],
    ])('%s refuses a schema outside SQL_ALLOWED_SCHEMAS: %j', async (tool, args) => {
      expect(errorOf(await call(tool, args))).toMatchObject({
        status: 'invalid',
        issues: [{ field: 'schema', message: 'must be one of the allowed schemas: public' }],
      });
    });

    it('answers not_found for a table that does not exist (or lives outside the allowed schemas)', async () => {
      for (const table of ['no_such_table', 'pg_class', 'Customers']) {
        expect(errorOf(await call('sql_describe_table', { table }))).toMatchObject({
          status: 'not_found',
          error: `Table ${table} does not exist in schema public`,
        });
      }
    });
  });

  describe('sql_query', () => {
    const query = async (sql: string, params: unknown[] = [], extra: Record<string, unknown> = {}): Promise<QueryResult> =>
      resultOf<QueryResult>(await call('sql_query', { sql, params, ...extra }));

    it('runs a CTE with a window function, with $1::int and $2::text parameters', async () => {
      const result = await query(
        `WITH spend AS (
           SELECT c.name, sum(o.amount) AS total, count(*) AS orders
           FROM customers c JOIN orders o ON o.customer_id = c.id
           WHERE c.name <> $2::text
           GROUP BY c.id, c.name
         )
         SELECT name, total, orders, rank() OVER (ORDER BY total DESC, name COLLATE "C") AS place
         FROM spend ORDER BY place LIMIT $1::int`,
        [3, 'nobody'],
      );
      expect(result.columns).toEqual([
        { name: 'name', type: 'text' },
        { name: 'total', type: 'numeric' },
        { name: 'orders', type: 'int8' },
        { name: 'place', type: 'int8' },
      ]);
      expect(result.rows.map((row) => [row.name, row.total, row.place])).toEqual(
        ranking.slice(0, 3).map((customer, index) => [customer.name, customer.total, String(index + 1)]),
      );
      expect(typeof result.rows[0].orders).toBe('string'); // int8 stays exact, as a string
      expect(result).toMatchObject({ row_count: 3, truncated: false });
    });

    it('runs GROUPING SETS, TABLESAMPLE and IS DISTINCT FROM', async () => {
      const grouped = await query(
        `SELECT date_part('year', created_at)::int AS year, count(*)::int AS orders
         FROM orders GROUP BY GROUPING SETS ((date_part('year', created_at)), ())
         ORDER BY year NULLS LAST`,
      );
      expect(grouped.rows.map((row) => row.year)).toEqual([2024, 2025, null]);
      expect(grouped.rows[2].orders).toBe(5000);
      expect((grouped.rows[0].orders as number) + (grouped.rows[1].orders as number)).toBe(5000);

      const sampled = await query('SELECT count(*)::int AS n FROM orders TABLESAMPLE SYSTEM (100) REPEATABLE (7)');
      expect(sampled.rows).toEqual([{ n: 5000 }]);

      const distinct = await query(
        'SELECT count(*)::int AS n FROM customers WHERE email IS DISTINCT FROM $1 AND $2::boolean IS NOT DISTINCT FROM true',
        ['customer1@example.com', true],
      );
      expect(distinct.rows).toEqual([{ n: 499 }]);
    });

    it('answers values JSON-safe and column names unique', async () => {
      const result = await query(
        `SELECT 9007199254740993::int8 AS big, 1.10::numeric(5,2) AS exact, 0.5::float8 AS ratio, 'NaN'::float8 AS nan,
                '2024-02-29 13:14:15.123456+00'::timestamptz AT TIME ZONE 'UTC' AS at, '2024-02-29'::date AS day,
                '\\xdeadbeef'::bytea AS raw, '{"a": [1, 2]}'::jsonb AS doc, ARRAY[1, 2]::int4[] AS list,
                NULL::text AS nothing, 1 AS x, 2 AS x, true AS "__proto__"`,
      );
      expect(result.rows).toEqual([
        {
          big: '9007199254740993',
          exact: '1.10',
          ratio: 0.5,
          nan: 'NaN',
          at: '2024-02-29 13:14:15.123456',
          day: '2024-02-29',
          raw: '\\xdeadbeef',
          doc: { a: [1, 2] },
          list: [1, 2],
          nothing: null,
          x: 1,
          x_2: 2,
          __proto___2: true, // a JavaScript client cannot hold a `__proto__` key reliably
        },
      ]);
      expect(result.columns.map((column) => `${column.name}:${column.type}`)).toEqual([
        'big:int8',
        'exact:numeric',
        'ratio:float8',
        'nan:float8',
        'at:timestamp',
        'day:date',
        'raw:bytea',
        'doc:jsonb',
        'list:_int4',
        'nothing:text',
        'x:int4',
        'x_2:int4',
        '__proto___2:bool',
      ]);
    });

    it('stops a 100-million-row result at max_rows, fast, without the process growing with it', async () => {
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const result = await query('SELECT generate_series(1, 100000000) AS n', [], { max_rows: 10 });
      const ms = performance.now() - started;
      expect(result.rows.map((row) => row.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(result).toMatchObject({ row_count: 10, truncated: true });
      expect(ms).toBeLessThan(2_000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    });

    it('answers exactly max_rows rows without truncated when there are exactly that many', async () => {
      const result = await query('SELECT generate_series(1, 5) AS n', [], { max_rows: 5 });
      expect(result).toMatchObject({ row_count: 5, truncated: false });
    });

    it('applies SQL_DEFAULT_MAX_ROWS (100) and refuses max_rows above SQL_MAX_ROWS_LIMIT (1000)', async () => {
      expect(await query('SELECT generate_series(1, 1000) AS n')).toMatchObject({ row_count: 100, truncated: true });
      expect(await query('SELECT generate_series(1, 2000) AS n', [], { max_rows: 1000 })).toMatchObject({
        row_count: 1000,
        truncated: true,
      });
      expect(errorOf(await call('sql_query', { sql: 'SELECT 1', max_rows: 1001 }))).toMatchObject({
        status: 'invalid',
        issues: [{ field: 'max_rows', message: 'must not be greater than 1000' }],
      });
    });

    it.each([
      ['SELECT $1::int + $2::int', [1], 'must hold 2 value(s), one for each of $1 to $2; got 1'],
      ['SELECT 1', [1], 'must hold no values (the query has no $n placeholders); got 1'],
      ['SELECT $3::int', [1, 2], 'must hold 3 value(s), one for each of $1 to $3; got 2'],
    ])('refuses %s with params %j: invalid naming params', async (sql, params, message) => {
      expect(errorOf(await call('sql_query', { sql, params }))).toMatchObject({
        status: 'invalid',
        issues: [{ field: 'params', message }],
      });
    });

    it('runs a statement that empty statements precede (";SELECT …"), as the guard parsed it', async () => {
      expect((await query(';SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      expect((await query('/* lead */ ;; SELECT $1::int AS two;', [2])).rows).toEqual([{ two: 2 }]);
    });

    it('refuses params that are not JSON scalars', async () => {
      expect(errorOf(await call('sql_query', { sql: 'SELECT $1', params: [{ a: 1 }] }))).toMatchObject({
        status: 'invalid',
        issues: [{ field: 'params', message: expect.stringContaining('must be a string') }],
      });
    });

    it.each([
      ['SELECT * FROM no_such_table', 'SQLSTATE 42P01: relation "no_such_table" does not exist (at character 15)'],
      ['SELECT nope FROM customers', 'SQLSTATE 42703: column "nope" does not exist (at character 8)'],
      ['SELECT 1 / 0', 'SQLSTATE 22012: division by zero'],
      ["SELECT 'x'::int", 'SQLSTATE 22P02: invalid input syntax for type integer: "x" (at character 8)'],
      ['/* é */ ;; SELECT nope FROM customers', 'SQLSTATE 42703: column "nope" does not exist (at character 19)'],
    ])('answers the PostgreSQL error of %s as invalid with its SQLSTATE', async (sql, message) => {
      const body = errorOf(await call('sql_query', { sql }));
      expect(body).toMatchObject({ status: 'invalid', issues: [{ field: 'sql', message }] });
    });

    it('records db_query_duration_seconds by tool', async () => {
      await query('SELECT 1 AS one');
      const text = await register.getSingleMetricAsString('db_query_duration_seconds');
      expect(text).toMatch(/db_query_duration_seconds_count\{tool="sql_query"\} [1-9]/);
      expect(text).toMatch(/db_query_duration_seconds_count\{tool="get_top_customers"\} [1-9]/);
      expect(text).toMatch(/db_query_duration_seconds_count\{tool="sql_describe_table"\} [1-9]/);
    });
  });
});

describe('SQL tools with SQL_READONLY_URL (a pool of their own)', () => {
  let kit: McpTestKit;

  beforeAll(async () => {
    // The test server offers one role; what matters here is the separate pool, its boot check and its shutdown.
    kit = await createMcpTestKit({ imports: [DatabaseModule, SqlToolsModule], env: { SQL_READONLY_URL: TEST_DB_URL } });
  }, 60_000);
  afterAll(() => kit?.close());

  it('runs sql_query and the schema tools on its own pool, and checks the role at boot', async () => {
    const executorPool = (kit.app.get(SqlReadOnlyExecutor) as unknown as { pool: Pool }).pool;
    const mainPool = (kit.app.get(DataSource).driver as PostgresDriver).master as Pool;
    expect(executorPool).not.toBe(mainPool);

    const result = resultOf<QueryResult>(await kit.client.callTool({ name: 'sql_query', arguments: { sql: 'SELECT current_user AS role' } }));
    expect(result.rows).toEqual([{ role: new URL(TEST_DB_URL).username }]);
    expect(executorPool.totalCount).toBeGreaterThan(0);
    resultOf(await kit.client.callTool({ name: 'sql_describe_table', arguments: { table: 'orders' } }));

    const check = kit.logs.entries().find((entry) => String(entry.msg).startsWith('the SQL tools connect as'));
    expect(check).toMatchObject({ msg: 'the SQL tools connect as a role without superuser', separate_url: true });
    expect(kit.logs.text).not.toContain(TEST_DB_URL); // never the URL with its password
  });
});
