// `npm run bench:sql`: the SQL tools through the full MCP stack (POST /mcp tools/call: auth, rate limit, logs,
// metrics, invoker, guard, read-only transaction) against the same SQL text sent by a raw `pg` Pool, same
// database, same run, interleaved rounds. See bench/README.md ("SQL tools").
//
// Environment: BENCH_DB_URL (default TEST_DB_URL or the local test database), BENCH_ROUNDS=5, BENCH_SECONDS=3,
// BENCH_CONNECTIONS=16.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { checkToolCall, closedLoop, compare, freePort, ROOT, startOurServer, table, toolCallBody, viaMcp } from './bench-kit';

const DB_URL = process.env.BENCH_DB_URL ?? process.env.TEST_DB_URL ?? 'postgres://mcp:mcp@127.0.0.1:5432/mcp_test';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const LOOKUP_SQL = 'SELECT id, name, email, created_at FROM customers WHERE id = $1';

async function main(): Promise<void> {
  // The exact SQL get_top_customers sends, taken from the build, so the raw client runs the same text.
  const repository = path.join(ROOT, 'dist', 'tools', 'sql', 'customers.repository.js');
  const { TOP_CUSTOMERS_SQL } = (await import(repository)) as { TOP_CUSTOMERS_SQL: string };
  const cases = [
    { name: 'get_top_customers', body: toolCallBody('get_top_customers', { limit: 10 }), sql: TOP_CUSTOMERS_SQL, params: [10, 0] },
    { name: 'sql_query (lookup by id)', body: toolCallBody('sql_query', { sql: LOOKUP_SQL, params: [42] }), sql: LOOKUP_SQL, params: [42] },
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sql-'));
  const port = await freePort();
  const server = await startOurServer(port, dir, { DB_URL });
  const pool = new Pool({ connectionString: DB_URL, max: CONNECTIONS });
  try {
    const rows: string[] = [];
    for (const test of cases) {
      await checkToolCall(port, test.body);
      rows.push(
        await compare(
          test.name,
          () => viaMcp(port, test.body, CONNECTIONS),
          () => closedLoop(() => pool.query({ text: test.sql, values: test.params }), CONNECTIONS),
        ),
      );
    }
    process.stdout.write(table(CONNECTIONS, rows, 'p50 overhead <= 1 ms, throughput >= 0.70 of raw pg at 16 connections.'));
  } finally {
    await pool.end();
    server.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:sql failed: ${(error as Error).message}\n`);
  process.exit(1);
});
