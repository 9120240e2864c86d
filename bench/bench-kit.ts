// Shared pieces of the tool benchmarks (sql-run.ts, rest-run.ts): our server as a child process, MCP calls
// under autocannon, a closed-loop driver for the direct baseline, and the report table.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
export const KEY = randomBytes(24).toString('base64url');

export interface Sample {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
export const log = (name: string, message: string): boolean => process.stderr.write(`[${name}] ${message}\n`);

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${url} did not answer`);
}

/** `node dist/main.js` in `dir` with logs to a file, a high rate limit and our key, plus `env`. */
export async function startOurServer(port: number, dir: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'main.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      API_KEY_PRIMARY: KEY,
      RATE_LIMIT_RPM: '1000000',
      LOG_LEVEL: 'info',
      LOG_OUTPUT: 'file',
      LOG_FILE: path.join(dir, 'server.log'),
      ...env,
    },
    stdio: 'ignore',
  });
  await waitForHttp(`http://127.0.0.1:${port}/health/live`, child);
  return child;
}

export const MCP_HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2025-11-25',
  Authorization: `Bearer ${KEY}`,
};

export const toolCallBody = (tool: string, args: Record<string, unknown>): string =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: args } });

/** Fails unless one call answers 200 without an error result. */
export async function checkToolCall(port: number, body: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', headers: MCP_HEADERS, body });
  const text = await res.text();
  if (!res.ok || text.includes('"isError":true')) throw new Error(`tool call failed: ${text.slice(0, 300)}`);
}

/** POST /mcp with `body` from `connections` closed-loop callers for SECONDS. */
export async function viaMcp(port: number, body: string, connections: number): Promise<Sample> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/mcp`,
    method: 'POST',
    headers: MCP_HEADERS,
    body,
    connections,
    duration: SECONDS,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** `call` from `connections` closed-loop callers in this process for SECONDS. */
export async function closedLoop(call: () => Promise<unknown>, connections: number): Promise<Sample> {
  const latencies: number[] = [];
  const until = Date.now() + SECONDS * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < until) {
      const started = process.hrtime.bigint();
      await call();
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const sorted = latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / SECONDS, p50: sorted[Math.floor(sorted.length * 0.5)], p99: sorted[Math.floor(sorted.length * 0.99)] };
}

/** Interleaved rounds of `ours` and `direct`; one markdown row with medians and the per-round ratio. */
export async function compare(name: string, ours: () => Promise<Sample>, direct: () => Promise<Sample>): Promise<string> {
  const a: Sample[] = [];
  const b: Sample[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    if (round % 2 === 0) {
      a.push(await ours());
      b.push(await direct());
    } else {
      b.push(await direct());
      a.push(await ours());
    }
    log('bench', `${name} round ${round + 1}/${ROUNDS}: mcp ${a.at(-1)?.perSecond.toFixed(0)}/s, direct ${b.at(-1)?.perSecond.toFixed(0)}/s`);
  }
  const m = (samples: Sample[], key: keyof Sample): number => median(samples.map((sample) => sample[key]));
  const ratio = median(a.map((sample, i) => sample.perSecond / b[i].perSecond));
  return (
    `| ${name} | ${m(a, 'perSecond').toFixed(0)} | ${m(b, 'perSecond').toFixed(0)} | **${ratio.toFixed(2)}** | ` +
    `${m(a, 'p50').toFixed(2)} | ${m(b, 'p50').toFixed(2)} | **${(m(a, 'p50') - m(b, 'p50')).toFixed(2)}** | ${m(a, 'p99').toFixed(1)} | ${m(b, 'p99').toFixed(1)} |`
  );
}

export function table(connections: number, rows: string[], target: string): string {
  return (
    `\n${connections} concurrent callers, ${ROUNDS} interleaved rounds x ${SECONDS}s, medians; load average ${os.loadavg()[0].toFixed(1)}; Node ${process.version}.\n\n` +
    '| call | MCP req/s | direct /s | MCP / direct (median of per-round ratios) | MCP p50 ms | direct p50 ms | p50 overhead ms | MCP p99 ms | direct p99 ms |\n' +
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|\n' +
    `${rows.join('\n')}\n\nTarget: ${target}\n`
  );
}
