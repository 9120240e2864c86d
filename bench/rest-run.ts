// `npm run bench:rest`: get_customer through the full MCP stack (auth, rate limit, logs, metrics, invoker,
// the pooled and retried upstream client) against a direct axios call (keep-alive agent) to the same local
// upstream (examples/customers-upstream.mjs as a child process), same run, interleaved rounds.
// See bench/README.md ("REST tools").
//
// Environment: BENCH_ROUNDS=5, BENCH_SECONDS=3, BENCH_CONNECTIONS=32.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import axios from 'axios';
import { checkToolCall, closedLoop, compare, freePort, ROOT, startOurServer, table, toolCallBody, viaMcp, waitForHttp } from './bench-kit';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

async function main(): Promise<void> {
  const upstreamPort = await freePort();
  const upstream = spawn(process.execPath, [path.join(ROOT, 'examples', 'customers-upstream.mjs')], {
    env: { PATH: process.env.PATH, PORT: String(upstreamPort), QUIET: '1' },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${upstreamPort}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rest-'));
  try {
    await waitForHttp(`${base}/health`, upstream);
    const port = await freePort();
    const server = await startOurServer(port, dir, { API_BASE_URL: base, API_MAX_CONNECTIONS: String(CONNECTIONS) });
    const direct = axios.create({ baseURL: base, httpAgent: new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS }) });
    try {
      const body = toolCallBody('get_customer', { customer_id: 7 });
      await checkToolCall(port, body);
      const row = await compare(
        'get_customer',
        () => viaMcp(port, body, CONNECTIONS),
        () => closedLoop(() => direct.get('/customers/7'), CONNECTIONS),
      );
      process.stdout.write(table(CONNECTIONS, [row], 'p50 overhead <= 1 ms and no throughput collapse at 32 connections.'));
    } finally {
      server.kill('SIGTERM');
    }
  } finally {
    upstream.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:rest failed: ${(error as Error).message}\n`);
  process.exit(1);
});
