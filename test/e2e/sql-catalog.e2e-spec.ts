import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { seedSampleData } from '../../src/platform/database/sample-data';
import { McpModule } from '../../src/platform/mcp/mcp.module';
import { DiagnosticsModule } from '../../src/tools/diagnostics/diagnostics.module';
import { SqlCatalogRegistrar } from '../../src/tools/sql/sql-catalog.registrar';
import { SqlQueryResult } from '../../src/tools/sql/sql-query-result.interface';
import { SqlReadOnlyExecutor } from '../../src/tools/sql/sql-readonly.executor';
import { SqlConfig } from '../../src/tools/sql/sql.config';
import { ExtensionFunctionsRepository } from '../../src/tools/sql/extension-functions.repository';
import { SqlGuardFactory } from '../../src/tools/sql/sql-guard.factory';
import { sqlGuardProvider } from '../../src/tools/sql/sql-guard.provider';
import { sqlMetrics } from '../../src/tools/sql/sql.metrics';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { errorOf } from '../support/tool-results';

/**
 * The named-query catalog booted for real: the registrar and the read-only executor in a module of their
 * own (as the SQL module will hold them), on the test PostgreSQL with the sample data, called through a
 * real MCP client.
 */
@Module({
  imports: [McpModule],
  providers: [SqlConfig, ExtensionFunctionsRepository, SqlGuardFactory, sqlGuardProvider, ...sqlMetrics, SqlReadOnlyExecutor, SqlCatalogRegistrar],
})
class SqlCatalogTestModule {}

/**
 * The registrar alone (it then creates its own SqlGuard), with an executor that must never be reached: for
 * boots that are meant to fail, without a database.
 */
@Module({
  imports: [McpModule],
  providers: [
    SqlCatalogRegistrar,
    {
      provide: SqlReadOnlyExecutor,
      useValue: {
        run: (): never => {
          throw new Error('no query expected');
        },
      },
    },
  ],
})
class SqlCatalogWithoutDatabaseModule {}

const EXAMPLE_FILE = 'examples/queries.yaml';

const resultOf = (result: unknown): SqlQueryResult => {
  expect((result as { isError?: boolean }).isError).toBeFalsy();
  return (result as { structuredContent: SqlQueryResult }).structuredContent;
};

describe('SQL named-query catalog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sql-catalog-'));
  /** Writes a catalog into the test's temporary directory and returns its path. */
  const writeCatalog = (name: string, yaml: string): string => {
    const file = join(dir, name);
    writeFileSync(file, yaml);
    return file;
  };

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('the example catalog through a real MCP client', () => {
    let kit: McpTestKit;
    let db: DataSource;

    beforeAll(async () => {
      kit = await createMcpTestKit({ imports: [DatabaseModule, SqlCatalogTestModule], env: { SQL_QUERIES_FILE: EXAMPLE_FILE } });
      db = kit.app.get(DataSource);
      await seedSampleData(db);
    }, 60_000);
    afterAll(() => kit?.close());

    it('lists both queries as read-only tools and logs where each came from', async () => {
      const { tools } = await kit.client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(['monthly_revenue', 'orders_by_customer']);
      for (const tool of tools) {
        expect(tool.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
      }
      expect(tools.find((tool) => tool.name === 'orders_by_customer')).toMatchObject({
        title: 'Orders of one customer',
        description: expect.stringMatching(/^Lists one customer's orders/),
      });
      const messages = kit.logs.entries().map((entry) => entry.msg);
      expect(messages).toEqual(
        expect.arrayContaining([
          `SQL catalog ${EXAMPLE_FILE}#orders_by_customer -> orders_by_customer`,
          `SQL catalog ${EXAMPLE_FILE}#monthly_revenue -> monthly_revenue`,
        ]),
      );
      expect(kit.logs.entries().find((entry) => entry.msg === 'SQL catalog loaded')).toMatchObject({ file: EXAMPLE_FILE, tools: 2 });
    });

    it('gives each tool a typed input schema: integer bounds, date formats, defaults, required', async () => {
      const { tools } = await kit.client.listTools();
      const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
      expect(byName.orders_by_customer.inputSchema).toEqual({
        type: 'object',
        properties: {
          customer_id: { type: 'integer', minimum: 1, description: 'Id of the customer' },
          since: { type: 'string', format: 'date', default: '2024-01-01', description: 'Only orders placed on or after this day (YYYY-MM-DD)' },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50, description: 'How many orders to return at most' },
        },
        required: ['customer_id'],
        additionalProperties: false,
      });
      expect(byName.monthly_revenue.inputSchema).toMatchObject({
        properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } },
        required: ['from', 'to'],
        additionalProperties: false,
      });
      expect(byName.monthly_revenue.outputSchema).toMatchObject({
        properties: {
          columns: { type: 'array', items: { $ref: '#/$defs/SqlResultColumn' } },
          rows: { type: 'array', items: { type: 'object' } },
          row_count: { type: 'integer' },
          truncated: { type: 'boolean' },
        },
        required: ['columns', 'rows', 'row_count', 'truncated'],
      });
    });

    it('orders_by_customer answers the customer\'s orders, newest first, with the defaults applied', async () => {
      const expected = (await db.query(
        `SELECT id FROM orders WHERE customer_id = 1 AND created_at >= '2024-01-01' ORDER BY created_at DESC, id DESC LIMIT 50`,
      )) as { id: number }[];
      expect(expected.length).toBeGreaterThan(3);
      const result = resultOf(await kit.client.callTool({ name: 'orders_by_customer', arguments: { customer_id: 1 } }));
      expect(result.columns).toEqual([
        { name: 'id', type: 'int4' },
        { name: 'amount', type: 'numeric' },
        { name: 'created_at', type: 'timestamptz' },
      ]);
      expect(result.rows.map((row) => row.id)).toEqual(expected.map((row) => row.id));
      expect(result).toMatchObject({ row_count: expected.length, truncated: false });
      expect(typeof result.rows[0].amount).toBe('string'); // numeric keeps its precision
    });

    it('binds every argument: limit and since change the answer', async () => {
      const three = resultOf(await kit.client.callTool({ name: 'orders_by_customer', arguments: { customer_id: 1, limit: 3 } }));
      expect(three.row_count).toBe(3);
      const [{ count }] = (await db.query(`SELECT count(*)::int AS count FROM orders WHERE customer_id = 2 AND created_at >= '2025-07-01'`)) as {
        count: number;
      }[];
      const recent = resultOf(
        await kit.client.callTool({ name: 'orders_by_customer', arguments: { customer_id: 2, since: '2025-07-01', limit: 500 } }),
      );
      expect(recent.row_count).toBe(count);
      for (const row of recent.rows) expect(String(row.created_at) >= '2025-07-01').toBe(true);
    });

    it('monthly_revenue sums orders per month over the range', async () => {
      const expected = (await db.query(
        `SELECT count(*)::int AS orders, sum(amount)::text AS revenue FROM orders WHERE created_at >= '2024-01-01'::date AND created_at < '2025-01-01'::date`,
      )) as { orders: number; revenue: string }[];
      const result = resultOf(await kit.client.callTool({ name: 'monthly_revenue', arguments: { from: '2024-01-01', to: '2025-01-01' } }));
      expect(result.columns.map((column) => column.name)).toEqual(['month', 'orders', 'revenue']);
      expect(result.rows.map((row) => row.month)).toEqual(Array.from({ length: 12 }, (_, m) => `2024-${String(m + 1).padStart(2, '0')}-01`));
      expect(result.rows.reduce((sum, row) => sum + Number(row.orders), 0)).toBe(expected[0].orders);
      expect(result.rows.reduce((sum, row) => sum + Number(row.revenue), 0)).toBeCloseTo(Number(expected[0].revenue), 2);
    });

    it.each<[string, Record<string, unknown>, { field: string; message: string }[]]>([
      ['limit above its maximum', { customer_id: 1, limit: 501 }, [{ field: 'limit', message: 'must not be greater than 500' }]],
      ['limit 0', { customer_id: 1, limit: 0 }, [{ field: 'limit', message: 'must not be less than 1' }]],
      ['customer_id below its minimum', { customer_id: 0 }, [{ field: 'customer_id', message: 'must not be less than 1' }]],
      ['a fractional customer_id', { customer_id: 1.5 }, [{ field: 'customer_id', message: 'must be an integer number' }]],
      ['a day that does not exist', { customer_id: 1, since: '2024-02-30' }, [{ field: 'since', message: 'must be a date written YYYY-MM-DD' }]],
      ['an unknown argument', { customer_id: 1, status: 'paid' }, [{ field: 'status', message: 'is not an accepted field' }]],
    ])('answers %s as invalid, naming the field', async (_what, args, issues) => {
      const result = await kit.client.callTool({ name: 'orders_by_customer', arguments: args });
      expect(result.isError).toBe(true);
      expect(errorOf(result)).toMatchObject({ status: 'invalid', issues });
    });

    it('answers a missing required argument as invalid', async () => {
      const result = await kit.client.callTool({ name: 'monthly_revenue', arguments: { from: '2024-01-01' } });
      expect(errorOf(result)).toMatchObject({ status: 'invalid', issues: expect.arrayContaining([{ field: 'to', message: 'must be a date written YYYY-MM-DD' }]) });
    });
  });

  describe('parameter types, NULL for an absent optional, and the row cap', () => {
    let kit: McpTestKit;

    beforeAll(async () => {
      const file = writeCatalog(
        'types.yaml',
        [
          'queries:',
          '  - name: catalog_probe',
          '    description: Sends every parameter type through PostgreSQL and back.',
          '    sql: |',
          "      SELECT :i::int4 AS i, :n::numeric AS n, :s::text AS s, :b::bool AS b, :d::date AS d,",
          "             :t::timestamptz AT TIME ZONE 'UTC' AS t, :o::int4 AS o, ':s::text' AS literal -- :s",
          '    parameters:',
          '      i: { type: integer, minimum: -5, maximum: 5 }',
          '      n: { type: number }',
          "      s: { type: string, enum: [\"it's\", plain] }",
          '      b: { type: boolean }',
          '      d: { type: date }',
          '      t: { type: timestamp }',
          '      o: { type: integer, optional: true }',
          '  - name: first_orders',
          '    description: The first orders by id.',
          '    sql: SELECT id FROM orders ORDER BY id LIMIT :n',
          '    parameters: { n: { type: integer, minimum: 1, maximum: 10 } }',
          '    max_rows: 2',
          '',
        ].join('\n'),
      );
      kit = await createMcpTestKit({ imports: [DatabaseModule, SqlCatalogTestModule], env: { SQL_QUERIES_FILE: file } });
      await seedSampleData(kit.app.get(DataSource));
    }, 60_000);
    afterAll(() => kit?.close());

    it('binds integer, number, string, boolean, date and timestamp values, and NULL for an absent optional', async () => {
      const result = resultOf(
        await kit.client.callTool({
          name: 'catalog_probe',
          arguments: { i: -5, n: 2.5, s: "it's", b: false, d: '2024-02-29', t: '2024-02-29T23:30:00+02:00' },
        }),
      );
      expect(result.rows).toEqual([{ i: -5, n: '2.5', s: "it's", b: false, d: '2024-02-29', t: '2024-02-29 21:30:00', o: null, literal: ':s::text' }]);
    });

    it('stops at max_rows and says the answer was truncated', async () => {
      const result = resultOf(await kit.client.callTool({ name: 'first_orders', arguments: { n: 5 } }));
      expect(result).toMatchObject({ row_count: 2, truncated: true });
      expect(result.rows).toHaveLength(2);
    });
  });

  describe('boot', () => {
    it('registers nothing when SQL_QUERIES_FILE is not set', async () => {
      const kit = await createMcpTestKit({ imports: [SqlCatalogWithoutDatabaseModule] });
      try {
        expect((await kit.client.listTools()).tools).toEqual([]);
      } finally {
        await kit.close();
      }
    });

    it('fails when the file is missing', async () => {
      await expect(createMcpTestKit({ imports: [SqlCatalogWithoutDatabaseModule], env: { SQL_QUERIES_FILE: 'examples/missing.yaml' } })).rejects.toThrow(
        'SQL catalog examples/missing.yaml (SQL_QUERIES_FILE) is invalid, 1 problem:\n' +
          '  - the file does not exist (a relative path is read from the working directory)',
      );
    });

    it('fails with one message listing every problem: an undeclared parameter, SQL the guard refuses, a bad name', async () => {
      const file = writeCatalog(
        'bad.yaml',
        [
          'queries:',
          '  - name: late_orders',
          '    description: Orders before a day.',
          '    sql: SELECT id FROM orders WHERE created_at < :until',
          '    parameters: { since: { type: date } }',
          '  - { name: wipe_orders, description: Empties the table., sql: DELETE FROM orders }',
          '  - { name: Orders-Total, description: Sum of all orders., sql: SELECT sum(amount) FROM orders }',
          '',
        ].join('\n'),
      );
      await expect(createMcpTestKit({ imports: [SqlCatalogWithoutDatabaseModule], env: { SQL_QUERIES_FILE: file } })).rejects.toThrow(
        `SQL catalog ${file} (SQL_QUERIES_FILE) is invalid, 4 problems:\n` +
          '  - queries[0] (late_orders): sql uses :until, which is not declared in parameters\n' +
          '  - queries[0] (late_orders): parameters.since is declared but the sql never uses :since\n' +
          '  - queries[1] (wipe_orders): sql is refused by the SQL guard: only SELECT statements are allowed (got DELETE)\n' +
          '  - queries[2] (Orders-Total): name must match ^[a-z][a-z0-9_]{0,63}$ (snake_case, at most 64 characters)',
      );
    });

    it('fails when a query takes the name of a decorated tool, naming both', async () => {
      const file = writeCatalog('echo.yaml', 'queries:\n  - { name: echo, description: Says one., sql: SELECT 1 AS one }\n');
      await expect(
        createMcpTestKit({ imports: [SqlCatalogWithoutDatabaseModule, DiagnosticsModule], env: { SQL_QUERIES_FILE: file } }),
      ).rejects.toThrow(`Duplicate MCP tool name "echo": declared by SQL catalog ${file}#echo and DiagnosticsTools.echo`);
    });
  });
});
