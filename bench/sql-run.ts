// `npm run bench:sql` (= `nest build && tsc -p bench/tsconfig.json && node dist/bench/sql-run.js`): the SQL
// tools through the full MCP stack (POST /mcp tools/call, auth, rate limit, logs, metrics, invoker, guard,
// read-only transaction) against the same query sent by a raw `pg` client, same database, same run,
// 16 concurrent callers each. Rounds are interleaved. See bench/README.md ("SQL tools").
//
// Environment: BENCH_DB_URL (default TEST_DB_URL or the local test database), BENCH_ROUNDS=5,
// BENCH_SECONDS=3, BENCH_CONNECTIONS=16.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { Pool } from 'pg';

const ROOT = path.resolve(__dirname, '..', '..');
const DB_URL = process.env.BENCH_DB_URL ?? process.env.TEST_DB_URL ?? 'postgres://mcp:mcp@127.0.0.1:5432/mcp_test';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const KEY = randomBytes(24).toString('base64url');

const LOOKUP_SQL = 'SELECT id, name, email, created_at FROM customers WHERE id = $1';

interface Case {
  readonly name: string;
  readonly tool: string;
  readonly arguments: Record<string, unknown>;
  readonly sql: string;
  readonly params: unknown[];
}

/** The exact SQL get_top_customers sends, taken from the build, so the raw client runs the same text. */
async function cases(): Promise<Case[]> {
  const repository = path.join(ROOT, 'dist', 'tools', 'sql', 'customers.repository.js');
  const { TOP_CUSTOMERS_SQL } = (await import(repository)) as { TOP_CUSTOMERS_SQL: string };
  return [
    { name: 'get_top_customers', tool: 'get_top_customers', arguments: { limit: 10 }, sql: TOP_CUSTOMERS_SQL, params: [10, 0] },
    { name: 'sql_query (lookup by id)', tool: 'sql_query', arguments: { sql: LOOKUP_SQL, params: [42] }, sql: LOOKUP_SQL, params: [42] },
  ];
}

interface Sample {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const log = (message: string): boolean => process.stderr.write(`[bench:sql] ${message}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startServer(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'main.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DB_URL,
      API_KEY_PRIMARY: KEY,
      RATE_LIMIT_RPM: '1000000',
      LOG_LEVEL: 'info',
      LOG_OUTPUT: 'file',
      LOG_FILE: path.join(dir, 'server.log'),
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i += 1) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

function mcpBody(test: Case): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: test.tool, arguments: test.arguments } });
}

const HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2025-11-25',
  Authorization: `Bearer ${KEY}`,
};

async function viaMcp(port: number, test: Case): Promise<Sample> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/mcp`,
    method: 'POST',
    headers: HEADERS,
    body: mcpBody(test),
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${test.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function viaPg(pool: Pool, test: Case): Promise<Sample> {
  const latencies: number[] = [];
  const until = Date.now() + SECONDS * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < until) {
      const started = process.hrtime.bigint();
      await pool.query({ text: test.sql, values: test.params });
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const sorted = latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / SECONDS,
    p50: sorted[Math.floor(sorted.length * 0.5)],
    p99: sorted[Math.floor(sorted.length * 0.99)],
  };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sql-'));
  const port = await freePort();
  const server = await startServer(port, dir);
  const pool = new Pool({ connectionString: DB_URL, max: CONNECTIONS });
  const CASES = await cases();
  try {
    for (const test of CASES) {
      const check = await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', headers: HEADERS, body: mcpBody(test) });
      const text = await check.text();
      if (!check.ok || text.includes('"isError":true')) throw new Error(`${test.name} does not answer: ${text.slice(0, 300)}`);
      await viaMcp(port, test);
      await viaPg(pool, test);
    }
    const rows: string[] = [];
    for (const test of CASES) {
      const ours: Sample[] = [];
      const raw: Sample[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const order = round % 2 === 0 ? ['mcp', 'pg'] : ['pg', 'mcp'];
        for (const side of order) {
          if (side === 'mcp') ours.push(await viaMcp(port, test));
          else raw.push(await viaPg(pool, test));
        }
        log(`${test.name} round ${round + 1}/${ROUNDS}: mcp ${ours.at(-1)?.perSecond.toFixed(0)}/s, pg ${raw.at(-1)?.perSecond.toFixed(0)}/s`);
      }
      const ratios = ours.map((sample, i) => sample.perSecond / raw[i].perSecond);
      const m = (samples: Sample[], key: keyof Sample): number => median(samples.map((sample) => sample[key]));
      rows.push(
        `| ${test.name} | ${m(ours, 'perSecond').toFixed(0)} | ${m(raw, 'perSecond').toFixed(0)} | **${median(ratios).toFixed(2)}** | ` +
          `${m(ours, 'p50').toFixed(2)} | ${m(raw, 'p50').toFixed(2)} | **${(m(ours, 'p50') - m(raw, 'p50')).toFixed(2)}** | ${m(ours, 'p99').toFixed(1)} | ${m(raw, 'p99').toFixed(1)} |`,
      );
    }
    process.stdout.write(
      `\n${CONNECTIONS} concurrent callers, ${ROUNDS} interleaved rounds x ${SECONDS}s, medians; load average ${os.loadavg()[0].toFixed(1)}; Node ${process.version}.\n\n` +
        '| tool | MCP req/s | raw pg q/s | MCP / pg (median of per-round ratios) | MCP p50 ms | pg p50 ms | p50 overhead ms | MCP p99 ms | pg p99 ms |\n' +
        '|---|--:|--:|--:|--:|--:|--:|--:|--:|\n' +
        `${rows.join('\n')}\n\nTarget: p50 overhead <= 1 ms, throughput >= 0.70 of raw pg at 16 connections.\n`,
    );
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
