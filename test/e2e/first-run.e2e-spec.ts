import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/free-port';
import { ListeningServer, startListeningServer, stopServer } from '../support/server-process';
import { TEST_DB_URL } from '../support/test-database';
import { waitFor } from '../support/wait';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** What `npm start` shows a newcomer: a banner to act on, and logs a person can read on a terminal. */
describe('the first run (node dist/main.js in development)', () => {
  let cwd: string;
  let server: ListeningServer | undefined;

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'first-run-'));
  });
  afterEach(async () => {
    await stopServer(server);
    server = undefined;
    rmSync(cwd, { recursive: true, force: true });
  });

  it('ends its boot with a banner whose curl line, pasted into a shell, lists the tools with the generated key', async () => {
    server = await startListeningServer({ DB_URL: TEST_DB_URL }, cwd);
    await waitFor(() => server!.stderr().includes('docs/clients.md'), 10_000, 'the banner');
    const banner = server.stderr();
    expect(banner).toContain(`mcp-tool-server is ready on ${server.url}`);
    const key = /Development API key[^\n]*\n\s+(\S+)/.exec(banner)?.[1] ?? '';
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const curl = /^\s*(curl .+)$/m.exec(banner)?.[1] ?? '';
    expect(curl).toContain(key);

    const { stdout } = await promisify(execFile)('sh', ['-c', `${curl} --silent --show-error --fail --max-time 10`]);
    const names = (JSON.parse(stdout) as { tools: { name: string }[] }).tools.map((tool) => tool.name);
    expect(names).toContain('echo');
    // JSON lines on stdout when it is not a terminal (here a pipe).
    expect(JSON.parse(server.stdout().split('\n')[0])).toMatchObject({ service: 'mcp-tool-server' });
  }, 60_000);

  it('logs human-readable lines when stdout is a terminal, and JSON when LOG_FORMAT says so', async () => {
    const run = async (extra: Record<string, string>): Promise<string> => {
      const port = await freePort();
      let out = '';
      // `script` gives the server a pseudo-terminal as stdout (util-linux); its output is the terminal's.
      const child = spawn('script', ['-q', '-e', '-c', `"${process.execPath}" "${MAIN}"`, '/dev/null'], {
        cwd,
        env: { PATH: process.env.PATH ?? '', DB_URL: TEST_DB_URL, PORT: String(port), API_KEY_PRIMARY: 'k'.repeat(32), ...extra },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const exited = new Promise((resolve) => child.once('close', resolve));
      try {
        await waitFor(() => out.includes('docs/clients.md'), 30_000, 'the banner on the terminal');
        const answer = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(5_000) });
        expect(answer.status).toBe(200);
      } finally {
        process.kill(-child.pid!, 'SIGKILL');
        await exited;
      }
      return out;
    };

    const text = await run({});
    expect(text).toMatch(/INFO.*mcp-tool-server listening on/);
    expect(text).not.toContain('"level":');
    const json = await run({ LOG_FORMAT: 'json' });
    expect(json).toMatch(/\{"level":30,.*"msg":"mcp-tool-server listening on/);
  }, 90_000);
});
