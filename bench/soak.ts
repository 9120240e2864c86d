// `npm run soak`: one server process (`node dist/main.js`) under a fixed rate of mixed MCP traffic for
// SOAK_MINUTES: tools/list, echo, get_top_customers, sql_query and rag_search as raw JSON-RPC POSTs on /mcp
// through a keep-alive agent, sent open-loop on a timer. Every SOAK_SAMPLE_SECONDS it scrapes GET /metrics
// (RSS, V8 heap, event-loop delay); at the end it prints a plain-text report and one JSON line, with PASS/FAIL
// against the targets (RSS growth < 10 % after warm-up, zero errors). See bench/README.md ("Soak").
//
// Environment (all optional):
//   SOAK_MINUTES=10          length of the traffic, warm-up included
//   SOAK_WARMUP_SECONDS=60   first part of the traffic left out of the growth and latency figures
//   SOAK_RPS=50              requests per second, spread evenly over the mix
//   SOAK_SAMPLE_SECONDS=10   /metrics scrape interval
//   SOAK_TIMEOUT_SECONDS=10  a request without an answer by then counts as a timeout
//   SOAK_SERVER_MAIN=<file>  the server to run (default: main.js of the build this script belongs to)
//   SOAK_CALLS=<list>        comma list of the calls to mix (default: all five; rag_search is dropped with SOAK_DB_URL)
//   SOAK_DB_URL=<url>        an external PostgreSQL with the sample data instead of the embedded database (RAG off)
// Exit code 0 with PASS or FAIL in the report; 1 when the server dies or does not start.
import { ChildProcessByStdio, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { checkToolCall, freePort, KEY, log, MCP_HEADERS, median, toolCallBody } from './bench-kit';

const MINUTES = numberFromEnv('SOAK_MINUTES', 10);
const WARMUP_SECONDS = numberFromEnv('SOAK_WARMUP_SECONDS', 60, 0);
const RPS = numberFromEnv('SOAK_RPS', 50);
const SAMPLE_SECONDS = numberFromEnv('SOAK_SAMPLE_SECONDS', 10);
const TIMEOUT_MS = numberFromEnv('SOAK_TIMEOUT_SECONDS', 10) * 1000;
const MAIN = path.resolve(process.env.SOAK_SERVER_MAIN ?? path.join(__dirname, '..', 'main.js'));
const DB_URL = process.env.SOAK_DB_URL;
const DURATION_MS = MINUTES * 60_000;
const WARMUP_MS = WARMUP_SECONDS * 1000;
const INTERVAL_MS = 1000 / RPS;
const TARGET_RSS_GROWTH_PCT = 10;
/** Boot includes loading the sample data and embedding the RAG corpus: slow on busy shared cores. */
const BOOT_TIMEOUT_MS = 180_000;

const SAMPLE_QUERY = 'SELECT id, name, email, created_at FROM customers WHERE id = $1';
const RAG_QUERIES = [
  'how are API keys checked',
  'rate limit per key and the 429 answer',
  'read-only SQL guard',
  'adding a tool family',
  'hybrid vector and full-text search',
  'REST tools generated from an OpenAPI document',
];
const RAG_MODES = ['hybrid', 'vector', 'text'];

/** One kind of request in the mix; `body(n)` varies the arguments with the request's sequence number. */
interface Call {
  readonly name: string;
  readonly body: (n: number) => string;
}

const CALLS: readonly Call[] = [
  { name: 'tools/list', body: (n) => JSON.stringify({ jsonrpc: '2.0', id: n, method: 'tools/list', params: {} }) },
  { name: 'echo', body: (n) => toolCallBody('echo', { text: `soak ${n}` }) },
  { name: 'get_top_customers', body: (n) => toolCallBody('get_top_customers', { limit: 5 + (n % 20), offset: n % 50 }) },
  { name: 'sql_query', body: (n) => toolCallBody('sql_query', { sql: SAMPLE_QUERY, params: [1 + (n % 500)] }) },
  {
    name: 'rag_search',
    body: (n) => toolCallBody('rag_search', { query: RAG_QUERIES[n % RAG_QUERIES.length], k: 5, mode: RAG_MODES[n % RAG_MODES.length] }),
  },
];

const ERROR_KINDS = ['http', 'jsonrpc', 'tool', 'timeout', 'network', 'parse'] as const;
type ErrorKind = (typeof ERROR_KINDS)[number];

interface Sample {
  /** Milliseconds since the traffic started. */
  readonly at: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** p99 and max of the event-loop delay since the previous scrape (prom-client resets its histogram per scrape). */
  readonly lagP99: number;
  readonly lagMax: number;
}

interface Server {
  readonly process: ChildProcessByStdio<null, Readable, Readable>;
  readonly port: number;
  /** Lines the server wrote on stdout and stderr (LOG_LEVEL=warn: warnings and errors only). */
  lines: number;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  tail(): string;
}

function numberFromEnv(name: string, fallback: number, min = Number.MIN_VALUE): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const ms = (seconds: number): string => (seconds * 1000).toFixed(1);
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis));

// ---------------------------------------------------------------------------------------------- server

let server: Server | undefined;
const alive = (s: Server): boolean => s.exit === undefined;

process.on('exit', () => {
  if (server && alive(server)) server.process.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    log('soak', `${signal}: stopping the server`);
    process.exit(130);
  });
}

/** The server as production runs it (loopback only), logging warnings and errors to stdout, which we keep the tail of. */
async function startServer(dir: string): Promise<Server> {
  const port = await freePort();
  const database: Record<string, string> = DB_URL
    ? { DB_URL }
    : { DB_DATA_DIR: path.join(dir, 'pgdata'), RAG_CORPUS_DIR: path.join(path.dirname(MAIN), '..', 'corpus') };
  const child = spawn(process.execPath, [MAIN], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      ENVIRONMENT: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      API_KEY_PRIMARY: KEY,
      // The largest value the configuration accepts: the limiter never rejects at soak rates.
      RATE_LIMIT_RPM: '1000000',
      LOG_LEVEL: 'warn',
      ...database,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const started: Server = { process: child, port, lines: 0, tail: () => tail };
  const keep = (chunk: Buffer): void => {
    const text = chunk.toString();
    started.lines += text.split('\n').length - 1;
    tail = (tail + text).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.once('exit', (code, signal) => {
    started.exit = { code, signal };
  });
  server = started;
  const deadline = performance.now() + BOOT_TIMEOUT_MS;
  while (!(await fetch(`http://127.0.0.1:${port}/health/live`).then((res) => res.ok, () => false))) {
    if (!alive(started)) throw new Error(`the server exited before it was ready (code ${started.exit?.code}, signal ${started.exit?.signal})`);
    if (performance.now() > deadline) throw new Error(`the server did not answer /health/live within ${BOOT_TIMEOUT_MS / 1000} s`);
    await sleep(250);
  }
  return started;
}

async function stopServer(s: Server): Promise<{ code: number | null; signal: NodeJS.Signals | null; millis: number }> {
  const begun = performance.now();
  if (alive(s)) {
    const exited = new Promise((resolve) => s.process.once('exit', resolve));
    s.process.kill('SIGTERM');
    const timer = setTimeout(() => s.process.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
  const { code, signal } = s.exit ?? { code: null, signal: null };
  return { code, signal, millis: performance.now() - begun };
}

// ---------------------------------------------------------------------------------------------- requests

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** The JSON-RPC message of a JSON or SSE (`data: …` lines) answer. */
function parseAnswer(contentType: string, text: string): unknown {
  if (!contentType.includes('text/event-stream')) return JSON.parse(text);
  const data = text
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trim());
  if (data.length !== 1) throw new Error(`expected one SSE data line, got ${data.length}`);
  return JSON.parse(data[0]);
}

/** What went wrong with a 2xx answer, or undefined for a good one. */
function check(call: Call, contentType: string, text: string): ErrorKind | undefined {
  let answer: { error?: unknown; result?: { isError?: boolean; tools?: unknown[] } };
  try {
    answer = parseAnswer(contentType, text) as typeof answer;
  } catch {
    return 'parse';
  }
  if (answer.error !== undefined) return 'jsonrpc';
  if (!answer.result) return 'parse';
  if (answer.result.isError) return 'tool';
  if (call.name === 'tools/list' && !(answer.result.tools?.length ?? 0)) return 'parse';
  return undefined;
}

/** One POST /mcp; resolves with the error kind (undefined when good) and the latency, never rejects. */
function send(port: number, call: Call, n: number): Promise<{ error?: ErrorKind; millis: number; detail?: string }> {
  const body = call.body(n);
  const begun = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (error?: ErrorKind, detail?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ error, millis: performance.now() - begun, detail });
    };
    const req = http.request(
      { host: '127.0.0.1', port, path: '/mcp', method: 'POST', agent, headers: { ...MCP_HEADERS, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => finish('network', error.message));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return finish('http', `HTTP ${status}: ${text.slice(0, 200)}`);
          const kind = check(call, res.headers['content-type'] ?? '', text);
          finish(kind, kind && text.slice(0, 300));
        });
      },
    );
    const timer = setTimeout(() => {
      finish('timeout', `no answer in ${TIMEOUT_MS} ms`);
      req.destroy();
    }, TIMEOUT_MS);
    req.on('error', (error) => finish('network', error.message));
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------- metrics

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`/metrics has no ${name}`);
  return Number(match[1]);
}

async function scrape(port: number, at: number): Promise<Sample> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${KEY}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
  const text = await res.text();
  return {
    at,
    rss: metric(text, 'process_resident_memory_bytes'),
    heapUsed: metric(text, 'nodejs_heap_size_used_bytes'),
    heapTotal: metric(text, 'nodejs_heap_size_total_bytes'),
    lagP99: metric(text, 'nodejs_eventloop_lag_p99_seconds'),
    lagMax: metric(text, 'nodejs_eventloop_lag_max_seconds'),
  };
}

// ---------------------------------------------------------------------------------------------- run

interface Traffic {
  sent: number;
  completed: number;
  late: number;
  inFlight: number;
  failedScrapes: number;
  readonly errors: Record<ErrorKind, number>;
  readonly errorsByCall: Map<string, number>;
  /** Latencies of the requests sent after the warm-up, by call. */
  readonly latencies: Map<string, number[]>;
  readonly firstErrors: string[];
}

const sumErrors = (traffic: Traffic): number => ERROR_KINDS.reduce((n, kind) => n + traffic.errors[kind], 0);

/** Open loop: request i is due at start + i × INTERVAL_MS whatever the answers do; one sent more than an interval after its slot is late. */
async function drive(s: Server, calls: readonly Call[], traffic: Traffic, samples: Sample[]): Promise<number> {
  const total = Math.floor((DURATION_MS / 1000) * RPS);
  const start = performance.now();
  const sampleTimes = [...new Set([...Array.from({ length: Math.floor(DURATION_MS / (SAMPLE_SECONDS * 1000)) + 1 }, (_, i) => i * SAMPLE_SECONDS * 1000), WARMUP_MS, DURATION_MS])]
    .filter((at) => at <= DURATION_MS)
    .sort((a, b) => a - b);

  // A scrape that falls behind (a slow /metrics on a busy server) skips the slots already past, except the last,
  // so that no two samples are taken back to back; each sample carries the time it was actually taken.
  const sampler = (async (): Promise<void> => {
    for (const [i, slot] of sampleTimes.entries()) {
      const last = i === sampleTimes.length - 1;
      if (!last && performance.now() - start > sampleTimes[i + 1]) continue;
      await sleep(start + slot - performance.now());
      if (!alive(s)) return;
      // A timer may fire a fraction of a millisecond early on this clock: the slot is the earliest time a sample can claim.
      const at = Math.max(slot, performance.now() - start);
      try {
        const sample = await scrape(s.port, at);
        samples.push(sample);
        log(
          'soak',
          `t=${(at / 1000).toFixed(0)}s rss ${mb(sample.rss)} MiB heap ${mb(sample.heapUsed)}/${mb(sample.heapTotal)} MiB ` +
            `lag p99 ${ms(sample.lagP99)} ms max ${ms(sample.lagMax)} ms; sent ${traffic.sent} done ${traffic.completed} ` +
            `errors ${sumErrors(traffic)} late ${traffic.late}`,
        );
      } catch (error) {
        traffic.failedScrapes += 1;
        log('soak', `t=${(at / 1000).toFixed(0)}s GET /metrics failed: ${(error as Error).message}`);
      }
    }
  })();

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (traffic.sent < total && start + traffic.sent * INTERVAL_MS <= now) {
        const n = traffic.sent;
        if (now - (start + n * INTERVAL_MS) > INTERVAL_MS) traffic.late += 1;
        const call = calls[n % calls.length];
        const measured = n * INTERVAL_MS >= WARMUP_MS;
        traffic.sent += 1;
        traffic.inFlight += 1;
        void send(s.port, call, n).then(({ error, millis, detail }) => {
          traffic.inFlight -= 1;
          traffic.completed += 1;
          if (error) {
            traffic.errors[error] += 1;
            traffic.errorsByCall.set(call.name, (traffic.errorsByCall.get(call.name) ?? 0) + 1);
            if (traffic.firstErrors.length < 5) traffic.firstErrors.push(`${call.name} #${n}: ${error}: ${detail ?? ''}`);
          } else if (measured) {
            traffic.latencies.get(call.name)?.push(millis);
          }
        });
      }
      if (traffic.sent >= total || !alive(s)) return resolve();
      setTimeout(tick, Math.max(0, start + traffic.sent * INTERVAL_MS - performance.now()));
    };
    tick();
  });
  const elapsed = performance.now() - start;
  await sampler;
  if (samples.length < 2) throw new Error(`${samples.length} /metrics samples: nothing to compare`);
  const drainBy = performance.now() + TIMEOUT_MS + 1000;
  while (traffic.inFlight > 0 && alive(s) && performance.now() < drainBy) await sleep(50);
  return elapsed;
}

async function main(): Promise<void> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} not found: build first (npm run soak runs nest build before this script)`);
  if (WARMUP_MS >= DURATION_MS) throw new Error('SOAK_WARMUP_SECONDS must be shorter than SOAK_MINUTES');
  const wanted = process.env.SOAK_CALLS?.split(',').map((name) => name.trim()) ?? CALLS.map((call) => call.name);
  for (const name of wanted) if (!CALLS.some((call) => call.name === name)) throw new Error(`SOAK_CALLS: unknown call ${name}`);
  const calls = CALLS.filter((call) => wanted.includes(call.name) && !(DB_URL && call.name === 'rag_search'));
  if (calls.length === 0) throw new Error('SOAK_CALLS: nothing to send');
  const load0 = os.loadavg()[0];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-soak-'));
  try {
    log('soak', `starting ${MAIN} (${DB_URL ? 'SOAK_DB_URL, RAG off' : 'embedded database, RAG on'})`);
    const bootStarted = performance.now();
    const s = await startServer(dir);
    for (const [i, call] of calls.entries()) await checkToolCall(s.port, call.body(i));
    const bootSeconds = (performance.now() - bootStarted) / 1000;
    log('soak', `server up in ${bootSeconds.toFixed(1)} s; ${MINUTES} min at ${RPS} req/s, warm-up ${WARMUP_SECONDS} s, sample every ${SAMPLE_SECONDS} s`);

    const traffic: Traffic = {
      sent: 0,
      completed: 0,
      late: 0,
      inFlight: 0,
      failedScrapes: 0,
      errors: Object.fromEntries(ERROR_KINDS.map((kind) => [kind, 0])) as Record<ErrorKind, number>,
      errorsByCall: new Map(),
      latencies: new Map(calls.map((call) => [call.name, []])),
      firstErrors: [],
    };
    const samples: Sample[] = [];
    const elapsed = await drive(s, calls, traffic, samples);
    if (!alive(s)) throw new Error('the server died during the soak');
    const stopped = await stopServer(s);
    if (s.lines > 0) log('soak', `server output (tail):\n${s.tail().trim().split('\n').slice(-5).join('\n')}`);
    report({ calls, traffic, samples, elapsed, stopped, load0, bootSeconds, lines: s.lines });
  } catch (error) {
    const tail = server?.tail().trim();
    throw new Error(`${(error as Error).message}${tail ? `\n--- server output (tail) ---\n${tail}` : ''}`, { cause: error });
  } finally {
    if (server && alive(server)) await stopServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------- report

interface Outcome {
  readonly calls: readonly Call[];
  readonly traffic: Traffic;
  readonly samples: readonly Sample[];
  readonly elapsed: number;
  readonly stopped: { code: number | null; signal: NodeJS.Signals | null; millis: number };
  readonly load0: number;
  readonly bootSeconds: number;
  readonly lines: number;
}

function report({ calls, traffic, samples, elapsed, stopped, load0, bootSeconds, lines }: Outcome): void {
  const afterWarmup = samples.find((sample) => sample.at >= WARMUP_MS) ?? samples[samples.length - 1];
  const end = samples[samples.length - 1];
  const midpoint = (afterWarmup.at + end.at) / 2;
  const middle = samples.reduce((best, sample) => (Math.abs(sample.at - midpoint) < Math.abs(best.at - midpoint) ? sample : best));
  const points: [string, Sample][] = [
    ['start', samples[0]],
    ['afterWarmup', afterWarmup],
    ['middle', middle],
    ['end', end],
  ];
  const steady = samples.filter((sample) => sample.at > afterWarmup.at);
  if (steady.length === 0) steady.push(end);
  const lagP99Max = Math.max(...steady.map((sample) => sample.lagP99));
  const lagMaxMax = Math.max(...steady.map((sample) => sample.lagMax));
  // Growth of the median RSS of the last window of samples over the first window after warm-up (a minute each at
  // the default interval, at most a third of the samples each), so that one point of the GC sawtooth does not decide.
  const measured = samples.filter((sample) => sample.at >= afterWarmup.at);
  const window = Math.max(1, Math.min(Math.round(60 / SAMPLE_SECONDS), Math.floor(measured.length / 3)));
  const medianRss = (list: readonly Sample[]): number => median(list.map((sample) => sample.rss));
  const rssGrowth = (medianRss(measured.slice(-window)) / medianRss(measured.slice(0, window)) - 1) * 100;
  const rssPointGrowth = ((end.rss - afterWarmup.rss) / afterWarmup.rss) * 100;
  // The lowest heap used in a window is close to what survives a major GC: a leak shows as a rising floor.
  const heapFloor = (list: readonly Sample[]): number => Math.min(...list.map((sample) => sample.heapUsed));
  const heapFloors = [heapFloor(measured.slice(0, window)), heapFloor(measured.slice(-window))];
  const heapGrowth = ((end.heapUsed - afterWarmup.heapUsed) / afterWarmup.heapUsed) * 100;
  const errors = sumErrors(traffic);
  const pass = rssGrowth < TARGET_RSS_GROWTH_PCT && errors === 0;
  const latency = calls.map((call) => {
    const sorted = [...(traffic.latencies.get(call.name) ?? [])].sort((a, b) => a - b);
    return {
      call: call.name,
      ok: sorted.length,
      errors: traffic.errorsByCall.get(call.name) ?? 0,
      p50: sorted.length ? percentile(sorted, 0.5) : NaN,
      p99: sorted.length ? percentile(sorted, 0.99) : NaN,
      max: sorted.length ? sorted[sorted.length - 1] : NaN,
    };
  });

  const out: string[] = [
    '',
    `Soak: ${MINUTES} min of mixed MCP traffic (${calls.map((call) => call.name).join(', ')}; equal shares, round robin) at ${RPS} req/s open loop, ` +
      `warm-up ${WARMUP_SECONDS} s, /metrics every ${SAMPLE_SECONDS} s; ${DB_URL ? 'external PostgreSQL (SOAK_DB_URL), RAG off: no rag_search' : 'embedded database (PGlite), RAG on with the sample corpus'}; ` +
      `server ready in ${bootSeconds.toFixed(1)} s; Node ${process.version}, ${os.cpus().length} CPUs, load average ${load0.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end.`,
    '',
    `${'point'.padEnd(14)}${'t s'.padStart(6)}${'RSS MiB'.padStart(9)}${'heap used MiB'.padStart(14)}${'heap total MiB'.padStart(15)}${'loop p99 ms'.padStart(13)}${'loop max ms'.padStart(13)}`,
    ...points.map(
      ([name, row]) =>
        `${(name === 'afterWarmup' ? 'after warm-up' : name).padEnd(14)}${(row.at / 1000).toFixed(0).padStart(6)}${mb(row.rss).padStart(9)}${mb(row.heapUsed).padStart(14)}` +
        `${mb(row.heapTotal).padStart(15)}${ms(row.lagP99).padStart(13)}${ms(row.lagMax).padStart(13)}`,
    ),
    '',
    `RSS growth after warm-up: ${signed(rssGrowth)} % (median of the last ${window} samples over the first ${window}); ` +
      `end vs after warm-up: RSS ${signed(rssPointGrowth)} %, heap used ${signed(heapGrowth)} %. ` +
      `Heap used floor (lowest sample) in those windows: ${mb(heapFloors[0])} -> ${mb(heapFloors[1])} MiB.`,
    `Event-loop delay after warm-up (${steady.length} samples, ${traffic.failedScrapes} failed scrapes): p99 max ${ms(lagP99Max)} ms, last ${ms(end.lagP99)} ms; max ${ms(lagMaxMax)} ms.`,
    `Requests: sent ${traffic.sent} in ${(elapsed / 1000).toFixed(1)} s (${((traffic.sent * 1000) / elapsed).toFixed(1)}/s, ${traffic.late} late), completed ${traffic.completed}, ` +
      `errors ${errors} (${ERROR_KINDS.map((kind) => `${kind} ${traffic.errors[kind]}`).join(', ')}).`,
    ...traffic.firstErrors.map((line) => `  first errors: ${line}`),
    '',
    'Client-side latency after warm-up, ms:',
    `${'call'.padEnd(20)}${'ok'.padStart(8)}${'errors'.padStart(8)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'max'.padStart(9)}`,
    ...latency.map(
      (row) =>
        `${row.call.padEnd(20)}${String(row.ok).padStart(8)}${String(row.errors).padStart(8)}${row.p50.toFixed(2).padStart(9)}${row.p99.toFixed(2).padStart(9)}${row.max.toFixed(1).padStart(9)}`,
    ),
    '',
    `Server: ${lines} lines at LOG_LEVEL=warn; SIGTERM -> exit code ${stopped.code}${stopped.signal ? ` (signal ${stopped.signal})` : ''} in ${(stopped.millis / 1000).toFixed(1)} s.`,
    `Targets: RSS growth < ${TARGET_RSS_GROWTH_PCT} % after warm-up (${rssGrowth.toFixed(1)} %), zero errors (${errors}) -> ${pass ? 'PASS' : 'FAIL'}.`,
    JSON.stringify({
      soak: pass ? 'PASS' : 'FAIL',
      minutes: MINUTES,
      rps: RPS,
      warmupSeconds: WARMUP_SECONDS,
      database: DB_URL ? 'external' : 'embedded',
      rag: !DB_URL,
      memory: Object.fromEntries(
        points.map(([name, sample]) => [name, { atSeconds: sample.at / 1000, rssBytes: sample.rss, heapUsedBytes: sample.heapUsed, heapTotalBytes: sample.heapTotal }]),
      ),
      rssGrowthPct: Number(rssGrowth.toFixed(2)),
      rssGrowthWindowSamples: window,
      rssPointGrowthPct: Number(rssPointGrowth.toFixed(2)),
      heapUsedGrowthPct: Number(heapGrowth.toFixed(2)),
      heapUsedFloorBytes: { first: heapFloors[0], last: heapFloors[1] },
      eventLoopLagP99Ms: { max: Number(ms(lagP99Max)), last: Number(ms(end.lagP99)) },
      eventLoopLagMaxMs: Number(ms(lagMaxMax)),
      failedScrapes: traffic.failedScrapes,
      requests: { sent: traffic.sent, completed: traffic.completed, late: traffic.late, errors, errorsByKind: traffic.errors },
      latencyMs: Object.fromEntries(latency.map((row) => [row.call, { ok: row.ok, errors: row.errors, p50: Number(row.p50.toFixed(2)), p99: Number(row.p99.toFixed(2)) }])),
      server: { logLines: lines, exitCode: stopped.code, signal: stopped.signal },
      samples: samples.map((sample) => ({ at: sample.at / 1000, rss: sample.rss, heapUsed: sample.heapUsed, lagP99Ms: Number(ms(sample.lagP99)) })),
    }),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`\n[soak] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
