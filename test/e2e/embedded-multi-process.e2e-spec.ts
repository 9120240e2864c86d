import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { createApiKey } from '../factories/api-key.factory';
import { ListeningServer, startListeningServer, stopServer } from '../support/server-process';
import { waitFor } from '../support/wait';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * Several real server processes (`node dist/main.js`, built by `npx nest build`) on ONE embedded data
 * directory: the first owns it and serves it on its Unix socket, the later ones attach; when the owner is
 * killed, a survivor takes the directory over and everyone keeps answering with the data acknowledged before.
 */
describe('one embedded database, several server processes', () => {
  const root = mkdtempSync(join(tmpdir(), 'embedded-multi-'));
  const dataDir = join(root, 'pglite');
  const key = createApiKey();
  const env = { DB_DATA_DIR: dataDir, API_KEY_PRIMARY: key, LOG_LEVEL: 'info' };
  const servers: ListeningServer[] = [];
  let stdio: Client | undefined;
  const stdioErrors: Error[] = [];
  let stdioStderr = '';

  const tool = async (server: ListeningServer, name: string, args: Record<string, unknown>): Promise<Answer> => {
    const res = await fetch(`${server.url}/v1/tools/${name}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text() };
  };
  const customers = (server: ListeningServer): Promise<Answer> => tool(server, 'sql_query', { sql: 'SELECT count(*) AS n FROM customers' });

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npx nest build" first`);
  });

  afterAll(async () => {
    await stdio?.close().catch(() => undefined);
    for (const server of servers) await stopServer(server);
    rmSync(root, { recursive: true, force: true });
  }, 30_000);

  it('serves from a first HTTP server, a second HTTP server and a stdio server on the same data directory', async () => {
    servers.push(await startListeningServer(env, root, 90_000));
    servers.push(await startListeningServer(env, root, 60_000));
    expect(servers[1].stdout()).toContain('attached to the embedded database another process owns');

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MAIN, '--stdio'],
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stdioStderr += chunk.toString()));
    stdio = new Client({ name: 'embedded-multi-process', version: '1.0.0' });
    stdio.onerror = (error) => stdioErrors.push(error); // a non-JSON line on stdout would land here
    await stdio.connect(transport);

    const { tools } = await stdio.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'sql_query', 'rag_ingest', 'rag_search']));
    const viaStdio = await stdio.callTool({ name: 'sql_query', arguments: { sql: 'SELECT count(*) AS n FROM customers' } });
    expect(viaStdio.isError).toBeFalsy();
    expect(viaStdio.structuredContent).toMatchObject({ rows: [{ n: '500' }] }); // seeded once, by the owner
    expect(stdioStderr).toContain('attached to the embedded database another process owns');
    expect(stdioErrors).toEqual([]);

    for (const server of servers) expect(JSON.parse((await customers(server)).body)).toMatchObject({ rows: [{ n: '500' }] });
  }, 180_000);

  it('returns through one process a document ingested through another', async () => {
    const text = 'Lighthouse keepers logged the fog signal hours in a ledger kept beside the lamp room.';
    const ingested = await tool(servers[1], 'rag_ingest', { documents: [{ text, title: 'Fog ledger', source: 'sea/fog.md' }] });
    expect(ingested.status).toBe(200);

    const found = await tool(servers[0], 'rag_search', { query: 'fog signal ledger lamp', k: 1 });
    expect(JSON.parse(found.body)).toMatchObject({ results: [{ title: 'Fog ledger' }] });
    const viaStdio = await stdio!.callTool({ name: 'rag_search', arguments: { query: 'fog signal ledger lamp', k: 1 } });
    expect(viaStdio.structuredContent).toMatchObject({ results: [{ title: 'Fog ledger' }] });
  }, 60_000);

  it('keeps answering when the owner is killed (SIGKILL): a survivor takes over, acknowledged writes are kept', async () => {
    const [owner, survivor] = servers;
    owner.child.kill('SIGKILL');
    await owner.exited;
    const killed = performance.now();

    const back = await waitFor(async () => (await customers(survivor)).status === 200, 30_000, 'the survivor to answer from the database again');
    process.stdout.write(`survivor answered sql_query again ${Math.round(back - killed)} ms after the owner was killed\n`);
    const found = await tool(survivor, 'rag_search', { query: 'fog signal ledger lamp', k: 1 });
    expect(JSON.parse(found.body)).toMatchObject({ results: [{ title: 'Fog ledger' }] });

    await waitFor(
      async () => {
        const result = await stdio!.callTool({ name: 'sql_query', arguments: { sql: 'SELECT 1 AS one' } });
        return !result.isError;
      },
      30_000,
      'the stdio server to answer from the database again',
    );
    expect(`${survivor.stdout()}${stdioStderr}`).toContain('this process owns it now');
    expect(stdioErrors).toEqual([]);
    const echo = await tool(survivor, 'echo', { text: 'after the owner died' });
    expect(echo.status).toBe(200);
  }, 90_000);

  it('prints one line and no stack trace when the data directory cannot be written (HTTP and stdio)', async () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const badEnv = { PATH: process.env.PATH ?? '', API_KEY_PRIMARY: key, DB_DATA_DIR: join(blocker, 'pglite') };
    for (const args of [[MAIN], [MAIN, '--stdio']]) {
      const child = spawn(process.execPath, args, { cwd: root, env: badEnv, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.once('close', done));
      expect(code).toBe(1);
      expect(err).toContain('Startup failed: the embedded database cannot use DB_DATA_DIR=');
      expect(err).toContain('set DB_DATA_DIR to one');
      expect(`${out}${err}`).not.toMatch(/^\s+at /m);
      expect(err.trim().split('\n')).toHaveLength(1);
      if (args.includes('--stdio')) expect(out).toBe('');
    }
  }, 60_000);
});
