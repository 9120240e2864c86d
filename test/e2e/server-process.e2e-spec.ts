import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { startServerProcess } from '../support/server-process';
import { waitFor } from '../support/wait';
import { TEST_DB_URL } from '../support/test-database';

describe('the server process (node dist/main.js)', () => {
  let cwd: string;

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'mcp-tool-server-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('logs the database URL without its password', async () => {
    const port = await freePort();
    const server = startServerProcess({ PORT: String(port), DB_URL: TEST_DB_URL, API_KEY_PRIMARY: 'k'.repeat(32) }, cwd);
    try {
      await waitFor(() => server.stdout().includes('listening on'), 30_000, 'the server to listen');
      const password = new URL(TEST_DB_URL).password;
      const redacted = new URL(TEST_DB_URL);
      redacted.password = '***';
      expect(server.stdout()).toContain(`"database":"${redacted.toString()}"`);
      expect(server.stdout() + server.stderr()).not.toContain(`:${password}@`);
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 45_000);

  it('stops the boot on a bad configuration, listing every problem without a stack trace', async () => {
    const server = startServerProcess({ PORT: 'x', LOG_OUTPUT: 'syslog', API_KEY_PRIMARY: 'tiny' }, cwd);
    expect(await server.exited).toBe(1);
    const stderr = server.stderr();
    expect(stderr).toContain('Invalid configuration (3 problems)');
    for (const name of ['PORT', 'LOG_OUTPUT', 'API_KEY_PRIMARY']) expect(stderr).toContain(`- ${name}=`);
    expect(stderr).not.toContain('tiny');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses to start in production without an API key', async () => {
    const server = startServerProcess({ ENVIRONMENT: 'production' }, cwd);
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toContain('API_KEY_PRIMARY: required when ENVIRONMENT=production');
  });

  it('starts with no configuration: prints the URL and a generated key once, serves, exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const logFile = join(cwd, 'logs', 'server.log');
    const server = startServerProcess({ PORT: String(port), LOG_OUTPUT: 'both', LOG_FILE: logFile }, cwd);
    try {
      // No DB_URL: the embedded PostgreSQL initialises ./data/pglite and loads the sample data first.
      await waitFor(() => server.stderr().includes('Development API key'), 90_000, 'the generated key');
      const key = /Development API key[^\n]*\n\s+(\S+)/.exec(server.stderr())?.[1] ?? '';
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The log line goes through pino's destination (stdout and a file here), the key straight to stderr: either may come first.
      await waitFor(() => server.stdout().includes(`listening on http://127.0.0.1:${port}`), 10_000, 'the listening line');

      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${key}` } });
      expect(metrics.status).toBe(200);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const logs = server.stdout() + readFileSync(logFile, 'utf8');
      expect(logs).toContain('SIGTERM received');
      expect(logs).not.toContain(key);
      expect(logs).toContain('"database":"embedded PostgreSQL (PGlite) in ./data/pglite"');
      expect(logs).toMatch(/"sample_data_loaded":true/);
      expect(server.stderr().split(key).length - 1).toBe(2);
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 120_000);
});
