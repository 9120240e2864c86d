// `npm run bench` (= `nest build && tsc -p bench/tsconfig.json && node dist/bench/run.js`): throughput
// and latency of a `tools/call` of `echo` on POST /mcp, our full stack (dist/main.js: request id, pino-http, metrics
// middleware, auth guard, throttler, Origin guard, SDK v2 handler, ToolInvoker, audit line) against peers in the
// same run: MCP-Nest 2.0.5 (bench/mcp-nest-server.ts, the headline baseline), the SDK v2 stateless server
// (bench/bare-v2-server.ts) and the v1 SDK's stateless example (bench/bare-sdk-server.ts). Every server is a
// child process; autocannon runs in this one. Rounds are interleaved and their order rotated so that machine
// noise hits every target alike; the figures are ratios measured in the same run. See bench/README.md.
//
// Environment (all optional):
//   BENCH_ROUNDS=5        measured rounds (each round runs every target once, order rotated per round)
//   BENCH_SECONDS=3       seconds per target per round (and of the fixed-rate run)
//   BENCH_WARMUP=3        seconds of warm-up per target before the rounds
//   BENCH_CONNECTIONS=32  autocannon connections
//   BENCH_LOW_CONNECTIONS=1  after the rounds, one run per target with this many connections: latency
//                         without queueing (one agent calling in a loop); 0 skips it
//   BENCH_TARGETS=...     comma list of targets (see SERVERS below); default: all of them + the variants
//                         ours-traced: our server with tracing on (TRACE_SAMPLING_RATE=0.1) exporting OTLP/HTTP
//                         to a loopback sink in this process (bench/otlp-sink.ts); reported against ours
//   BENCH_VARIANTS=...    more instances of our server, each a target `var:<name>` sent the 2025-era
//                         request: `name:KEY=VALUE,KEY=VALUE;name2:...` (environment overrides), plus two
//                         special keys: NODE_ARGS=<node flags, space-separated> (e.g.
//                         `prof:NODE_ARGS=--cpu-prof --cpu-prof-dir=DIR`) and MAIN=<another build's main.js>
//   BENCH_MAIN=<file>     the main.js to run as `ours` (default: dist/main.js)
//   BENCH_KEEP_LOGS=1     keep the temporary directory with our servers' log files
//   BENCH_ENFORCE=1       exit 1 when the target (>= 2x MCP-Nest's throughput, p99 < 50 ms, <= 0.4 ms CPU per call) is missed
import { ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { OtlpSink, startOtlpSink } from './otlp-sink';

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = process.env.BENCH_MAIN ? path.resolve(process.env.BENCH_MAIN) : path.join(ROOT, 'dist', 'main.js');
const BARE = path.join(__dirname, 'bare-sdk-server.js');
const BARE_V2 = path.join(__dirname, 'bare-v2-server.js');
const MCP_NEST = path.join(__dirname, 'mcp-nest-server.js');

const ROUNDS = intFromEnv('BENCH_ROUNDS', 5);
const SECONDS = intFromEnv('BENCH_SECONDS', 3);
const WARMUP = intFromEnv('BENCH_WARMUP', 3);
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 32);
const LOW_CONNECTIONS = intFromEnv('BENCH_LOW_CONNECTIONS', 1, 0);
/** Issue 17: ours >= 2x MCP-Nest's throughput (resolved at 1.5x), p99 < 50 ms at 32 connections, <= 0.4 ms CPU per call. */
const TARGET_RATIO = 2;
const TARGET_P99_MS = 50;
const TARGET_CPU_MS = 0.4;
/** The baseline the target is stated against. */
const BASELINE = 'mcp-nest';

const LEGACY_VERSION = '2025-11-25';
const MODERN_VERSION = '2026-07-28';
const ECHO_TEXT = 'hello';
/** The 2025-era stateless request: no initialize; the MCP-Protocol-Version header names the version. */
const LEGACY_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text: ECHO_TEXT } },
});
/**
 * The 2026-07-28 request, as the v2 SDK Client sends it (captured from `Client` pinned to 2026-07-28):
 * the per-request `_meta` envelope in params, plus the Mcp-Method / Mcp-Name headers.
 */
const MODERN_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: {
    name: 'echo',
    arguments: { text: ECHO_TEXT },
    _meta: {
      'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
      'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
      'io.modelcontextprotocol/clientCapabilities': {},
    },
  },
});
const COMMON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

type Era = 'legacy' | 'modern';
type Run = autocannon.Result & { cpuMsPerRequest?: number };

interface Child {
  readonly name: string;
  readonly process: ChildProcessWithoutNullStreams;
  exitInfo?: string;
  /** The last few KB of the child's stdout + stderr, for error messages. */
  tail(): string;
}

interface BenchServer {
  readonly child: Child;
  readonly port: number;
  readonly apiKey?: string;
  readonly logFile?: string;
  readonly env: Record<string, string>;
  logSummary?: string;
  /** Resident set size (MiB) once the server answers, and after all the load. */
  rssReadyMiB?: number;
  rssAfterMiB?: number;
}

interface Target {
  readonly name: string;
  request: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly server: BenchServer;
  contentType: string;
  readonly rounds: Run[];
  readonly all: Run[];
  lowConcurrency?: Run;
}

function intFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

// ---------------------------------------------------------------------------------------------- children

const children = new Set<Child>();

const alive = (child: Child): boolean => child.process.exitCode === null && child.process.signalCode === null;

function killChildren(signal: NodeJS.Signals): void {
  for (const child of children) if (alive(child)) child.process.kill(signal);
}

process.on('exit', () => killChildren('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping the servers`);
    killChildren('SIGKILL');
    process.exit(130);
  });
}

/** Spawns a server (stdin stays open: the bare servers exit when it closes) and keeps its output's tail. */
function startChild(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  proc.stdin.on('error', () => undefined);
  const child: Child = { name, process: proc, tail: () => tail };
  children.add(child);
  proc.once('exit', (code, signal) => {
    children.delete(child);
    child.exitInfo = `exited (code ${code}, signal ${signal})`;
  });
  return child;
}

async function stopChild(child: Child, timeoutMs = 15_000): Promise<void> {
  if (!alive(child)) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function waitForLine(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const cleanup = (): void => {
      clearTimeout(timer);
      child.process.stdout.off('data', onData);
      child.process.off('exit', onExit);
    };
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const match = pattern.exec(buffered);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = (): void => {
      cleanup();
      reject(new Error(`${child.name} ${child.exitInfo ?? 'exited'} before it was ready:\n${child.tail()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${child.name} not ready after ${timeoutMs} ms:\n${child.tail()}`));
    }, timeoutMs);
    child.process.stdout.on('data', onData);
    child.process.once('exit', onExit);
  });
}

// ---------------------------------------------------------------------------------------------- requests

/** The JSON-RPC message of a JSON or SSE (`event: message` / `data: …`) answer. */
function parseAnswer(contentType: string, text: string): unknown {
  if (contentType.includes('text/event-stream')) {
    const data = text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim());
    if (data.length !== 1) throw new Error(`expected one SSE data line, got ${data.length}: ${text.slice(0, 300)}`);
    return JSON.parse(data[0]);
  }
  return JSON.parse(text);
}

/** One request exactly as autocannon sends it; throws unless it is a 200 with the echo result. Returns the content type. */
async function verify(target: Pick<Target, 'name' | 'url' | 'headers' | 'body'>): Promise<string> {
  const res = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${target.name}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  const contentType = res.headers.get('content-type') ?? '';
  const answer = parseAnswer(contentType, text) as { result?: { isError?: boolean; content?: { text?: unknown }[] } };
  const first = answer.result?.content?.[0];
  if (!answer.result || answer.result.isError || typeof first?.text !== 'string' || !first.text.includes(ECHO_TEXT)) {
    throw new Error(`${target.name}: not an echo result: ${text.slice(0, 500)}`);
  }
  return contentType;
}

async function waitUntilAnswering(target: Pick<Target, 'name' | 'url' | 'headers' | 'body' | 'server'>, timeoutMs = 120_000): Promise<string> {
  const { child } = target.server;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!alive(child)) throw new Error(`${child.name} ${child.exitInfo ?? 'exited'}:\n${child.tail()}`);
    try {
      return await verify(target);
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${target.name} did not answer within ${timeoutMs} ms: ${(lastError as Error | undefined)?.message}\n${child.tail()}`);
}

/** Resident set size of a child process in MiB (Linux /proc), or undefined elsewhere. */
function rssMiB(child: Child): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${child.process.pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return kib ? Number(kib[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

let clockTicks: number | undefined;
/** User + system CPU seconds used so far by a child process (Linux /proc), or undefined elsewhere. */
function cpuSeconds(child: Child): number | undefined {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    const stat = fs.readFileSync(`/proc/${child.process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

/** One autocannon run (closed loop: each connection sends its next request when the answer is in); also the server's CPU time per 2xx answer. */
async function load(target: Target, seconds: number, connections = CONNECTIONS): Promise<Run> {
  const cpuBefore = cpuSeconds(target.server.child);
  const result: Run = await autocannon({
    url: target.url,
    method: 'POST',
    headers: target.headers,
    body: target.body,
    connections,
    duration: seconds,
  });
  const cpuAfter = cpuSeconds(target.server.child);
  if (cpuBefore !== undefined && cpuAfter !== undefined && result['2xx'] > 0) {
    result.cpuMsPerRequest = ((cpuAfter - cpuBefore) * 1000) / result['2xx'];
  }
  return result;
}

// ---------------------------------------------------------------------------------------------- servers

function parseVariants(spec: string | undefined): { name: string; env: Record<string, string> }[] {
  if (!spec) return [];
  return spec
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.indexOf(':');
      if (colon < 1) throw new Error(`BENCH_VARIANTS: expected name:KEY=VALUE,..., got ${JSON.stringify(part)}`);
      const env: Record<string, string> = {};
      for (const pair of part.slice(colon + 1).split(',').filter(Boolean)) {
        const eq = pair.indexOf('=');
        if (eq < 1) throw new Error(`BENCH_VARIANTS: expected KEY=VALUE, got ${JSON.stringify(pair)}`);
        env[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
      }
      return { name: part.slice(0, colon).trim(), env };
    });
}

/** Our server as `node dist/main.js` runs it in development: logging at info level, to a file. */
async function startOurs(name: string, tmp: string, overrides: Record<string, string>): Promise<BenchServer> {
  const { MAIN: main = MAIN, NODE_ARGS: nodeArgs = '', ...envOverrides } = overrides;
  const port = await freePort();
  const apiKey = randomBytes(24).toString('base64url').slice(0, 32);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ENVIRONMENT: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    API_KEY_PRIMARY: apiKey,
    // The largest value the configuration accepts (its maximum is 1,000,000/min): never trips here.
    RATE_LIMIT_RPM: '1000000',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    LOG_OUTPUT: 'file',
    LOG_FILE: path.join(tmp, `${name}.log`),
    METRICS_ENABLED: 'true',
    // Each instance its own embedded database: two on one data directory would find it locked.
    DB_DATA_DIR: path.join(tmp, `${name}-pglite`),
    ...envOverrides,
  };
  // cwd is the temporary directory, so a developer's .env in the repository does not change the run.
  const child = startChild(name, [...nodeArgs.split(' ').filter(Boolean), main], tmp, env);
  return {
    child,
    port,
    apiKey,
    logFile: env.LOG_OUTPUT === 'stdout' ? undefined : env.LOG_FILE,
    env: { LOG_LEVEL: env.LOG_LEVEL, LOG_FORMAT: env.LOG_FORMAT, ...envOverrides },
  };
}

async function startBare(name: string, script: string): Promise<BenchServer> {
  const child = startChild(name, [script], ROOT, { PATH: process.env.PATH ?? '', PORT: '0' });
  const [, port] = await waitForLine(child, /LISTENING (\d+)/, 30_000);
  return { child, port: Number(port), env: {} };
}

interface ServerSpec {
  /** How to start the process; every target below shares it. */
  readonly start: (tmp: string) => Promise<BenchServer>;
  readonly targets: readonly { readonly name: string; readonly route: string; readonly era: Era }[];
}

/** Every server the bench knows, in report order; one process each, started only when one of its targets is wanted. */
const SERVERS: readonly ServerSpec[] = [
  {
    start: (tmp) => startOurs('ours', tmp, {}),
    targets: [
      { name: 'ours', route: '/mcp', era: 'legacy' },
      { name: 'ours-2026', route: '/mcp', era: 'modern' },
    ],
  },
  {
    start: () => startBare('mcp-nest-server', MCP_NEST),
    targets: [
      { name: 'mcp-nest', route: '/mcp', era: 'legacy' },
      { name: 'mcp-nest-2026', route: '/mcp', era: 'modern' },
    ],
  },
  {
    start: () => startBare('bare-v2-server', BARE_V2),
    targets: [
      { name: 'bare-v2', route: '/mcp', era: 'legacy' },
      { name: 'bare-v2-2026', route: '/mcp', era: 'modern' },
    ],
  },
  {
    start: () => startBare('bare-sdk-server', BARE),
    targets: [
      { name: 'bare', route: '/mcp', era: 'legacy' },
      { name: 'bare-json', route: '/mcp-json', era: 'legacy' },
    ],
  },
];

function makeTarget(name: string, server: BenchServer, route: string, era: Era): Target {
  const modern = era === 'modern';
  return {
    name,
    request: modern ? `${MODERN_VERSION} (_meta envelope)` : `${LEGACY_VERSION}, no initialize`,
    url: `http://127.0.0.1:${server.port}${route}`,
    headers: {
      ...COMMON_HEADERS,
      ...(server.apiKey ? { Authorization: `Bearer ${server.apiKey}` } : {}),
      'MCP-Protocol-Version': modern ? MODERN_VERSION : LEGACY_VERSION,
      ...(modern ? { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'echo' } : {}),
    },
    body: modern ? MODERN_BODY : LEGACY_BODY,
    server,
    contentType: '',
    rounds: [],
    all: [],
  };
}

// ---------------------------------------------------------------------------------------------- report

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 0 });
/** Closed loop: each connection has one request in flight, so mean latency = connections / throughput (autocannon's own are whole ms). */
const meanLatencyMs = (run: Run, connections: number): number => (1000 * connections * run.duration) / Math.max(run.requests.total, 1);

function summarize(target: Target) {
  const rounds = target.rounds;
  const cpu = rounds.map((r) => r.cpuMsPerRequest).filter((value): value is number => value !== undefined);
  return {
    rps: median(rounds.map((r) => r.requests.average)),
    rpsMin: Math.min(...rounds.map((r) => r.requests.average)),
    rpsMax: Math.max(...rounds.map((r) => r.requests.average)),
    p50: median(rounds.map((r) => r.latency.p50)),
    p99: median(rounds.map((r) => r.latency.p99)),
    cpu: cpu.length === rounds.length ? median(cpu) : undefined,
    requests: rounds.reduce((sum, r) => sum + r.requests.total, 0),
    non2xx: target.all.reduce((sum, r) => sum + r.non2xx, 0),
    errors: target.all.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
  };
}

/** Median over rounds of a's throughput / b's in the same round (adjacent in time: less noise). */
const pairedRatio = (a: Target, b: Target): number =>
  median(a.rounds.map((r, i) => r.requests.average / b.rounds[i].requests.average));

function targetVerdict(ours: Target, baseline: Target): { ratio: number; paired: number; p99: number; cpu?: number; met: boolean } {
  const s = summarize(ours);
  const ratio = s.rps / summarize(baseline).rps;
  const paired = pairedRatio(ours, baseline);
  const met = Math.min(ratio, paired) >= TARGET_RATIO && s.p99 < TARGET_P99_MS && s.cpu !== undefined && s.cpu <= TARGET_CPU_MS;
  return { ratio, paired, p99: s.p99, cpu: s.cpu, met };
}

function report(targets: Target[], servers: BenchServer[], load0: number): void {
  const out: string[] = [''];
  out.push(
    `POST /mcp tools/call echo; ${CONNECTIONS} connections; ${ROUNDS} rounds x ${SECONDS}s per target (interleaved, order rotated), ` +
      `medians over rounds (req/s, p50, p99, CPU); ${os.cpus().length} CPUs, load average ${load0.toFixed(2)} at start, ` +
      `${os.loadavg()[0].toFixed(2)} at end; Node ${process.version}.`,
  );
  out.push('');
  const lowCol = LOW_CONNECTIONS > 0 ? ` ${LOW_CONNECTIONS} connection${LOW_CONNECTIONS === 1 ? '' : 's'}: req/s, mean / p99 ms |` : '';
  out.push(`| target | request | answer | req/s (median) | req/s min–max | p50 ms | p99 ms | server CPU ms/req |${lowCol} requests | non-2xx | errors |`);
  out.push(`|---|---|---|--:|--:|--:|--:|--:|${LOW_CONNECTIONS > 0 ? '--:|' : ''}--:|--:|--:|`);
  for (const target of targets) {
    const s = summarize(target);
    const answer = target.contentType.includes('event-stream') ? 'SSE' : 'JSON';
    out.push(
      `| ${target.name} | ${target.request} | ${answer} | ${fmt(s.rps)} | ${fmt(s.rpsMin)}–${fmt(s.rpsMax)} | ${s.p50} | ${s.p99} | ` +
        `${s.cpu === undefined ? 'n/a' : s.cpu.toFixed(3)} | ` +
        (target.lowConcurrency ? `${fmt(target.lowConcurrency.requests.average)}, ${meanLatencyMs(target.lowConcurrency, LOW_CONNECTIONS).toFixed(2)} / ${target.lowConcurrency.latency.p99} | ` : '') +
        `${fmt(s.requests)} | ${s.non2xx} | ${s.errors} |`,
    );
  }
  out.push('');

  const byName = (name: string): Target | undefined => targets.find((t) => t.name === name);
  const ratioLines: string[] = [];
  const ratioLine = (a: Target, b: Target): void => {
    const sa = summarize(a);
    const sb = summarize(b);
    const cpu = sa.cpu === undefined || sb.cpu === undefined ? 'n/a' : (sa.cpu / sb.cpu).toFixed(2);
    ratioLines.push(`| ${a.name} / ${b.name} | ${(sa.rps / sb.rps).toFixed(2)} | ${pairedRatio(a, b).toFixed(2)} | ${cpu} |`);
  };
  // Each of our targets against every peer of the same era (2026 against 2026), variants against ours.
  const eraOf = (target: Target): string => (target.name.endsWith('-2026') ? 'modern' : 'legacy');
  const peers = targets.filter((t) => !t.name.startsWith('ours') && !t.name.startsWith('var:'));
  for (const target of targets) {
    if (!target.name.startsWith('ours') && !target.name.startsWith('var:')) continue;
    for (const peer of peers) if (eraOf(peer) === eraOf(target)) ratioLine(target, peer);
  }
  const ours = byName('ours');
  for (const target of targets) if (ours && (target.name.startsWith('var:') || target.name === 'ours-traced')) ratioLine(target, ours);
  if (ratioLines.length > 0) {
    out.push('| ratio | throughput, of medians | throughput, median of per-round ratios | server CPU per request |');
    out.push('|---|--:|--:|--:|');
    out.push(...ratioLines, '');
  }
  const baseline = byName(BASELINE);
  if (ours && baseline) {
    const verdict = targetVerdict(ours, baseline);
    const low = ours.lowConcurrency ? `; with ${LOW_CONNECTIONS} connection(s) p99 = ${ours.lowConcurrency.latency.p99} ms` : '';
    out.push(
      `Target (full stack >= ${TARGET_RATIO}x ${BASELINE}'s throughput, p99 < ${TARGET_P99_MS} ms at ${CONNECTIONS} connections, ` +
        `<= ${TARGET_CPU_MS} ms server CPU per call): ours/${BASELINE} = ${verdict.ratio.toFixed(2)}x (per-round ${verdict.paired.toFixed(2)}x), ` +
        `p99 = ${verdict.p99} ms, CPU ${verdict.cpu?.toFixed(3) ?? 'n/a'} ms/call${low} → ${verdict.met ? 'MET' : 'NOT MET'}.`,
      '',
    );
  }
  const rss = servers.filter((server) => server.rssReadyMiB !== undefined);
  if (rss.length > 0) {
    out.push(`RSS (MiB) once answering → after all the load: ${rss.map((server) => `${server.child.name} ${server.rssReadyMiB?.toFixed(0)} → ${server.rssAfterMiB?.toFixed(0) ?? 'n/a'}`).join('; ')}.`, '');
  }
  for (const server of servers) {
    if (server.logSummary) out.push(`Logging on (LOG_LEVEL=${server.env.LOG_LEVEL}, ${server.env.LOG_FORMAT} to a file, not the terminal): ${server.logSummary}.`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  if (!fs.existsSync(MAIN)) {
    throw new Error(`${path.relative(ROOT, MAIN)} not found: build first (npm run bench runs nest build before this script)`);
  }
  const variants = parseVariants(process.env.BENCH_VARIANTS);
  const defaults = [...SERVERS.flatMap((spec) => spec.targets.map((t) => t.name)), 'ours-traced', ...variants.map((v) => `var:${v.name}`)];
  const known = defaults;
  const wanted = process.env.BENCH_TARGETS ? process.env.BENCH_TARGETS.split(',').map((s) => s.trim()).filter(Boolean) : defaults;
  for (const name of wanted) if (!known.includes(name)) throw new Error(`BENCH_TARGETS: unknown target ${name} (known: ${known.join(', ')})`);
  const wants = (...names: string[]): boolean => names.some((name) => wanted.includes(name));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-bench-'));
  const servers: BenchServer[] = [];
  let sink: OtlpSink | undefined;
  try {
    const load0 = os.loadavg()[0];
    log(
      `${os.cpus().length} CPUs, load average ${load0.toFixed(2)}, Node ${process.version}; ` +
        `${ROUNDS} rounds x ${SECONDS}s per target, ${WARMUP}s warm-up, ${CONNECTIONS} connections`,
    );

    const targets: Target[] = [];
    for (const spec of SERVERS) {
      const routes = spec.targets.filter((t) => wants(t.name));
      if (routes.length === 0) continue;
      const server = await spec.start(tmp);
      servers.push(server);
      for (const route of routes) targets.push(makeTarget(route.name, server, route.route, route.era));
    }
    if (wants('ours-traced')) {
      sink = await startOtlpSink();
      const server = await startOurs('ours-traced', tmp, { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, TRACE_SAMPLING_RATE: '0.1' });
      servers.push(server);
      const target = makeTarget('ours-traced', server, '/mcp', 'legacy');
      target.request = `${LEGACY_VERSION}; tracing at 0.1 to a loopback OTLP sink`;
      targets.push(target);
    }
    for (const variant of variants) {
      if (!wants(`var:${variant.name}`)) continue;
      const server = await startOurs(`var-${variant.name}`, tmp, variant.env);
      servers.push(server);
      const target = makeTarget(`var:${variant.name}`, server, '/mcp', 'legacy');
      target.request = `${LEGACY_VERSION}; ${Object.entries(variant.env).map(([k, v]) => `${k}=${v}`).join(' ')}`;
      targets.push(target);
    }

    for (const target of targets) {
      target.contentType = await waitUntilAnswering(target);
      log(`${target.name} answers 200 with the echo result (${target.contentType})`);
    }
    for (const server of servers) server.rssReadyMiB = rssMiB(server.child);

    for (const target of targets) {
      log(`warm-up ${target.name} (${WARMUP}s)`);
      target.all.push(await load(target, WARMUP));
    }

    for (let round = 0; round < ROUNDS; round++) {
      const shift = round % targets.length;
      for (const target of [...targets.slice(shift), ...targets.slice(0, shift)]) {
        const result = await load(target, SECONDS);
        target.rounds.push(result);
        target.all.push(result);
        log(
          `round ${round + 1}/${ROUNDS} ${target.name.padEnd(14)} ${fmt(result.requests.average).padStart(6)} req/s  ` +
            `p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  ` +
            `cpu ${result.cpuMsPerRequest?.toFixed(3) ?? 'n/a'} ms/req  non-2xx ${result.non2xx}  errors ${result.errors}`,
        );
      }
    }

    if (LOW_CONNECTIONS > 0) {
      for (const target of targets) {
        const result = await load(target, SECONDS, LOW_CONNECTIONS);
        target.lowConcurrency = result;
        target.all.push(result);
        log(
          `${LOW_CONNECTIONS} connection(s) ${target.name.padEnd(14)} ${fmt(result.requests.average).padStart(6)} req/s  ` +
            `mean ${meanLatencyMs(result, LOW_CONNECTIONS).toFixed(2)} ms  p99 ${result.latency.p99} ms  non-2xx ${result.non2xx}  errors ${result.errors}`,
        );
      }
    }

    for (const target of targets) await verify(target);
    for (const server of servers) server.rssAfterMiB = rssMiB(server.child);

    // Logging was on, to a file: count what our servers wrote.
    for (const server of servers) {
      if (!server.logFile || !fs.existsSync(server.logFile)) continue;
      const lines = fs.readFileSync(server.logFile, 'utf8').split('\n').filter(Boolean).length;
      const served = targets
        .filter((t) => t.server === server)
        .reduce((n, t) => n + t.all.reduce((sum, r) => sum + r['2xx'], 0), 0);
      server.logSummary = `${server.child.name}: ${fmt(lines)} log lines for ${fmt(served)} requests (${(lines / Math.max(served, 1)).toFixed(2)} per request)`;
    }

    report(targets, servers, load0);
    if (sink) log(`ours-traced exported to the OTLP sink: ${fmt(sink.stats.requests)} requests, ${fmt(sink.stats.bytes)} bytes`);
    const failed = targets.map((t) => ({ name: t.name, ...summarize(t) })).filter((s) => s.non2xx > 0 || s.errors > 0);
    if (failed.length > 0) {
      throw new Error(`non-2xx answers or errors: ${failed.map((s) => `${s.name} non-2xx ${s.non2xx}, errors ${s.errors}`).join('; ')}`);
    }
    const ours = targets.find((t) => t.name === 'ours');
    const baseline = targets.find((t) => t.name === BASELINE);
    if (process.env.BENCH_ENFORCE === '1' && ours && baseline && !targetVerdict(ours, baseline).met) {
      throw new Error('target missed (BENCH_ENFORCE=1)');
    }
  } finally {
    await Promise.all(servers.map((server) => stopChild(server.child)));
    await sink?.close();
    if (process.env.BENCH_KEEP_LOGS === '1') log(`logs kept in ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`\n[bench] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killChildren('SIGKILL');
    process.exit(1);
  },
);
