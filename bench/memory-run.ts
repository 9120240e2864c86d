// `npm run bench:memory` (= `nest build && tsc -p bench/tsconfig.json && node dist/bench/memory-run.js`): the
// server's memory and boot time, one configuration per line:
//  - boot to ready: from spawn to the first 200 of GET /health/ready (polled every 50 ms);
//  - idle RSS: /proc/<pid>/status VmRSS once ready and quiet for MEMORY_SETTLE_SECONDS;
//  - RSS after load (only with MEMORY_LOAD_SECONDS > 0): MEMORY_LOAD_SECONDS of `tools/call` echo at 32
//    connections, then the same settle time.
// Each configuration runs `node dist/main.js` in a fresh temporary directory (a fresh embedded data directory
// unless MEMORY_DATA_DIR names one to reuse: boot "on an existing data directory").
//
// Environment: MEMORY_CONFIGS (comma list of: embedded, embedded-no-rag, db-url; default all three),
// MEMORY_DB_URL (for db-url; default TEST_DB_URL), MEMORY_SETTLE_SECONDS (5), MEMORY_LOAD_SECONDS (60),
// MEMORY_BOOTS (boots per configuration, the first one on a fresh data directory; default 2),
// MEMORY_NODE_OPTIONS (NODE_OPTIONS for the server, e.g. V8 heap flags), MEMORY_ENV (KEY=VALUE,... for every
// configuration).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { freePort, KEY, ROOT } from './bench-kit';

const SETTLE = Number(process.env.MEMORY_SETTLE_SECONDS ?? 5);
const LOAD = Number(process.env.MEMORY_LOAD_SECONDS ?? 60);
const BOOTS = Number(process.env.MEMORY_BOOTS ?? 2);
const DB_URL = process.env.MEMORY_DB_URL ?? process.env.TEST_DB_URL;
/** MEMORY_ENV=KEY=VALUE,KEY=VALUE: more settings for every configuration (e.g. DB_EMBEDDED_SHARED_BUFFERS_MB=128). */
const EXTRA_ENV: Record<string, string> = Object.fromEntries(
  (process.env.MEMORY_ENV ?? '')
    .split(',')
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

const CONFIGS: Record<string, Record<string, string>> = {
  embedded: {},
  'embedded-no-rag': { ENABLE_RAG: 'false' },
  'db-url': DB_URL ? { DB_URL } : {},
};

const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const log = (message: string): boolean => process.stderr.write(`[memory] ${message}\n`);

function rssMiB(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kib ? Number(kib[1]) / 1024 : NaN;
}

interface Boot {
  readonly readyMs: number;
  readonly idleMiB: number;
  readonly afterLoadMiB?: number;
}

async function boot(dir: string, env: Record<string, string>, load: boolean): Promise<Boot> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'main.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      ...(process.env.MEMORY_NODE_OPTIONS ? { NODE_OPTIONS: process.env.MEMORY_NODE_OPTIONS } : {}),
      ENVIRONMENT: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      API_KEY_PRIMARY: KEY,
      RATE_LIMIT_RPM: '1000000',
      LOG_LEVEL: 'info',
      LOG_OUTPUT: 'file',
      LOG_FILE: path.join(dir, 'server.log'),
      ...EXTRA_ENV,
      ...env,
    },
    stdio: 'ignore',
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (code ${child.exitCode}); see ${dir}/server.log`);
      if (await fetch(`${url}/health/ready`).then((r) => r.ok, () => false)) break;
      if (performance.now() - started > 180_000) throw new Error('not ready after 180 s');
      await sleep(0.05);
    }
    const readyMs = performance.now() - started;
    await sleep(SETTLE);
    const idleMiB = rssMiB(child.pid as number);
    if (!load) return { readyMs, idleMiB };
    await autocannon({
      url: `${url}/mcp`,
      method: 'POST',
      connections: 32,
      duration: LOAD,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': '2025-11-25',
        Authorization: `Bearer ${KEY}`,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hello' } } }),
    });
    await sleep(SETTLE);
    return { readyMs, idleMiB, afterLoadMiB: rssMiB(child.pid as number) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  }
}

async function main(): Promise<void> {
  const wanted = (process.env.MEMORY_CONFIGS ?? Object.keys(CONFIGS).join(',')).split(',').map((s) => s.trim());
  const rows: string[] = [];
  for (const name of wanted) {
    const env = CONFIGS[name];
    if (!env) throw new Error(`MEMORY_CONFIGS: unknown ${name} (known: ${Object.keys(CONFIGS).join(', ')})`);
    if (name === 'db-url' && !env.DB_URL) throw new Error('db-url needs MEMORY_DB_URL or TEST_DB_URL');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mcp-memory-${name}-`));
    try {
      for (let i = 0; i < BOOTS; i++) {
        const last = i === BOOTS - 1;
        const result = await boot(dir, env, last && LOAD > 0);
        const state = name === 'db-url' ? 'PostgreSQL' : i === 0 ? 'fresh data dir' : 'existing data dir';
        const after = result.afterLoadMiB === undefined ? '' : `${result.afterLoadMiB.toFixed(0)} (${(result.afterLoadMiB / result.idleMiB).toFixed(2)}x)`;
        const row = `| ${name} | ${state} | ${(result.readyMs / 1000).toFixed(2)} | ${result.idleMiB.toFixed(0)} | ${after} |`;
        log(row);
        rows.push(row);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(
    `\n${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)}, Node ${process.version}; settle ${SETTLE} s, load ${LOAD} s at 32 connections.\n\n` +
      '| configuration | boot | boot to ready s | idle RSS MiB | RSS after load MiB (x idle) |\n|---|---|--:|--:|--:|\n' +
      `${rows.join('\n')}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[memory] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
