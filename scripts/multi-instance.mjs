#!/usr/bin/env node
// Two replicas of mcp-tool-server on one PostgreSQL and one Redis, side by side on this machine.
//
// Usage (after `npm run build`):
//   DB_URL=postgres://user:pass@127.0.0.1:5432/db REDIS_URL=redis://127.0.0.1:6379 node scripts/multi-instance.mjs
//   ... node scripts/multi-instance.mjs --once     # run the demonstration, stop both, exit
//
// It starts `node dist/main.js` twice on free loopback ports with RATE_LIMIT_STORAGE=redis and the same
// API key (API_KEY_PRIMARY, or one generated and printed), then shows over plain JSON-RPC (no session):
//   1. tools/list from each replica, and whether the two lists are identical;
//   2. an echo tools/call answered by each replica;
//   3. one per-key rate-limit budget (RATE_LIMIT_RPM, default 6 here) shared by both: requests alternate
//      between the replicas until one answers 429.
// Then both keep running (their URLs are printed) until Ctrl-C, which sends them SIGTERM and waits for
// them to exit. Other variables in the environment (and a .env in the working directory) reach both.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const once = process.argv.includes('--once');

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function startReplica(name, env) {
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { name, child, exited, url: `http://127.0.0.1:${env.PORT}`, output: () => output };
}

async function waitReady(replica, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (replica.child.exitCode !== null) fail(`replica ${replica.name} exited with ${replica.child.exitCode}:\n${replica.output()}`);
    const ready = await fetch(`${replica.url}/health/ready`).then((res) => res.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  fail(`replica ${replica.name} did not become ready within ${timeoutMs / 1000} s:\n${replica.output()}`);
}

let nextId = 1;
async function rpc(replica, key, method, params) {
  const res = await fetch(`${replica.url}/mcp`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${key}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
  });
  const text = await res.text();
  if (!res.ok) return { status: res.status };
  const data = /^data: (.*)$/m.exec(text)?.[1] ?? text;
  return { status: res.status, result: JSON.parse(data).result };
}

async function stopAll(replicas) {
  for (const replica of replicas) if (replica.child.exitCode === null) replica.child.kill('SIGTERM');
  const codes = await Promise.all(replicas.map((replica) => replica.exited));
  replicas.forEach((replica, i) => console.log(`replica ${replica.name} exited with ${codes[i]}`));
}

if (!existsSync(MAIN)) fail(`${MAIN} is missing: run "npm run build" first`);
if (!process.env.DB_URL) fail('Set DB_URL: both replicas must share one PostgreSQL (the embedded one is single-process).');

const key = process.env.API_KEY_PRIMARY || randomBytes(24).toString('base64url');
const rpm = Number(process.env.RATE_LIMIT_RPM || 6);
const shared = {
  ...process.env,
  HOST: '127.0.0.1',
  API_KEY_PRIMARY: key,
  RATE_LIMIT_STORAGE: 'redis',
  RATE_LIMIT_RPM: String(rpm),
  RATE_LIMIT_REDIS_PREFIX: process.env.RATE_LIMIT_REDIS_PREFIX || `mcp-multi-instance-${randomBytes(4).toString('hex')}`,
};
const [portA, portB] = [await freePort(), await freePort()];
const replicas = [startReplica('A', { ...shared, PORT: String(portA) }), startReplica('B', { ...shared, PORT: String(portB) })];
const [a, b] = replicas;

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stopAll(replicas);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const replica of replicas) {
  replica.exited.then((code) => {
    if (!stopping) fail(`replica ${replica.name} stopped unexpectedly (${code}):\n${replica.output()}`);
  });
}

await Promise.all(replicas.map((replica) => waitReady(replica, 60_000)));
console.log(`replica A: ${a.url}\nreplica B: ${b.url}`);
if (!process.env.API_KEY_PRIMARY) console.log(`API key (generated for this run): ${key}`);

let accepted = 0;
const lists = [];
for (const replica of replicas) {
  const { status, result } = await rpc(replica, key, 'tools/list', {});
  if (status !== 200) fail(`tools/list on ${replica.name} answered ${status}`);
  accepted += 1;
  lists.push(result.tools);
  console.log(`\ntools/list on ${replica.name}: ${result.tools.map((tool) => tool.name).join(', ')}`);
}
console.log(`identical on both (names and schemas): ${JSON.stringify(lists[0]) === JSON.stringify(lists[1]) ? 'yes' : 'NO'}`);

for (const replica of replicas) {
  const { status, result } = await rpc(replica, key, 'tools/call', { name: 'echo', arguments: { text: `hello from ${replica.name}` } });
  if (status !== 200) fail(`echo on ${replica.name} answered ${status}`);
  accepted += 1;
  console.log(`echo on ${replica.name} (no session, no initialize): ${JSON.stringify(result.structuredContent)}`);
}

console.log(`\none budget of ${rpm} requests/min for this key, alternating A and B (${accepted} already used above):`);
const seen = [];
for (let i = 0; i < rpm + 2; i += 1) {
  const replica = replicas[i % 2];
  const { status } = await rpc(replica, key, 'tools/call', { name: 'echo', arguments: { text: String(i) } });
  seen.push(`${replica.name}:${status}`);
  if (status === 200) accepted += 1;
  if (status === 429) break;
}
console.log(`  ${seen.join(' ')}`);
console.log(`  accepted ${accepted} in total across both replicas, then 429`);

if (once) await stop();
console.log('\nBoth replicas keep running; Ctrl-C stops them.');
